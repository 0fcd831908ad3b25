"""The opportunity aggregate: programs, opportunities and the records around a deal."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.campaigns.models import Campaign
from m2c.core.models import BudgetStatus, OfferingLine, OrgUnit, TrackedModel, currency_field, money_field
from m2c.core.money import Money
from m2c.customers.models import Contact, Customer, DecisionRole

from ..states import (
    AbandonReason,
    ForecastCategory,
    Grade,
    LossReason,
    PriorityType,
    RiskStatus,
    Stage,
    TeamRole,
)
from .common import PERCENT, Level3


class Program(TrackedModel):
    """A group of related opportunities (and later contracts) with one customer, e.g. a campus build-out."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="programs", verbose_name=_("customer"))
    name = models.CharField(_("name"), max_length=200)
    target_amount = money_field(_("target amount"), default=Decimal(0))
    currency = currency_field()
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Opportunity(TrackedModel):
    """A deal from validation to won, lost or abandoned, governed by the ATI / ATB / ATC gates.

    ``region``, ``offering_line`` (the primary line), ``probability`` and ``amount_reporting`` are
    maintained by the services so that pipeline reports aggregate in one indexed pass.
    """

    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("customer"))
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="opportunities", verbose_name=_("org unit")
    )
    region = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="region_opportunities",
        verbose_name=_("region"),
    )
    offering_lines = models.ManyToManyField(OfferingLine, related_name="opportunities", verbose_name=_("offering lines"))
    offering_line = models.ForeignKey(
        OfferingLine, on_delete=models.PROTECT, null=True, blank=True, related_name="primary_opportunities",
        verbose_name=_("primary offering line"),
    )
    amount = money_field(_("amount"), default=Decimal(0))
    currency = currency_field()
    amount_reporting = money_field(_("amount in reporting currency"), default=Decimal(0))
    expected_sign_date = models.DateField(_("expected sign date"), null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.O1_VALIDATE, db_index=True)
    stage_changed_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
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
    # Set by the partners app when a deal registration converts; partner users see only their own.
    registered_partner_id = models.UUIDField(_("registered partner"), null=True, blank=True, db_index=True)
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="opportunities", verbose_name=_("program")
    )

    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, default=Grade.C)
    priority_type = models.CharField(
        _("priority type"), max_length=12, choices=PriorityType.choices, default=PriorityType.ROUTINE
    )
    probability = models.DecimalField(_("win probability %"), default=Decimal(10), **PERCENT)
    probability_override_review = models.ForeignKey(
        "GateReview", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("probability set by decision"),
    )
    forecast_category = models.CharField(
        _("forecast category"), max_length=10, choices=ForecastCategory.choices, default=ForecastCategory.PIPELINE
    )
    forecast_category_manual = models.BooleanField(_("forecast category set by the AR"), default=False)
    direct_negotiation = models.BooleanField(_("direct negotiation (no tender)"), default=False)

    # ON_HOLD returns to the stage it left.
    previous_stage = models.CharField(_("stage before hold"), max_length=20, choices=Stage.choices, blank=True)
    hold_until = models.DateField(_("re-review date"), null=True, blank=True)
    hold_reason = models.TextField(_("hold reason"), blank=True)
    hold_review = models.ForeignKey(
        "GateReview", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("hold decided by")
    )
    # O4 → O3 invalidates the earlier ATB: a new ATB decided after this moment is needed.
    bid_reopened_at = models.DateTimeField(_("sent back to ATB at"), null=True, blank=True)

    floor_price = money_field(_("floor price"), null=True, blank=True)
    floor_currency = models.CharField(_("floor currency"), max_length=3, blank=True)
    floor_review = models.ForeignKey(
        "GateReview", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("floor set by")
    )
    floor_frozen_at = models.DateTimeField(_("floor frozen at"), null=True, blank=True)

    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    loss_reason = models.CharField(_("loss reason"), max_length=20, choices=LossReason.choices, blank=True)
    loss_detail = models.TextField(_("loss detail"), blank=True)
    loss_competitor = models.CharField(_("winning competitor"), max_length=120, blank=True)
    price_gap = money_field(_("price gap"), null=True, blank=True)
    abandon_reason = models.CharField(_("abandon reason"), max_length=20, choices=AbandonReason.choices, blank=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at"]
        indexes = [
            # The board: one column per stage, soonest sign date first.
            models.Index(fields=["stage", "expected_sign_date", "id"], name="opp_board_idx"),
            # The board filtered by grade (A deals are a few percent: without it a column reads far).
            models.Index(fields=["grade", "stage", "expected_sign_date", "id"], name="opp_board_grade_idx"),
            # Weighted pipeline by region × stage and by offering line.
            models.Index(fields=["stage", "region", "currency"], name="opp_region_stage_idx"),
            models.Index(fields=["stage", "offering_line", "currency"], name="opp_line_stage_idx"),
            models.Index(fields=["org_unit", "stage"], name="opp_org_stage_idx"),
            models.Index(fields=["owner", "stage"], name="opp_owner_stage_idx"),
            models.Index(fields=["expected_sign_date"], name="opp_sign_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="opp_stage_valid"),
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="opp_grade_valid"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="opp_amount_not_negative"),
            models.CheckConstraint(condition=Q(probability__gte=0) & Q(probability__lte=100), name="opp_probability_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def amount_money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def weighted_money(self) -> Money:
        return Money(self.amount * self.probability / 100, self.currency)

    @property
    def floor_money(self) -> Money | None:
        if self.floor_price is None:
            return None
        return Money(self.floor_price, self.floor_currency or self.currency)

    @property
    def is_open(self) -> bool:
        return self.stage not in (Stage.WON, Stage.LOST, Stage.ABANDONED)

    @property
    def status(self) -> str:
        """The coarse status of domain.md 10.1: open, won, lost, abandoned or on hold."""
        return {Stage.WON: "won", Stage.LOST: "lost", Stage.ABANDONED: "abandoned", Stage.ON_HOLD: "on_hold"}.get(
            self.stage, "open"
        )


class PipelineTotal(models.Model):
    """The count and amount of the opportunities in one bucket, maintained by the services (see totals.py).

    Never edited by hand: :func:`m2c.opportunities.totals.rebuild` recomputes it from the opportunities.
    """

    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    region = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               db_constraint=False, verbose_name=_("region"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 db_constraint=False, verbose_name=_("org unit"))
    offering_line = models.ForeignKey(OfferingLine, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                      db_constraint=False, verbose_name=_("primary offering line"))
    currency = models.CharField(_("currency"), max_length=3)
    probability = models.DecimalField(_("win probability %"), **PERCENT)
    forecast_category = models.CharField(_("forecast category"), max_length=10, choices=ForecastCategory.choices)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, default=Grade.C)
    count = models.IntegerField(_("count"), default=0)
    amount = money_field(_("amount"), default=Decimal(0))

    class Meta:
        verbose_name = _("pipeline total")
        verbose_name_plural = _("pipeline totals")
        indexes = [models.Index(fields=["stage", "region", "org_unit", "offering_line", "currency"],
                                name="pipeline_total_bucket_idx")]

    def __str__(self) -> str:
        return f"{self.stage} {self.currency} {self.count}"


class TeamAssignment(models.Model):
    """A person's role on an opportunity for a period: the iron triangle and the wider team."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="team", verbose_name=_("opportunity"))
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opportunity_assignments", verbose_name=_("user")
    )
    valid_from = models.DateField(pgettext_lazy("validity", "from"), default=timezone.localdate)
    valid_to = models.DateField(_("until (exclusive)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("team assignment")
        verbose_name_plural = _("team assignments")
        ordering = ["opportunity", "role", "valid_from"]
        indexes = [models.Index(fields=["user", "valid_to"], name="opp_team_user_idx")]
        constraints = [
            # Exactly one AR and at most one SR and one FR at a time (domain.md 5.1).
            models.UniqueConstraint(
                fields=["opportunity", "role"], condition=Q(valid_to__isnull=True, role__in=["AR", "SR", "FR"]),
                name="opp_team_one_active_triangle_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"

    @property
    def active(self) -> bool:
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_to is None or self.valid_to > today)


class Stakeholder(models.Model):
    """A customer contact in the opportunity's decision chain."""

    class Attitude(models.TextChoices):
        CHAMPION = "champion", _("Champion")
        SUPPORTER = "supporter", _("Supporter")
        NEUTRAL = "neutral", _("Neutral")
        OPPONENT = "opponent", _("Opponent")
        UNKNOWN = "unknown", _("Unknown")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stakeholders", verbose_name=_("opportunity")
    )
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+", verbose_name=_("contact"))
    decision_role = models.CharField(_("decision role"), max_length=24, choices=DecisionRole.choices)
    attitude = models.CharField(_("attitude"), max_length=10, choices=Attitude.choices, default=Attitude.UNKNOWN)
    influence = models.CharField(_("influence"), max_length=6, choices=Level3.choices, default=Level3.MEDIUM)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["opportunity", "decision_role"]
        constraints = [models.UniqueConstraint(fields=["opportunity", "contact"], name="opp_stakeholder_unique")]

    def __str__(self) -> str:
        return str(self.contact)


class Competitor(models.Model):
    """A competitor in the deal, with what the team knows about its position."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="competitors", verbose_name=_("opportunity")
    )
    name = models.CharField(_("name"), max_length=120)
    incumbent = models.BooleanField(_("incumbent"), default=False)
    threat = models.CharField(_("threat"), max_length=6, choices=Level3.choices, default=Level3.MEDIUM)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["opportunity", "name"]
        constraints = [models.UniqueConstraint(fields=["opportunity", "name"], name="opp_competitor_unique")]

    def __str__(self) -> str:
        return self.name


class Risk(models.Model):
    """The opportunity's risk register: each risk with probability, impact, owner and mitigation."""

    Status = RiskStatus

    class Category(models.TextChoices):
        DELIVERY = "delivery", _("Delivery")
        COMMERCIAL = "commercial", _("Commercial")
        TECHNICAL = "technical", _("Technical")
        LEGAL = "legal", _("Legal and compliance")
        CREDIT = "credit", _("Credit")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="risks", verbose_name=_("opportunity"))
    description = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, default=Category.OTHER)
    probability = models.CharField(_("probability"), max_length=6, choices=Level3.choices, default=Level3.MEDIUM)
    impact = models.CharField(_("impact"), max_length=6, choices=Level3.choices, default=Level3.MEDIUM)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["opportunity", "-created_at"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def exposure(self) -> int:
        score = {Level3.LOW: 1, Level3.MEDIUM: 2, Level3.HIGH: 3}
        return score.get(self.probability, 2) * score.get(self.impact, 2)


class Activity(models.Model):
    """A logged interaction on the opportunity, with the next step it sets."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        EMAIL = "email", _("Email")
        VISIT = "visit", _("Customer visit")
        WORKSHOP = "workshop", _("Solution workshop")
        DEMO = "demo", _("Demo or pilot")
        SITE_SURVEY = "site_survey", _("Site survey")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="activities", verbose_name=_("opportunity")
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.MEETING)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    subject = models.CharField(_("subject"), max_length=200)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["opportunity", "-occurred_on", "-created_at"]

    def __str__(self) -> str:
        return self.subject
