"""Contract change requests (domain.md 6.4, S12) and the evaluation stored at closure (6.6, S13)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from m2c.core.models import TrackedModel, currency_field, money_field

from ..states import ChangeKind, ChangeStatus
from .contract import PERCENT, Contract, ContractVersion


class ChangeRequest(TrackedModel):
    """A request to change a contract in execution: its kind, reason, value delta and the proposed lines.

    ``proposal`` holds the lines the change adds (each naming an existing or a new site); approving it
    applies them to the contract and freezes a new :class:`ContractVersion`. Status changes only through
    ``CHANGE_MACHINE``; above the ATAC threshold the approval is an ATAC review decided GO (``review``).
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="changes",
                                 verbose_name=_("contract"))
    number = models.CharField(_("change number"), max_length=60, unique=True)
    kind = models.CharField(_("kind of change"), max_length=20, choices=ChangeKind.choices, default=ChangeKind.SCOPE)
    reason = models.TextField(_("reason"))
    delta_value = money_field(_("value delta"), default=Decimal(0))
    currency = currency_field()
    delta_pct = models.DecimalField(_("value delta %"), default=Decimal(0), **PERCENT)
    schedule_days = models.IntegerField(_("schedule extension (days)"), default=0)
    proposal = models.JSONField(_("proposed lines"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.DRAFT,
                              db_index=True)
    needs_atac = models.BooleanField(_("needs ATAC"), default=False)
    review = models.ForeignKey("opportunities.GateReview", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("ATAC review"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decision_note = models.TextField(_("decision note"), blank=True)
    effective_on = models.DateField(_("amendment signed on"), null=True, blank=True)
    contract_version = models.ForeignKey(ContractVersion, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("contract version"))

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["contract", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ChangeStatus.values), name="change_status_valid"),
        ]

    def __str__(self) -> str:
        return self.number


class ContractEvaluation(models.Model):
    """The evaluation of a closed contract (domain.md 6.6, S13): margin at ATB against the actual one, days
    from signature to 90 % collected, the number of approved changes and the post-mortem.

    Written as a draft while the contract is FULFILLED (the post-mortem and actual cost are inputs) and
    frozen with the computed figures when ATCC GO closes the contract (``final``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="evaluation",
                                    verbose_name=_("contract"))
    currency = currency_field()
    actual_cost = money_field(_("actual cost"), default=Decimal(0))
    revenue = money_field(_("net revenue (invoiced less credit notes)"), default=Decimal(0))
    collected = money_field(_("collected"), default=Decimal(0))
    margin_atb_pct = models.DecimalField(_("margin at ATB %"), null=True, blank=True, **PERCENT)
    margin_actual_pct = models.DecimalField(_("actual margin %"), null=True, blank=True, **PERCENT)
    days_to_90pct_collected = models.IntegerField(_("days from signature to 90 percent collected"), null=True, blank=True)
    change_count = models.PositiveIntegerField(_("approved changes"), default=0)
    post_mortem = models.TextField(_("post-mortem"), blank=True)
    final = models.BooleanField(_("final"), default=False)
    evaluated_at = models.DateTimeField(_("evaluated at"), default=timezone.now)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("evaluated by"))

    class Meta:
        verbose_name = _("contract evaluation")
        verbose_name_plural = _("contract evaluations")

    def __str__(self) -> str:
        return f"{self.contract_id} evaluation"

    @property
    def erosion_pts(self) -> Decimal | None:
        if self.margin_atb_pct is None or self.margin_actual_pct is None:
            return None
        return self.margin_atb_pct - self.margin_actual_pct
