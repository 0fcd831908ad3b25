"""The campaign (domain.md 7.4, 11.1): its plan, its targets and the budget line it draws on."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from m2c.core.models import OfferingLine, OrgUnit, TrackedModel, currency_field, money_field
from m2c.core.money import Money

from ..states import ACCEPTS_RESPONSES, CampaignStatus


class CampaignLevel(models.TextChoices):
    CORPORATE = "corporate", _("Corporate")
    REGIONAL = "regional", _("Regional")
    CUSTOMER_GROUP = "customer_group", _("Customer group")


class JourneyStage(models.TextChoices):
    AWARENESS = "awareness", _("Awareness")
    INTEREST = "interest", _("Interest")
    EVALUATION = "evaluation", _("Evaluation")
    DECISION = "decision", _("Decision")
    LOYALTY = "loyalty", _("Loyalty")


class Campaign(TrackedModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=CampaignLevel.choices)
    journey_stage = models.CharField(
        _("buyer journey stage"), max_length=20, choices=JourneyStage.choices, default=JourneyStage.AWARENESS
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns", verbose_name=_("org unit")
    )
    offering_lines = models.ManyToManyField(OfferingLine, blank=True, related_name="campaigns", verbose_name=_("offering lines"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    # Target outcomes and spend (domain.md 7.4, 9): leads reads them for the campaign's lead outcomes.
    target_valid_leads = models.PositiveIntegerField(_("target valid leads"), default=0)
    target_opportunities = models.PositiveIntegerField(_("target opportunities"), default=0)
    target_pipeline = money_field(_("target pipeline"), default=Decimal(0))
    target_bookings = money_field(_("target bookings"), default=Decimal(0))
    target_cash = money_field(_("target cash collected"), default=Decimal(0))
    objective = models.TextField(_("objective"), blank=True, max_length=2000)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent programme"),
    )
    # The budget line (domain.md 7.4): what the plan asks for, what approval committed, what was spent.
    budget = models.ForeignKey(
        "campaigns.MarketingBudget", on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns",
        verbose_name=_("budget"),
    )
    budget_amount = money_field(_("requested budget"), default=Decimal(0))
    committed_amount = money_field(_("committed"), default=Decimal(0))
    actual_spend = money_field(_("actual spend"), default=Decimal(0))
    currency = currency_field()
    web_form_enabled = models.BooleanField(
        _("public lead form enabled"), default=True,
        help_text=_("Whether the campaign's public web form accepts submissions."),
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=CampaignStatus.values), name="campaign_status_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def actual_spend_money(self) -> Money:
        return Money(self.actual_spend, self.currency)

    @property
    def accepts_responses(self) -> bool:
        return self.web_form_enabled and self.status in ACCEPTS_RESPONSES
