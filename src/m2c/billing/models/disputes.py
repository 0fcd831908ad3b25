"""Customer disputes (domain.md 6.5, 11.9): a contested amount of an issued invoice, worked to a resolution."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from m2c.core.models import TrackedModel, currency_field, money_field

from ..states import DisputeCategory, DisputeStatus


class Dispute(TrackedModel):
    """What the customer contests on one invoice, its owner and its course to a resolution.

    While the dispute is contested its amount is held on the invoice (``Invoice.disputed`` is the sum of
    the invoice's contested disputes) and never dunned. The resolution proposes a credit (or none); resolving
    issues that red-letter credit note through the invoice service. Status changes only through
    ``DISPUTE_MACHINE``.
    """

    number = models.CharField(_("dispute number"), max_length=30, unique=True)
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="disputes",
                                verbose_name=_("invoice"))
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="disputes",
                                 verbose_name=_("contract"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="disputes",
                                 verbose_name=_("customer"))
    currency = currency_field()
    amount = money_field(_("disputed amount"))
    category = models.CharField(_("category"), max_length=16, choices=DisputeCategory.choices)
    reason = models.CharField(_("what the customer disputes"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    opened_on = models.DateField(_("opened on"))
    status = models.CharField(_("status"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN,
                              db_index=True)
    proposed_credit = money_field(_("proposed credit"), null=True, blank=True)
    proposal = models.CharField(_("proposed resolution"), max_length=300, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    escalation_decision = models.CharField(_("escalation decision"), max_length=300, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=300, blank=True)
    credit_note = models.ForeignKey("billing.CreditNote", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("credit note"))

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-opened_on", "-created_at"]
        indexes = [models.Index(fields=["contract", "status"], name="dispute_contract_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="dispute_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=DisputeStatus.values), name="dispute_status_valid"),
            models.CheckConstraint(condition=Q(proposed_credit__isnull=True) | (
                Q(proposed_credit__gte=0) & Q(proposed_credit__lte=models.F("amount"))),
                name="dispute_credit_within_amount"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def credit(self) -> Decimal:
        return self.proposed_credit or Decimal(0)
