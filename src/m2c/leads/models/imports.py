"""Lead file imports and their per-row errors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from m2c.core.models import ImportJobBase


class LeadImport(ImportJobBase):
    """One lead file import (web or CLI): mapping, progress, counts, per-row errors, heartbeat and cursor."""

    invalid = models.PositiveIntegerField(_("invalid"), default=0)

    class Meta(ImportJobBase.Meta):
        verbose_name = _("lead import")
        verbose_name_plural = _("lead imports")

    def summary(self) -> dict[str, int]:
        return {"rows": self.processed, "created": self.created, "merged": self.merged, "invalid": self.invalid,
                "rejected": self.rejected}


class LeadImportError(models.Model):
    """A row that was not stored, with its error and the row as read (for the error report)."""

    id = models.BigAutoField(primary_key=True)
    job = models.ForeignKey(LeadImport, on_delete=models.CASCADE, related_name="errors")
    row_number = models.PositiveIntegerField()
    level = models.CharField(max_length=10, default="error")  # "error": not stored; "warning": stored, a cell blanked
    field = models.CharField(max_length=60, blank=True)
    message = models.TextField()
    row = models.JSONField(default=list)

    class Meta:
        ordering = ["row_number", "id"]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message}"
