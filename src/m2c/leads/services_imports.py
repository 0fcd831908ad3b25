"""Import commands: register an uploaded file, start it (in the background), as the web UI does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from m2c.core.errors import Conflict
from m2c.core.models import Role

from . import importer
from .models import LeadImport
from .services import _require


@transaction.atomic
def import_create(*, actor: Any, path: Path, file_name: str, sha256: str, encoding: str, mapping: dict[str, str],
                  defaults: dict[str, Any], total_rows: int) -> LeadImport:
    _require(actor, Role.MARKETING, Role.AR, Role.SR)
    return LeadImport.objects.create(file_name=file_name[:255], file_path=str(path), file_sha256=sha256, encoding=encoding,
                                     mapping=mapping, defaults=defaults, total_rows=total_rows, created_by=actor)


def import_start(*, actor: Any, job: LeadImport, mapping: dict[str, str], dry_run: bool) -> LeadImport:
    """Check the mapping, then run the import as a background task (inline in tests)."""
    _require(actor, Role.MARKETING, Role.AR, Role.SR)
    if job.status == LeadImport.Status.RUNNING:
        raise Conflict(_("This import is already running."), code="import_running")
    headers = importer.preview(Path(job.file_path)).headers
    clean = importer.validate_mapping(mapping, headers)
    LeadImport.objects.filter(pk=job.pk).update(mapping=clean, dry_run=dry_run, status=LeadImport.Status.RUNNING,
                                                processed=0, created=0, merged=0, invalid=0, rejected=0)
    job.errors.all().delete()
    from .tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(str(job.pk)))
    job.refresh_from_db()
    return job
