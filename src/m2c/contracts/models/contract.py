"""The contract aggregate: the contract, its immutable versions, its lines and its sites."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import OrgUnit, TrackedModel, currency_field, money_field
from m2c.core.money import Money

from ..states import ContractStatus

PERCENT = {"max_digits": 7, "decimal_places": 4}


class Contract(TrackedModel):
    """A signed contract with the customer, registered from the ATC-approved quote version of a won deal.

    The amounts are in the contract currency; ``total_reporting`` is the reporting-currency snapshot
    taken at signature. Status changes only through ``CONTRACT_MACHINE``.
    """

    number = models.CharField(_("contract number"), max_length=40, unique=True)
    title = models.CharField(pgettext_lazy("record", "title"), max_length=200)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="contracts",
                                 verbose_name=_("customer"))
    opportunity = models.OneToOneField("opportunities.Opportunity", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="contract", verbose_name=_("source opportunity"))
    quote = models.ForeignKey("opportunities.Quote", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("quote version"))
    atc_review = models.ForeignKey("opportunities.GateReview", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("ATC review"))
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("source campaign"))
    # The partner whose approved deal registration the deal came from (domain.md 8.2 rule 7), carried from the
    # opportunity for rebate and deal-registration reward eligibility; a plain id, as on the opportunity.
    registered_partner_id = models.UUIDField(_("registered partner"), null=True, blank=True, db_index=True)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    currency = currency_field()
    total_value = money_field(_("total value"), default=Decimal(0))
    total_cost = money_field(_("total cost"), default=Decimal(0))
    total_reporting = money_field(_("total in reporting currency"), default=Decimal(0))
    margin_pct = models.DecimalField(_("gross margin %"), null=True, blank=True, **PERCENT)
    status = models.CharField(_("status"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.DRAFT,
                              db_index=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    payment_terms = models.TextField(_("payment terms"), blank=True)
    retention_pct = models.DecimalField(_("retention %"), null=True, blank=True, **PERCENT)
    terms = models.JSONField(_("terms agreed at ATC"), default=dict, blank=True)
    po_required = models.BooleanField(_("a customer PO is required"), default=False)
    current_version = models.PositiveIntegerField(_("current version"), default=1)
    status_reason = models.TextField(_("reason of the last status change"), blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_on", "-created_at"]
        indexes = [models.Index(fields=["customer", "status"], name="contract_customer_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ContractStatus.values), name="contract_status_valid"),
            models.CheckConstraint(condition=Q(total_value__gte=0), name="contract_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def total_money(self) -> Money:
        return Money(self.total_value, self.currency)


class ImmutableRecord(Exception):
    """Raised when code tries to change a record that is kept as it was written."""


class ContractVersion(models.Model):
    """An immutable snapshot of the contract (lines, sites, terms, totals) at one version."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="versions", verbose_name=_("contract"))
    number = models.PositiveIntegerField(_("version"))
    effective_at = models.DateTimeField(_("effective from"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    total_value = money_field(_("total value"), default=Decimal(0))
    currency = currency_field()
    snapshot = models.JSONField(_("snapshot"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")
        ordering = ["contract", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="contract_version_unique")]

    def __str__(self) -> str:
        return f"{self.contract_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord(f"contract version {self.pk} is a snapshot and cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRecord(f"contract version {self.pk} is a snapshot and cannot be deleted")


class Site(models.Model):
    """A site or work package of the contract, with its share of the contract value (pro-rata billing)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="sites", verbose_name=_("contract"))
    name = models.CharField(_("name"), max_length=120)
    location = models.CharField(_("location"), max_length=200, blank=True)
    share_pct = models.DecimalField(_("share of value %"), **PERCENT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("site or work package")
        verbose_name_plural = _("sites and work packages")
        ordering = ["contract", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="contract_site_name_unique"),
            models.CheckConstraint(condition=Q(share_pct__gte=0) & Q(share_pct__lte=100), name="site_share_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def share_of(self, amount: Decimal) -> Decimal:
        return amount * self.share_pct / Decimal(100)


class ContractLine(models.Model):
    """One line of the contract, copied from the approved quote version."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="lines", verbose_name=_("contract"))
    position = models.PositiveIntegerField(_("position"), default=0)
    description = models.CharField(_("item"), max_length=300)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="lines",
                             verbose_name=_("site or work package"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4, default=Decimal(1))
    unit_price = money_field(_("unit price"))
    amount = money_field(_("amount"))
    unit_cost = money_field(_("unit cost"), default=Decimal(0))

    class Meta:
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        ordering = ["contract", "position"]

    def __str__(self) -> str:
        return self.description
