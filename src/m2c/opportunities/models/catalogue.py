"""The catalogue: products and services, price lists and their prices."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from m2c.core.models import OfferingLine, currency_field, money_field


class Product(models.Model):
    """A product or service of an offering line, with its standard cost."""

    class Kind(models.TextChoices):
        HARDWARE = "hardware", _("Hardware")
        SOFTWARE = "software", _("Software licence")
        SERVICE = "service", _("Service")
        SUBSCRIPTION = "subscription", _("Subscription")

    class Unit(models.TextChoices):
        PIECE = "piece", _("piece")
        SET = "set", _("set")
        LICENSE = "license", _("licence")
        MAN_DAY = "man_day", _("man-day")
        YEAR = "year", _("year")
        LOT = "lot", _("lot")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    offering_line = models.ForeignKey(
        OfferingLine, on_delete=models.PROTECT, related_name="products", verbose_name=_("offering line")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.HARDWARE)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    standard_cost = money_field(_("standard cost"), default=Decimal(0))
    cost_currency = currency_field(_("cost currency"))
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["offering_line", "code"]
        constraints = [models.CheckConstraint(condition=Q(standard_cost__gte=0), name="product_cost_not_negative")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "en").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class PriceList(models.Model):
    """List prices in one currency, valid for a period."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    currency = currency_field()
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["currency", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"


class PriceListItem(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items", verbose_name=_("price list"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="prices", verbose_name=_("product"))
    list_price = money_field(_("list price"))

    class Meta:
        verbose_name = _("list price")
        verbose_name_plural = _("list prices")
        ordering = ["price_list", "product__code"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="price_list_item_unique"),
            models.CheckConstraint(condition=Q(list_price__gte=0), name="price_list_item_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product.code} {self.list_price} {self.price_list.currency}"
