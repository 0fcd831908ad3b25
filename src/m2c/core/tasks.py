"""Background work of the core app."""

from __future__ import annotations

from django_tasks import task

from .notifications import send_pending_emails
from .periodic import every


@every(10, name="core.email_sweep")
def email_sweep() -> int:
    """Every 10 seconds: send the notification emails waiting in the outbox."""
    return send_pending_emails()


@every(60, name="core.import_sweep")
def import_sweep() -> int:
    """Every minute: imports (customers, opportunities, org) whose process died are marked interrupted."""
    from .imports.jobs import sweep
    from .models_imports import ImportJob

    return sweep([ImportJob])


@task()
def run_import_job(job_id: str, token: str) -> dict[str, int]:
    """Run a claimed customers/opportunities/org import in the background; its page polls the progress."""
    from .imports.services import run

    return run(job_id, token)
