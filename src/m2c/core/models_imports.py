"""Import jobs: one shape for every client of the import engine (leads, customers, opportunities, org).

A job is claimed by exactly one run (a conditional UPDATE on its status), which stamps a ``run_token``,
the ``worker`` (host:pid) and a ``heartbeat_at``. Rows are committed in chunks; each chunk's commit
moves ``cursor`` (the last file line done) and the counts in the same transaction, so a run that dies
loses at most the chunk in flight and a resume continues after the last committed chunk.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    INTERRUPTED = "interrupted", _("Interrupted")


class ImportJobBase(models.Model):
    """Fields every import job has; concrete jobs add their own counts."""

    Status = ImportStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file_name = models.CharField(_("file"), max_length=255)
    file_path = models.CharField(max_length=500, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    headers = models.JSONField(_("columns"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    value_maps = models.JSONField(_("value maps"), default=dict, blank=True)
    defaults = models.JSONField(_("defaults"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows (estimate)"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    cursor = models.PositiveIntegerField(_("last line committed"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    merged = models.PositiveIntegerField(_("merged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    message = models.TextField(_("message"), blank=True)
    run_token = models.CharField(_("run token"), max_length=32, blank=True)
    worker = models.CharField(_("worker"), max_length=120, blank=True)
    attempts = models.PositiveSmallIntegerField(_("runs"), default=0)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return min(99, int(self.processed * 100 / self.total_rows)) if self.total_rows else 0

    @property
    def can_resume(self) -> bool:
        return self.status in (ImportStatus.INTERRUPTED, ImportStatus.FAILED)


class ImportJob(ImportJobBase):
    """An import of customers, opportunities or the org structure (leads keep their own ``LeadImport``)."""

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        OPPORTUNITIES = "opportunities", _("Opportunities")
        ORG = "org", _("Org units and users")
        RESPONSES = "responses", _("Campaign responses")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    updated = models.PositiveIntegerField(_("updated"), default=0)

    class Meta(ImportJobBase.Meta):
        app_label = "core"
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["kind", "-created_at"], name="core_import_kind_idx")]

    def summary(self) -> dict[str, int]:
        return {"rows": self.processed, "created": self.created, "updated": self.updated, "merged": self.merged,
                "rejected": self.rejected, "warnings": self.warnings}


class ImportRowError(models.Model):
    """A row not stored (level ``error``) or stored with a blanked cell (``warning``), as read."""

    class Level(models.TextChoices):
        ERROR = "error", _("Not stored")
        WARNING = "warning", _("Warning")

    id = models.BigAutoField(primary_key=True)
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="errors")
    row_number = models.PositiveIntegerField()
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.ERROR)
    field = models.CharField(max_length=60, blank=True)
    message = models.TextField()
    row = models.JSONField(default=list)

    class Meta:
        app_label = "core"
        ordering = ["row_number", "id"]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message}"
