"""The quote and bid aggregates: tenders, quote versions and their lines."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import TrackedModel, currency_field, money_field
from m2c.core.money import Money

from ..states import (
    DecisionLevel,
    QuoteStatus,
)
from .authority import AuthorityMatrix
from .catalogue import PriceList, Product
from .common import PERCENT
from .opportunity import Opportunity


class Bid(TrackedModel):
    """A tender: RFP received, deadline, and the moment the bid went out with its quote."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="bids", verbose_name=_("opportunity"))
    reference = models.CharField(_("tender reference"), max_length=80, blank=True)
    rfp_received_on = models.DateField(_("RFP received on"))
    deadline = models.DateTimeField(_("submission deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("submitted by"),
    )
    quote = models.ForeignKey(
        "Quote", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("submitted quote")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["-rfp_received_on", "-created_at"]

    def __str__(self) -> str:
        return self.reference or str(_("Bid of %(date)s") % {"date": self.rfp_received_on})

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Quote(TrackedModel):
    """A quote version: lines per site or phase with list price, discount, net price and cost.

    Only a DRAFT's lines change. A new version starts as a copy. At most one version per bid is
    SUBMITTED at a time; submitting a later one supersedes it.
    """

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="quotes", verbose_name=_("opportunity"))
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    currency = currency_field()
    price_list = models.ForeignKey(
        PriceList, on_delete=models.PROTECT, null=True, blank=True, related_name="quotes", verbose_name=_("price list")
    )
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, null=True, blank=True, related_name="quotes", verbose_name=_("bid"))
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("copied from")
    )
    title = models.CharField(pgettext_lazy("record", "title"), max_length=200, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    payment_terms = models.TextField(_("payment terms"), blank=True)
    delivery_terms = models.TextField(_("delivery terms"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    total_list = money_field(_("total list price"), default=Decimal(0))
    total_net = money_field(_("total net price"), default=Decimal(0))
    total_cost = money_field(_("total cost"), default=Decimal(0))
    margin_pct = models.DecimalField(_("gross margin %"), null=True, blank=True, **PERCENT)
    discount_pct = models.DecimalField(_("discount %"), default=Decimal(0), **PERCENT)

    required_level = models.CharField(_("approval level"), max_length=12, choices=DecisionLevel.choices, blank=True)
    approval_reasons = models.JSONField(_("why approval is needed"), default=list, blank=True)
    authority_matrix = models.ForeignKey(
        AuthorityMatrix, on_delete=models.PROTECT, null=True, blank=True, related_name="quotes",
        verbose_name=_("authority matrix"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_note = models.TextField(_("approval note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["opportunity", "-number"]
        indexes = [models.Index(fields=["status", "required_level"], name="quote_inbox_idx")]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "number"], name="quote_version_unique"),
            models.UniqueConstraint(fields=["bid"], condition=Q(status="SUBMITTED"), name="quote_one_submitted_per_bid"),
            models.CheckConstraint(condition=Q(status__in=QuoteStatus.values), name="quote_status_valid"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def net_money(self) -> Money:
        return Money(self.total_net, self.currency)

    @property
    def list_money(self) -> Money:
        return Money(self.total_list, self.currency)

    @property
    def cost_money(self) -> Money:
        return Money(self.total_cost, self.currency)

    @property
    def is_editable(self) -> bool:
        return self.status == QuoteStatus.DRAFT


class QuoteLine(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines", verbose_name=_("quote"))
    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    description = models.CharField(_("item"), max_length=300)
    site = models.CharField(_("site or phase"), max_length=120, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4, default=Decimal(1))
    unit_list_price = money_field(_("unit list price"))
    discount_pct = models.DecimalField(_("discount %"), default=Decimal(0), **PERCENT)
    unit_net_price = money_field(_("unit net price"))
    unit_cost = money_field(_("unit cost"), default=Decimal(0))

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quote_line_quantity_positive"),
            models.CheckConstraint(condition=Q(discount_pct__gte=0) & Q(discount_pct__lte=100), name="quote_line_discount_range"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def list_amount(self) -> Decimal:
        return self.quantity * self.unit_list_price

    @property
    def net_amount(self) -> Decimal:
        return self.quantity * self.unit_net_price

    @property
    def cost_amount(self) -> Decimal:
        return self.quantity * self.unit_cost

    @property
    def margin_pct(self) -> Decimal | None:
        net = self.net_amount
        if not net:
            return None
        return (net - self.cost_amount) / net * 100
