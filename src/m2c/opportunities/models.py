"""Opportunities and everything that governs them: gates, authority, the iron triangle, quotes, bids.

Tables only: fields, constraints and cheap properties. Every write goes through ``services.py``; every
state change through a table in ``states.py``.
"""

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

from m2c.campaigns.models import Campaign
from m2c.core.models import OfferingLine, OrgUnit, TrackedModel, currency_field, money_field
from m2c.core.money import Money
from m2c.customers.models import Contact, Customer, DecisionRole

from .states import (
    AbandonReason,
    ConditionBlocks,
    ConditionStatus,
    Decision,
    DecisionLevel,
    ForecastCategory,
    GateType,
    Grade,
    LossReason,
    PriorityType,
    QuoteStatus,
    ReviewStatus,
    Stage,
    TeamRole,
)

PERCENT = {"max_digits": 7, "decimal_places": 4}


class BudgetStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    PLANNED = "planned", _("Planned")
    UNKNOWN = "unknown", _("Unknown (justified)")


class Level3(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


# --- configuration --------------------------------------------------------------------------------


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


# --- programs and opportunities -------------------------------------------------------------------


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

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MITIGATED = "mitigated", _("Mitigated")
        CLOSED = "closed", _("Closed")

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


# --- decision bodies, authority, checklists --------------------------------------------------------


class DecisionBody(models.Model):
    """A sales decision team (SDT) at one level of the organisation, with named members."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=DecisionLevel.choices)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="decision_bodies", verbose_name=_("org unit"))
    active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="DecisionBodyMember", related_name="decision_bodies", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("decision body")
        verbose_name_plural = _("decision bodies")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["level", "org_unit"], condition=Q(active=True), name="decision_body_one_per_unit"),
        ]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "en").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class DecisionBodyMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")

    body = models.ForeignKey(DecisionBody, on_delete=models.CASCADE, related_name="memberships", verbose_name=pgettext_lazy("decision body", "body"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decision_memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    valid_from = models.DateField(pgettext_lazy("validity", "from"), default=timezone.localdate)
    valid_to = models.DateField(pgettext_lazy("validity", "to"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision body member")
        verbose_name_plural = _("decision body members")
        ordering = ["body", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["body", "user"], condition=Q(valid_to__isnull=True), name="decision_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.user}"


class AuthorityMatrix(models.Model):
    """One version of the authority rules. Published versions are never edited: publish a new one.

    Gate reviews and quote approvals record the version they were evaluated against.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(_("version"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    note = models.TextField(_("note"), blank=True)
    effective_from = models.DateTimeField(_("in force from"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("authority matrix")
        verbose_name_plural = _("authority matrices")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} {self.name}"


class Dimension(models.TextChoices):
    VALUE = "value", _("Deal value (reporting currency)")
    MARGIN = "margin_pct", _("Estimated gross margin %")
    PAYMENT_TERMS = "payment_term_deviation", _("Payment-term deviation from policy")
    LEGAL_TERMS = "non_standard_terms", _("Non-standard legal terms")
    NEW_COUNTRY_OR_OFFERING = "new_country_or_offering", _("New country or new offering")
    DISCOUNT = "discount_pct", _("Discount off list price %")


class Operator(models.TextChoices):
    GT = "gt", ">"
    GTE = "gte", "≥"
    LT = "lt", "<"
    LTE = "lte", "≤"
    EQ = "eq", "="
    IS_TRUE = "is_true", _("is yes")


class PaymentTermDeviation(models.TextChoices):
    NONE = "none", _("None")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class AuthorityRule(models.Model):
    """One row of a matrix version: when ``dimension operator threshold`` holds, ``required_level`` decides.

    Every dimension is evaluated separately and the highest level required wins (domain.md 4.2). A
    blank ``gate_type`` applies at every gate; an ``offering_line`` limits the rule to deals of that line.
    """

    matrix = models.ForeignKey(AuthorityMatrix, on_delete=models.CASCADE, related_name="rules", verbose_name=_("matrix"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    gate_type = models.CharField(_("gate"), max_length=4, choices=GateType.choices, blank=True)
    dimension = models.CharField(_("dimension"), max_length=30, choices=Dimension.choices)
    operator = models.CharField(_("operator"), max_length=8, choices=Operator.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=20, decimal_places=4, null=True, blank=True)
    threshold_text = models.CharField(_("threshold (text)"), max_length=20, blank=True)
    offering_line = models.ForeignKey(
        OfferingLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("offering line")
    )
    required_level = models.CharField(_("required level"), max_length=12, choices=DecisionLevel.choices)
    label = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("authority rule")
        verbose_name_plural = _("authority rules")
        ordering = ["matrix", "position"]

    def __str__(self) -> str:
        return self.label or f"{self.dimension} {self.operator} {self.threshold or self.threshold_text}"


class DiscountAuthority(models.Model):
    """The discount a role may grant on its own, per offering line (blank: every line), in a matrix version.

    A quote whose discount goes beyond its preparer's authority needs approval at the level the
    matrix's discount rules require (at least the representative office).
    """

    matrix = models.ForeignKey(
        AuthorityMatrix, on_delete=models.CASCADE, related_name="discount_authorities", verbose_name=_("matrix")
    )
    role = models.CharField(_("role"), max_length=20)
    offering_line = models.ForeignKey(
        OfferingLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("offering line")
    )
    max_discount_pct = models.DecimalField(_("maximum discount %"), **PERCENT)

    class Meta:
        verbose_name = _("discount authority")
        verbose_name_plural = _("discount authorities")
        ordering = ["matrix", "role"]

    def __str__(self) -> str:
        return f"{self.role} ≤ {self.max_discount_pct}%"


class Checklist(models.Model):
    """A gate's questionnaire, versioned; the active version is the one new reviews use."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gate_type = models.CharField(_("gate"), max_length=4, choices=GateType.choices)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("gate checklist")
        verbose_name_plural = _("gate checklists")
        ordering = ["gate_type", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["gate_type", "version"], name="checklist_version_unique"),
            models.UniqueConstraint(fields=["gate_type"], condition=Q(active=True), name="checklist_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.gate_type} v{self.version}"


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    NUMBER = "number", pgettext_lazy("numeric value", "Number")
    TEXT = "text", _("Text")
    FILE = "file", _("File")


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items", verbose_name=_("checklist"))
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    section = models.CharField(_("section"), max_length=80, blank=True)
    section_en = models.CharField(_("English section"), max_length=80, blank=True)
    question = models.CharField(_("question"), max_length=300)
    question_en = models.CharField(_("English question"), max_length=300, blank=True)
    answer_type = models.CharField(_("answer type"), max_length=8, choices=AnswerType.choices, default=AnswerType.YES_NO)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    must_be_yes = models.BooleanField(_("a “no” blocks submission"), default=False)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="checklist_item_code_unique")]

    def __str__(self) -> str:
        return self.question


# --- gate reviews ---------------------------------------------------------------------------------


class DecidedReviewIsImmutable(Exception):
    """Raised by :meth:`GateReview.save` for any change to a review that has been decided."""


class GateReview(TrackedModel):
    """A gate (ATI, ATB, ATC; ATAC and ATCC for contracts) put to a decision body.

    The facts (value, margin, payment terms, legal terms, novelty, discount) are recorded when it is
    submitted and the required level is computed from the authority matrix in force, whose version is
    kept. Once DECIDED nothing on the row changes again, enforced here and by a database trigger.
    """

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, null=True, blank=True, related_name="gate_reviews",
        verbose_name=_("opportunity"),
    )
    # The contracts app reviews ATAC and ATCC against a contract; a plain id keeps this app independent.
    contract_id = models.UUIDField(_("contract"), null=True, blank=True, db_index=True)
    gate_type = models.CharField(_("gate"), max_length=4, choices=GateType.choices)
    sequence = models.PositiveIntegerField(pgettext_lazy("document", "number"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews", verbose_name=_("checklist")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    summary = models.TextField(_("presentation summary"), blank=True)
    quote = models.ForeignKey(
        "Quote", on_delete=models.PROTECT, null=True, blank=True, related_name="gate_reviews", verbose_name=_("quote")
    )
    bid = models.ForeignKey(
        "Bid", on_delete=models.PROTECT, null=True, blank=True, related_name="gate_reviews", verbose_name=_("bid")
    )

    # Facts the authority matrix reads.
    value_amount = money_field(_("value"), default=Decimal(0))
    value_currency = currency_field(_("value currency"))
    value_reporting = money_field(_("value in reporting currency"), default=Decimal(0))
    margin_pct = models.DecimalField(_("estimated gross margin %"), null=True, blank=True, **PERCENT)
    discount_pct = models.DecimalField(_("discount %"), null=True, blank=True, **PERCENT)
    payment_term_deviation = models.CharField(
        _("payment-term deviation"), max_length=10, choices=PaymentTermDeviation.choices, default=PaymentTermDeviation.NONE
    )
    non_standard_terms = models.BooleanField(_("non-standard legal terms"), default=False)
    new_country_or_offering = models.BooleanField(_("new country or new offering"), default=False)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    required_level = models.CharField(_("required level"), max_length=12, choices=DecisionLevel.choices, blank=True)
    level_reasons = models.JSONField(_("why this level"), default=list, blank=True)
    authority_matrix = models.ForeignKey(
        AuthorityMatrix, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews",
        verbose_name=_("authority matrix"),
    )
    authority_rule_version = models.PositiveIntegerField(_("authority rule version"), null=True, blank=True)
    decision_body = models.ForeignKey(
        DecisionBody, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews", verbose_name=_("decision body")
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)

    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    co_deciders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("other deciders present")
    )
    rationale = models.TextField(_("rationale"), blank=True)
    rehearing_date = models.DateField(_("re-review date"), null=True, blank=True)
    floor_price = money_field(_("floor price"), null=True, blank=True)
    probability_override = models.DecimalField(_("approved win probability %"), null=True, blank=True, **PERCENT)

    class Meta:
        verbose_name = _("gate review")
        verbose_name_plural = _("gate reviews")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["opportunity", "gate_type", "status", "decided_at"], name="gate_latest_idx"),
            models.Index(fields=["status", "decision_body"], name="gate_inbox_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReviewStatus.values), name="gate_status_valid"),
            models.CheckConstraint(
                condition=Q(status="DECIDED", decided_at__isnull=False) | ~Q(status="DECIDED"), name="gate_decided_has_time"
            ),
            models.CheckConstraint(
                condition=Q(opportunity__isnull=False) | Q(contract_id__isnull=False), name="gate_has_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gate_type} #{self.sequence}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == ReviewStatus.DECIDED:
                raise DecidedReviewIsImmutable(f"gate review {self.pk} is decided and cannot change")
        super().save(*args, **kwargs)

    @property
    def is_decided(self) -> bool:
        return self.status == ReviewStatus.DECIDED

    @property
    def passed(self) -> bool:
        return self.is_decided and self.decision in (Decision.GO, Decision.GO_WITH_CONDITIONS)

    @property
    def value_money(self) -> Money:
        return Money(self.value_amount, self.value_currency)

    @property
    def floor_money(self) -> Money | None:
        if self.floor_price is None:
            return None
        currency = self.quote.currency if self.quote_id else self.value_currency
        return Money(self.floor_price, currency)


class GateAnswer(models.Model):
    """The answer to one checklist item. The question is copied so the record reads the same forever."""

    review = models.ForeignKey(GateReview, on_delete=models.CASCADE, related_name="answers", verbose_name=_("review"))
    item = models.ForeignKey(ChecklistItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    question = models.CharField(_("question"), max_length=300)
    answer_type = models.CharField(_("answer type"), max_length=8, choices=AnswerType.choices)
    value_bool = models.BooleanField(_("yes / no"), null=True, blank=True)
    value_number = models.DecimalField(pgettext_lazy("numeric value", "number"), max_digits=20, decimal_places=4, null=True, blank=True)
    value_text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="gate-answers/%Y/%m/", blank=True, max_length=255)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("gate answer")
        verbose_name_plural = _("gate answers")
        ordering = ["review", "item__position", "code"]
        constraints = [models.UniqueConstraint(fields=["review", "code"], name="gate_answer_once")]

    def __str__(self) -> str:
        return f"{self.code}: {self.display_value}"

    @property
    def is_answered(self) -> bool:
        if self.answer_type == AnswerType.YES_NO:
            return self.value_bool is not None
        if self.answer_type == AnswerType.NUMBER:
            return self.value_number is not None
        if self.answer_type == AnswerType.FILE:
            return bool(self.file)
        return bool(self.value_text.strip())

    @property
    def display_value(self) -> str:
        if self.answer_type == AnswerType.YES_NO:
            return {True: str(_("Yes")), False: str(_("No"))}.get(self.value_bool, "—")  # type: ignore[arg-type]
        if self.answer_type == AnswerType.NUMBER:
            return "—" if self.value_number is None else f"{self.value_number.normalize():f}"
        if self.answer_type == AnswerType.FILE:
            return self.file.name.rsplit("/", 1)[-1] if self.file else "—"
        return self.value_text or "—"


class GateCondition(models.Model):
    """A condition attached to a GO-WITH-CONDITIONS decision: owner, due date, tracked to closure.

    While open it blocks the next gate (or signing, or only when overdue, per ``blocks``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(GateReview, on_delete=models.PROTECT, related_name="conditions", verbose_name=_("review"))
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, null=True, blank=True, related_name="conditions",
        verbose_name=_("opportunity"),
    )
    text = models.CharField(_("condition"), max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"))
    blocks = models.CharField(_("blocks"), max_length=10, choices=ConditionBlocks.choices, default=ConditionBlocks.NEXT_GATE)
    status = models.CharField(_("status"), max_length=8, choices=ConditionStatus.choices, default=ConditionStatus.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("closed by"),
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    reminded_on = models.DateField(_("last reminder"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gate condition")
        verbose_name_plural = _("gate conditions")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="gate_condition_due_idx")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.status == ConditionStatus.OPEN

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()


# --- catalogue ------------------------------------------------------------------------------------


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


# --- bids and quotes ------------------------------------------------------------------------------


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
