"""Background work of the leads app: SLA auto-return, stale detection, review reminders, imports.

The sweeps are periodic jobs (``m2c worker`` and the worker thread of ``m2c serve`` run them); each
selects what is due and changes it through the services, so running one twice does no harm.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from m2c.core.periodic import every

from . import services


@every(300, name="leads.sla_sweep")
def sla_sweep() -> int:
    """Every 5 minutes: leads not accepted in time return and are re-routed."""
    return services.sla_sweep()


@every(3600, name="leads.stale_sweep")
def stale_sweep() -> dict[str, int]:
    """Hourly: alert owners of leads without activity; recycle those idle for twice the limit."""
    return services.stale_sweep()


@every(6 * 3600, name="leads.review_sweep")
def review_sweep() -> int:
    """Four times a day: remind owners of leads due on the review cadence (at most once per cadence)."""
    return services.review_sweep()


@task()
def run_import(import_id: str, token: str | None = None) -> dict[str, Any]:
    """Run a claimed import in the background; the page polls its progress."""
    from m2c.core.imports.jobs import JobLost

    from .importer import run_job

    try:
        return run_job(import_id, token)
    except JobLost:
        return {}


@every(60, name="leads.import_sweep")
def import_sweep() -> int:
    """Every minute: imports whose process died are marked interrupted, ready to be resumed."""
    from .services_imports import import_sweep

    return import_sweep()
