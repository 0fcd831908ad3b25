"""Market development funds (MDF, domain.md 8.3, 11.11): quota, application, execution, claim."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from m2c.core.models import TrackedModel, currency_field, money_field

from ..states_channel import ExpenseType, MdfStatus
from .partner import Partner


class MdfQuota(models.Model):
    """How much MDF a partner may use in a period."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="mdf_quotas",
                                verbose_name=_("partner"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    amount = money_field(_("quota"))
    currency = currency_field()

    class Meta:
        verbose_name = _("MDF quota")
        verbose_name_plural = _("MDF quotas")
        ordering = ["-period_start"]
        constraints = [models.UniqueConstraint(fields=["partner", "period_start"], name="mdf_quota_once")]

    def __str__(self) -> str:
        return f"{self.partner} {self.period_start:%Y-%m}"


class MdfApplication(TrackedModel):
    number = models.CharField(_("MDF application number"), max_length=20, unique=True)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="mdf_applications",
                                verbose_name=_("partner"))
    quota = models.ForeignKey(MdfQuota, on_delete=models.PROTECT, related_name="applications",
                              verbose_name=_("MDF quota"))
    activity = models.CharField(_("activity"), max_length=200)
    activity_date = models.DateField(_("activity date"))
    budget = money_field(_("budget"))
    currency = currency_field()
    objective_leads = models.PositiveIntegerField(_("objective: leads"))
    objective_opportunities = models.PositiveIntegerField(_("objective: opportunities"))
    late_reason = models.TextField(_("reason for a late application"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MdfStatus.choices, default=MdfStatus.DRAFT,
                              db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_amount = money_field(_("approved amount"), null=True, blank=True)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("campaign"))
    claimed_amount = money_field(_("claimed amount"), null=True, blank=True)
    eligible_amount = money_field(_("eligible amount"), null=True, blank=True)
    reimbursed_amount = money_field(_("reimbursed amount"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("MDF application")
        verbose_name_plural = _("MDF applications")
        ordering = ["-activity_date"]

    def __str__(self) -> str:
        return f"{self.number} {self.activity}"


def _evidence_path(instance: MdfClaimLine, filename: str) -> str:
    return f"mdf/{instance.application_id}/{uuid.uuid4().hex}-{filename}"


class MdfClaimLine(models.Model):
    """One expense of a claim with its proof; checked against the eligibility rules, reason kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(MdfApplication, on_delete=models.CASCADE, related_name="claim_lines",
                                    verbose_name=_("MDF application"))
    expense_type = models.CharField(_("expense type"), max_length=20)
    description = models.CharField(_("description"), max_length=200)
    amount = money_field(_("amount"))
    persons = models.PositiveIntegerField(_("persons"), null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to=_evidence_path, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=120, blank=True)
    eligible = models.BooleanField(_("eligible"), default=False)
    eligible_amount = money_field(_("eligible amount"), default=0)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("MDF claim line")
        verbose_name_plural = _("MDF claim lines")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.description

    @property
    def reason_texts(self) -> list[str]:
        from ..reasons import reason_texts

        return reason_texts(self.reasons)

    @property
    def expense_label(self) -> str:
        return str(dict(ExpenseType.choices).get(self.expense_type, self.expense_type))
