"""Commands on ``ImportJob`` (customers, opportunities, org): register an upload, start, resume.

Starting claims the job atomically (``jobs.claim``), then runs it as a background task.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import translation

from m2c.core.models_imports import ImportJob
from m2c.core.roles import require_role

from . import jobs, registry, runner, uploads


def import_job_create(*, actor: Any, kind: str, stored: uploads.Stored) -> ImportJob:
    client = registry.client(kind)
    require_role(actor, *client.roles)
    try:
        return runner.create_job(stored.path, client, actor=actor, stored=stored)
    except Exception:
        uploads.discard(stored.path)
        raise


def import_job_start(*, actor: Any, job: ImportJob, mapping: dict[str, str], dry_run: bool,
                     value_maps: dict[str, dict[str, str]] | None = None) -> ImportJob:
    client = registry.client(job.kind)
    require_role(actor, *client.roles)
    clean = client.schema.validate(mapping, job.headers)
    token = jobs.claim_mapped(job, actor=actor, mapping=clean, dry_run=dry_run, value_maps=value_maps,
                              language=translation.get_language())
    _enqueue(job, token)
    job.refresh_from_db()
    return job


def import_job_resume(*, actor: Any, job: ImportJob, restart: bool = False) -> ImportJob:
    require_role(actor, *registry.client(job.kind).roles)
    token = jobs.claim(job, actor=actor, restart=restart)
    _enqueue(job, token)
    job.refresh_from_db()
    return job


def _enqueue(job: ImportJob, token: str) -> None:
    from m2c.core.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.enqueue(str(job.pk), token))


def run(job_id: str, token: str) -> dict[str, int]:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        runner.run_job(job, registry.client(job.kind), actor=job.created_by, token=token)
    except jobs.JobLost:
        return {}
    job.refresh_from_db()
    return job.summary()
