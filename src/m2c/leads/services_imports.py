"""Lead import commands: register an uploaded file; start, resume or restart it (in the background).

Starting is atomic (``core.imports.jobs.claim``: a conditional UPDATE on the status), so of several
concurrent starts exactly one runs the import and the others are refused with 409.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import translation

from m2c.core.imports import files, jobs, uploads
from m2c.core.models import Role
from m2c.core.roles import require_role

from . import importer
from .models import LeadImport

ROLES = (Role.MARKETING, Role.AR, Role.SR)


def import_create(*, actor: Any, stored: uploads.Stored, defaults: dict[str, Any]) -> LeadImport:
    """A job for a checked, stored upload (``core.imports.uploads.receive``); the file is read once here."""
    require_role(actor, *ROLES)
    try:
        info = importer.preview(stored.path)
    except Exception:
        uploads.discard(stored.path)
        raise
    return LeadImport.objects.create(
        file_name=stored.name, file_path=str(stored.path), file_sha256=stored.sha256, file_size=stored.size,
        encoding=info.encoding, headers=info.headers, mapping=info.mapping, defaults=defaults,
        total_rows=info.estimated_rows, language=translation.get_language() or "", created_by=actor,
    )


def import_start(*, actor: Any, job: LeadImport, mapping: dict[str, str], dry_run: bool,
                 value_maps: dict[str, dict[str, str]] | None = None, default_offering_line: str | None = None) -> LeadImport:
    """Check the mapping, claim the job and run it as a background task (inline in tests).

    ``default_offering_line`` (a code; blank for none) is the line of rows that have none after their
    campaign and the offering lines' keywords (issue 9).
    """
    require_role(actor, *ROLES)
    headers = job.headers or files.open_table(importer.Path(job.file_path)).headers
    clean = importer.validate_mapping(mapping, headers)
    if default_offering_line is not None:
        defaults = importer.with_default_line(job.defaults or {}, default_offering_line)
        if defaults != (job.defaults or {}):
            LeadImport.objects.filter(pk=job.pk).exclude(status=LeadImport.Status.RUNNING).update(defaults=defaults)
    token = jobs.claim_mapped(job, actor=actor, mapping=clean, dry_run=dry_run, value_maps=value_maps,
                              language=translation.get_language())
    _enqueue(job, token)
    job.refresh_from_db()
    return job


def import_resume(*, actor: Any, job: LeadImport, restart: bool = False) -> LeadImport:
    """Continue an interrupted or failed import after its last committed batch (or from the first row)."""
    require_role(actor, *ROLES)
    token = jobs.claim(job, actor=actor, restart=restart)
    _enqueue(job, token)
    job.refresh_from_db()
    return job


def _enqueue(job: LeadImport, token: str) -> None:
    from .tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(str(job.pk), token))


def import_sweep() -> int:
    """Mark lead imports whose process died as interrupted (never stuck "running")."""
    return jobs.sweep([LeadImport])
