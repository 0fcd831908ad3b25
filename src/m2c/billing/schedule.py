"""Background job of billing run by ``m2c worker``: periodic milestones release their ended periods."""

from __future__ import annotations

from m2c.core.periodic import every

from .services import periodic_release


@every(6 * 3600, name="billing.periodic_release")
def release_periodic_milestones() -> int:
    """Create the billing items of every periodic milestone period that has ended (idempotent)."""
    return periodic_release()
