"""The audit record of a lead merge."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from m2c.opportunities.models import Opportunity

from .lead import Lead


class LeadMerge(models.Model):
    """The audit record of a merge: what matched, what moved, and how to undo it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    merged = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="merges_out", verbose_name=_("merged lead"))
    survivor = models.ForeignKey(
        Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="merges_in", verbose_name=_("surviving lead")
    )
    survivor_opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("surviving opportunity"),
    )
    match = models.JSONField(_("match"), default=dict)
    previous_status = models.CharField(_("previous status"), max_length=20)
    snapshot = models.JSONField(_("state before the merge"), default=dict)
    automatic = models.BooleanField(_("automatic"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("merged by"),
    )
    created_at = models.DateTimeField(_("merged at"), default=timezone.now)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("lead merge")
        verbose_name_plural = _("lead merges")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id or self.survivor_opportunity_id}"
