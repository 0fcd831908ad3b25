"""Campaign evaluations at T+30, T+90 and T+180 days after the end (domain.md 7.4, 7.7): created when due
by the worker, recorded by marketing with a written review and a snapshot of the live figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Checkpoint(models.TextChoices):
    T30 = "T30", _("T+30 days")
    T90 = "T90", _("T+90 days")
    T180 = "T180", _("T+180 days")


CHECKPOINT_DAYS = {Checkpoint.T30: 30, Checkpoint.T90: 90, Checkpoint.T180: 180}


class CampaignEvaluation(models.Model):
    class Status(models.TextChoices):
        DUE = "DUE", pgettext_lazy("evaluation", "Due")
        RECORDED = "RECORDED", pgettext_lazy("evaluation", "Recorded")

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="evaluations",
                                 verbose_name=_("campaign"))
    checkpoint = models.CharField(_("checkpoint"), max_length=5, choices=Checkpoint.choices)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DUE)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    review = models.TextField(_("written review"), blank=True, max_length=5000)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("campaign evaluation")
        verbose_name_plural = _("campaign evaluations")
        ordering = ["campaign", "due_on"]
        constraints = [models.UniqueConstraint(fields=["campaign", "checkpoint"], name="evaluation_once_per_checkpoint")]

    def __str__(self) -> str:
        return f"{self.campaign} {self.checkpoint}"
