"""The app's configurable parameters and the selling company's profile (single rows)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from m2c.core.models import money_field

from ..states import (
    Stage,
)
from .common import PERCENT


class OpportunitySettings(models.Model):
    """The app's configurable parameters (domain.md 12). One row; read per call, never cached."""

    probability_o1 = models.DecimalField(_("O1 probability %"), default=Decimal(10), **PERCENT)
    probability_o2 = models.DecimalField(_("O2 probability %"), default=Decimal(25), **PERCENT)
    probability_o3 = models.DecimalField(_("O3 probability %"), default=Decimal(40), **PERCENT)
    probability_o4 = models.DecimalField(_("O4 probability %"), default=Decimal(75), **PERCENT)
    grade_a_threshold = money_field(_("grade A from (reporting currency)"), default=Decimal(50_000_000))
    grade_b_threshold = money_field(_("grade B from (reporting currency)"), default=Decimal(5_000_000))
    atb_lead_working_days = models.PositiveSmallIntegerField(_("ATB lead time before bid deadline (working days)"), default=5)
    low_probability_floor = models.DecimalField(
        _("bids below this win probability % need a justification"), default=Decimal(20), **PERCENT
    )
    condition_reminder_days = models.PositiveSmallIntegerField(_("remind condition owners this many days ahead"), default=2)

    class Meta:
        verbose_name = _("opportunity settings")
        verbose_name_plural = _("opportunity settings")

    def __str__(self) -> str:
        return str(_("Opportunity settings"))

    @classmethod
    def current(cls) -> OpportunitySettings:
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls()

    def probability_for(self, stage: str) -> Decimal:
        return {
            Stage.O1_VALIDATE: self.probability_o1,
            Stage.O2_SHAPE: self.probability_o2,
            Stage.O3_BID: self.probability_o3,
            Stage.O4_NEGOTIATE: self.probability_o4,
            Stage.WON: Decimal(100),
        }.get(stage, Decimal(0))


class CompanyProfile(models.Model):
    """The seller's letterhead on quotes, in Chinese and English."""

    name = models.CharField(_("company name"), max_length=200)
    name_en = models.CharField(_("English company name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    address_en = models.CharField(_("English address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.CharField(_("email"), max_length=120, blank=True)
    website = models.CharField(_("website"), max_length=120, blank=True)
    tax_no = models.CharField(_("tax registration number"), max_length=40, blank=True)
    bank = models.CharField(_("bank account"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profile")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> CompanyProfile:
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls(name=settings.M2C_COMPANY_NAME, name_en=settings.M2C_COMPANY_NAME)
