"""Opportunities (minimal): created in O1_VALIDATE by lead conversion or directly by an AR.

The opportunities issue extends this model with gates, the iron triangle, quotes and bids.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from m2c.campaigns.models import Campaign
from m2c.core.models import OfferingLine, OrgUnit, TrackedModel, currency_field, money_field
from m2c.core.money import Money
from m2c.customers.models import Customer

from .states import Stage


class BudgetStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    PLANNED = "planned", _("Planned")
    UNKNOWN = "unknown", _("Unknown (justified)")


class Opportunity(TrackedModel):
    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("customer"))
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="opportunities", verbose_name=_("org unit")
    )
    offering_lines = models.ManyToManyField(OfferingLine, related_name="opportunities", verbose_name=_("offering lines"))
    amount = money_field(_("amount"), default=Decimal(0))
    currency = currency_field()
    expected_sign_date = models.DateField(_("expected sign date"), null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.O1_VALIDATE, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_opportunities", verbose_name=_("owner (AR)")
    )
    budget_status = models.CharField(
        _("budget status"), max_length=10, choices=BudgetStatus.choices, default=BudgetStatus.UNKNOWN
    )
    description = models.TextField(_("description"), blank=True)
    # A plain id, not a foreign key: opportunities never depend on the leads app.
    source_lead_id = models.UUIDField(_("source lead"), null=True, blank=True, db_index=True)
    source_campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="sourced_opportunities",
        verbose_name=_("source campaign"),
    )

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def amount_money(self) -> Money:
        return Money(self.amount, self.currency)
