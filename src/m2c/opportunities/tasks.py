"""Background jobs of the opportunities app, run by ``m2c worker``. Each calls a service."""

from __future__ import annotations

from m2c.core.periodic import every

from . import totals
from .services import condition_remind_due


@every(3600, name="opportunities.remind_gate_conditions")
def remind_gate_conditions() -> int:
    """Remind condition owners of gate conditions due soon or overdue (once a day per condition)."""
    return condition_remind_due()


@every(24 * 3600, name="opportunities.reconcile_pipeline_totals")
def reconcile_pipeline_totals() -> int:
    """Recompute the running pipeline totals from the deals once a day (they are kept in step by every
    command; this also merges buckets split by concurrent first inserts)."""
    return totals.rebuild()
