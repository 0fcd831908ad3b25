"""Background work of the enablement app."""

from __future__ import annotations

from m2c.core.periodic import every


@every(6 * 3600, name="enablement.certificate_sweep")
def certificate_sweep() -> dict[str, int]:
    """Every six hours: certificates entering the notice window become EXPIRING (holders told), past ones EXPIRED."""
    from .services import certificates_sweep

    return certificates_sweep()


@every(60, name="enablement.attempt_sweep")
def attempt_sweep() -> int:
    """Every minute: attempts whose deadline passed without a submission are closed and scored."""
    from .services import attempts_close_due

    return attempts_close_due()
