"""API schemas of the opportunities app: ``...In`` inputs (unknown fields refused), ``...Out`` outputs.

Amounts are decimal strings (``Amount`` refuses floats); dates are bounded so no input can overflow a
calendar computation; text refuses NUL characters, which PostgreSQL cannot store.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field

from m2c.core.schemas import Amount, InSchema, MoneyOut, OutSchema, RefOut, UserRefOut
from m2c.customers.models import DecisionRole

from .models import (
    AnswerType,
    BudgetStatus,
    Dimension,
    Level3,
    Operator,
    PaymentTermDeviation,
    Product,
    Risk,
    Stakeholder,
)
from .states import (
    AbandonReason,
    ConditionBlocks,
    Decision,
    DecisionLevel,
    ForecastCategory,
    GateType,
    LossReason,
    PriorityType,
    Stage,
    TeamRole,
)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text cannot contain NUL characters")
    return value


def _sane_date(value: dt.date) -> dt.date:
    if not dt.date(1900, 1, 1) <= value <= dt.date(2200, 12, 31):
        raise ValueError("the date must be between 1900 and 2200")
    return value


def _sane_datetime(value: dt.datetime) -> dt.datetime:
    if not 1900 <= value.year <= 2200:
        raise ValueError("the moment must be between 1900 and 2200")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Day = Annotated[dt.date, AfterValidator(_sane_date)]
Moment = Annotated[dt.datetime, AfterValidator(_sane_datetime)]
Code = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_no_nul)]
Currency = Annotated[str, Field(min_length=3, max_length=3), AfterValidator(_no_nul)]


# --- opportunities ----------------------------------------------------------------------------------


class OpportunityIn(InSchema):
    customer: uuid.UUID
    name: Text = Field(min_length=1, max_length=200)
    amount: Amount = Field(description="Estimated value, a decimal string such as \"10000000.00\"")
    currency: Currency = "CNY"
    offering_lines: list[Code] = Field(min_length=1, max_length=10, description="Offering line codes; the first is primary")
    owner: Text | None = Field(None, max_length=150, description="Username or id of the AR; default: you")
    expected_sign_date: Day | None = None
    budget_status: BudgetStatus = BudgetStatus.UNKNOWN
    priority_type: PriorityType = PriorityType.ROUTINE
    description: Text = Field("", max_length=5000)
    program: uuid.UUID | None = None
    direct_negotiation: bool = False
    source_campaign: Code | None = Field(None, description="Campaign code")


class OpportunityPatch(InSchema):
    name: Text | None = Field(None, min_length=1, max_length=200)
    description: Text | None = Field(None, max_length=5000)
    amount: Amount | None = None
    currency: Currency | None = None
    expected_sign_date: Day | None = None
    budget_status: BudgetStatus | None = None
    priority_type: PriorityType | None = None
    offering_lines: list[Code] | None = Field(None, min_length=1, max_length=10)
    program: uuid.UUID | None = None
    direct_negotiation: bool | None = None
    version: int | None = Field(None, ge=0, le=2**31, description="The version you read; a mismatch is refused")


class CustomerRefOut(OutSchema):
    id: uuid.UUID
    name: str


class OpportunityOut(OutSchema):
    id: uuid.UUID
    name: str
    customer: CustomerRefOut
    org_unit: RefOut | None
    region: RefOut | None
    offering_lines: list[RefOut]
    primary_offering_line: RefOut | None
    amount: MoneyOut
    amount_reporting: MoneyOut
    weighted_reporting: MoneyOut
    expected_sign_date: dt.date | None
    stage: str
    stage_label: str
    status: str
    stage_changed_at: dt.datetime
    grade: str
    priority_type: str
    probability: Decimal
    probability_set_by_decision: bool
    forecast_category: str
    forecast_category_manual: bool
    owner: UserRefOut
    budget_status: str
    description: str
    source_lead_id: uuid.UUID | None
    source_campaign: str | None
    program: uuid.UUID | None
    direct_negotiation: bool
    previous_stage: str
    hold_until: dt.date | None
    hold_reason: str
    floor_price: MoneyOut | None
    closed_at: dt.datetime | None
    loss_reason: str
    loss_detail: str
    loss_competitor: str
    price_gap: MoneyOut | None
    abandon_reason: str
    allowed_moves: list[str] = Field(description="Stages the transition table allows from here (guards may still refuse)")
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    url: str


class OpportunityReasonIn(InSchema):
    reason: Text = Field("", max_length=2000)


class HoldIn(InSchema):
    hold_until: Day = Field(description="Re-review date, in the future")
    reason: Text = Field(min_length=1, max_length=2000)


class LoseIn(InSchema):
    loss_reason: LossReason
    detail: Text = Field("", max_length=2000)
    competitor: Text = Field("", max_length=120)
    price_gap: Amount | None = Field(None, description="Absolute price difference, in the deal's currency")
    raise_requirement: bool = Field(False, description="Raise a customer requirement (RR) linked to the deal")
    requirement_title: Text = Field("", max_length=200)
    requirement_description: Text = Field("", max_length=5000)
    requirement_urgency: str = Field("medium", pattern="^(low|medium|high|critical)$")


class AbandonIn(InSchema):
    abandon_reason: AbandonReason
    reason: Text = Field("", max_length=2000)


class ForecastIn(InSchema):
    category: ForecastCategory | None = Field(None, description="null returns to the stage's default category")


class MoveIn(InSchema):
    to: Stage
    reason: Text = Field("", max_length=2000)
    hold_until: Day | None = None
    loss_reason: LossReason | None = None
    abandon_reason: AbandonReason | None = None
    competitor: Text = Field("", max_length=120)


class RequirementRefOut(OutSchema):
    id: uuid.UUID
    number: str
    status: str
    url: str


class RequirementIn(InSchema):
    title: Text = Field(min_length=1, max_length=200)
    description: Text = Field(min_length=1, max_length=5000)
    urgency: str = Field("medium", pattern="^(low|medium|high|critical)$")


# --- team and records -------------------------------------------------------------------------------


class TeamIn(InSchema):
    role: TeamRole
    user: Text = Field(min_length=1, max_length=150, description="Username or id")
    valid_from: Day | None = None
    note: Text = Field("", max_length=200)


class TeamOut(OutSchema):
    id: uuid.UUID
    role: str
    role_label: str
    user: UserRefOut
    valid_from: dt.date
    valid_to: dt.date | None
    active: bool
    note: str


class EndIn(InSchema):
    valid_to: Day | None = None


class StakeholderIn(InSchema):
    contact: uuid.UUID
    decision_role: DecisionRole | None = None
    attitude: Stakeholder.Attitude = Stakeholder.Attitude.UNKNOWN
    influence: Level3 = Level3.MEDIUM
    notes: Text = Field("", max_length=2000)


class StakeholderPatch(InSchema):
    decision_role: DecisionRole | None = None
    attitude: Stakeholder.Attitude | None = None
    influence: Level3 | None = None
    notes: Text | None = Field(None, max_length=2000)


class StakeholderOut(OutSchema):
    id: uuid.UUID
    contact_id: uuid.UUID
    name: str
    title: str
    decision_role: str
    attitude: str
    influence: str
    notes: str


class CompetitorIn(InSchema):
    name: Text = Field(min_length=1, max_length=120)
    incumbent: bool = False
    threat: Level3 = Level3.MEDIUM
    strengths: Text = Field("", max_length=2000)
    weaknesses: Text = Field("", max_length=2000)


class CompetitorPatch(InSchema):
    incumbent: bool | None = None
    threat: Level3 | None = None
    strengths: Text | None = Field(None, max_length=2000)
    weaknesses: Text | None = Field(None, max_length=2000)


class CompetitorOut(OutSchema):
    id: uuid.UUID
    name: str
    incumbent: bool
    threat: str
    strengths: str
    weaknesses: str


class RiskIn(InSchema):
    description: Text = Field(min_length=1, max_length=2000)
    category: Risk.Category = Risk.Category.OTHER
    probability: Level3 = Level3.MEDIUM
    impact: Level3 = Level3.MEDIUM
    owner: Text | None = Field(None, max_length=150)
    mitigation: Text = Field("", max_length=2000)
    due_date: Day | None = None


class RiskPatch(InSchema):
    description: Text | None = Field(None, min_length=1, max_length=2000)
    category: Risk.Category | None = None
    probability: Level3 | None = None
    impact: Level3 | None = None
    mitigation: Text | None = Field(None, max_length=2000)
    due_date: Day | None = None


class RiskOut(OutSchema):
    id: uuid.UUID
    description: str
    category: str
    probability: str
    impact: str
    exposure: int
    owner: UserRefOut | None
    mitigation: str
    due_date: dt.date | None
    status: str


class OpportunityActivityIn(InSchema):
    kind: str = Field("meeting", pattern="^(meeting|call|email|visit|workshop|demo|site_survey|other)$")
    subject: Text = Field(min_length=1, max_length=200)
    occurred_on: Day | None = None
    outcome: Text = Field("", max_length=5000)
    next_step: Text = Field("", max_length=200)
    next_step_due: Day | None = None


class OpportunityActivityOut(OutSchema):
    id: uuid.UUID
    kind: str
    occurred_on: dt.date
    subject: str
    outcome: str
    next_step: str
    next_step_due: dt.date | None
    user: UserRefOut


class ProgramIn(InSchema):
    customer: uuid.UUID
    name: Text = Field(min_length=1, max_length=200)
    target_amount: Amount | None = None
    currency: Currency = "CNY"
    description: Text = Field("", max_length=5000)


class ProgramOut(OutSchema):
    id: uuid.UUID
    name: str
    customer: CustomerRefOut
    target: MoneyOut
    description: str


# --- gates ------------------------------------------------------------------------------------------

AnswerValue = bool | int | Annotated[str, Field(max_length=5000), AfterValidator(_no_nul)] | None


class GateReviewCreateIn(InSchema):
    summary: Text = Field("", max_length=5000)


class GateReviewPatch(InSchema):
    summary: Text | None = Field(None, max_length=5000)
    quote: uuid.UUID | None = Field(None, description="The quote version under review (ATB, ATC)")
    margin_pct: Amount | None = None
    payment_term_deviation: PaymentTermDeviation | None = None
    non_standard_terms: bool | None = None
    new_country_or_offering: bool | None = None
    answers: dict[Annotated[str, Field(max_length=40)], AnswerValue] | None = Field(
        None, description="Checklist answers by item code: true/false, a number as a string, or text"
    )


class ConditionIn(InSchema):
    text: Text = Field(min_length=1, max_length=500)
    owner: Text = Field(min_length=1, max_length=150, description="Username or id")
    due_date: Day
    blocks: ConditionBlocks = ConditionBlocks.NEXT_GATE


class DecideIn(InSchema):
    decision: Decision
    rationale: Text = Field("", max_length=5000)
    conditions: list[ConditionIn] = Field(default_factory=list, max_length=30)
    rehearing_date: Day | None = Field(None, description="HOLD only: the re-review date")
    floor_price: Amount | None = Field(None, description="ATB approvals: the floor frozen when the deal enters O4")
    probability_override: Amount | None = Field(None, description="An SDT-approved win probability, 0–100")
    co_deciders: list[Annotated[str, Field(max_length=150)]] = Field(default_factory=list, max_length=20)


class GateReviewAssignIn(InSchema):
    decision_body: uuid.UUID


class AnswerOut(OutSchema):
    code: str
    section: str
    question: str
    answer_type: str
    mandatory: bool
    must_be_yes: bool
    value: Any = None
    display: str
    file_url: str | None
    answered_by: str | None


class ConditionOut(OutSchema):
    id: uuid.UUID
    review: uuid.UUID
    gate_type: str
    opportunity: uuid.UUID | None
    text: str
    owner: UserRefOut
    due_date: dt.date
    blocks: str
    status: str
    overdue: bool
    closed_at: dt.datetime | None
    closing_note: str


class LevelReasonOut(OutSchema):
    dimension: str
    rule: str
    value: str
    level: str


class GateReviewOut(OutSchema):
    id: uuid.UUID
    opportunity: uuid.UUID | None
    contract_id: uuid.UUID | None
    gate_type: str
    sequence: int
    status: str
    summary: str
    requested_by: UserRefOut
    quote: uuid.UUID | None
    bid: uuid.UUID | None
    value: MoneyOut
    value_reporting: MoneyOut
    margin_pct: Decimal | None
    discount_pct: Decimal | None
    payment_term_deviation: str
    non_standard_terms: bool
    new_country_or_offering: bool
    submitted_at: dt.datetime | None
    required_level: str
    level_reasons: list[LevelReasonOut]
    authority_rule_version: int | None
    decision_body: RefOut | None
    decision: str
    decided_at: dt.datetime | None
    decided_by: UserRefOut | None
    co_deciders: list[UserRefOut]
    rationale: str
    rehearing_date: dt.date | None
    floor_price: MoneyOut | None
    probability_override: Decimal | None
    answers: list[AnswerOut]
    conditions: list[ConditionOut]
    version: int
    url: str


class CloseConditionIn(InSchema):
    note: Text = Field(min_length=1, max_length=2000)


class WaiveConditionIn(InSchema):
    reason: Text = Field(min_length=1, max_length=2000)


# --- configuration ----------------------------------------------------------------------------------


class MemberOut(OutSchema):
    id: int
    user: UserRefOut
    role: str
    valid_from: dt.date
    valid_to: dt.date | None


class DecisionBodyIn(InSchema):
    name: Text = Field(min_length=1, max_length=120)
    name_en: Text = Field("", max_length=120)
    level: DecisionLevel
    org_unit: Code


class DecisionBodyOut(OutSchema):
    id: uuid.UUID
    name: str
    name_en: str
    level: str
    org_unit: RefOut
    active: bool
    members: list[MemberOut]


class MemberIn(InSchema):
    user: Text = Field(min_length=1, max_length=150)
    role: str = Field("member", pattern="^(chair|member)$")


class RuleIn(InSchema):
    """One rule of the authority matrix. A comparing operator (gt, gte, lt, lte, eq) needs ``threshold``
    (or ``threshold_text`` for a coded dimension); ``is_true`` needs neither."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"dimension": "value", "operator": "gte", "threshold": "10000000", "required_level": "region"},
    ]})

    gate_type: GateType | None = None
    dimension: Dimension
    operator: Operator
    threshold: Amount | None = None
    threshold_text: Text = Field("", max_length=20)
    offering_line: Code | None = None
    required_level: DecisionLevel
    label: Text = Field("", max_length=200)


class DiscountAuthorityIn(InSchema):
    role: str = Field(min_length=1, max_length=20)
    max_discount_pct: Amount
    offering_line: Code | None = None


class MatrixIn(InSchema):
    name: Text = Field(min_length=1, max_length=120)
    note: Text = Field("", max_length=5000)
    rules: list[RuleIn] = Field(min_length=1, max_length=200)
    discount_authorities: list[DiscountAuthorityIn] = Field(default_factory=list, max_length=200)
    effective_from: Moment | None = None


class RuleOut(OutSchema):
    gate_type: str
    dimension: str
    operator: str
    threshold: Decimal | None
    threshold_text: str
    offering_line: str | None
    required_level: str
    label: str


class DiscountAuthorityOut(OutSchema):
    role: str
    offering_line: str | None
    max_discount_pct: Decimal


class MatrixOut(OutSchema):
    id: uuid.UUID
    version: int
    name: str
    note: str
    effective_from: dt.datetime
    published_at: dt.datetime
    published_by: str | None
    in_force: bool
    rules: list[RuleOut]
    discount_authorities: list[DiscountAuthorityOut]


class EvaluateIn(InSchema):
    gate_type: GateType | None = None
    value: Amount = Decimal(0)
    currency: Currency = "CNY"
    margin_pct: Amount | None = None
    payment_term_deviation: PaymentTermDeviation = PaymentTermDeviation.NONE
    non_standard_terms: bool = False
    new_country_or_offering: bool = False
    discount_pct: Amount | None = None
    offering_lines: list[Code] = Field(default_factory=list, max_length=10)


class EvaluateOut(OutSchema):
    required_level: str
    authority_rule_version: int | None
    reasons: list[LevelReasonOut]


class ChecklistItemIn(InSchema):
    code: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
    section: Text = Field("", max_length=80)
    section_en: Text = Field("", max_length=80)
    question: Text = Field(min_length=1, max_length=300)
    question_en: Text = Field("", max_length=300)
    answer_type: AnswerType = AnswerType.YES_NO
    mandatory: bool = True
    must_be_yes: bool = False


class ChecklistIn(InSchema):
    gate_type: GateType
    name: Text = Field(min_length=1, max_length=120)
    items: list[ChecklistItemIn] = Field(min_length=1, max_length=100)


class ChecklistItemOut(OutSchema):
    code: str
    section: str
    question: str
    question_en: str
    answer_type: str
    mandatory: bool
    must_be_yes: bool


class ChecklistOut(OutSchema):
    id: uuid.UUID
    gate_type: str
    version: int
    name: str
    active: bool
    items: list[ChecklistItemOut]


class SettingsOut(OutSchema):
    probability_o1: Decimal
    probability_o2: Decimal
    probability_o3: Decimal
    probability_o4: Decimal
    grade_a_threshold: Decimal
    grade_b_threshold: Decimal
    atb_lead_working_days: int
    low_probability_floor: Decimal
    condition_reminder_days: int


class SettingsPatch(InSchema):
    probability_o1: Amount | None = None
    probability_o2: Amount | None = None
    probability_o3: Amount | None = None
    probability_o4: Amount | None = None
    grade_a_threshold: Amount | None = None
    grade_b_threshold: Amount | None = None
    atb_lead_working_days: int | None = Field(None, ge=0, le=60)
    low_probability_floor: Amount | None = None
    condition_reminder_days: int | None = Field(None, ge=0, le=60)


# --- catalogue, quotes, bids ------------------------------------------------------------------------


class ProductIn(InSchema):
    code: Code
    name: Text = Field(min_length=1, max_length=200)
    name_en: Text = Field("", max_length=200)
    offering_line: Code
    kind: Product.Kind = Product.Kind.HARDWARE
    unit: Product.Unit = Product.Unit.PIECE
    standard_cost: Amount = Decimal(0)
    cost_currency: Currency = "CNY"
    description: Text = Field("", max_length=5000)
    active: bool = True


class PriceOut(OutSchema):
    price_list: str
    currency: str
    list_price: Decimal


class ProductOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    name_en: str
    offering_line: RefOut
    kind: str
    unit: str
    standard_cost: MoneyOut
    active: bool
    prices: list[PriceOut]


class PriceListIn(InSchema):
    code: Code
    name: Text = Field(min_length=1, max_length=120)
    currency: Currency
    valid_from: Day | None = None
    valid_to: Day | None = None
    active: bool = True
    prices: dict[Annotated[str, Field(max_length=40)], Amount] = Field(default_factory=dict,
                                                                       description="Product code → list price")


class PriceListItemOut(OutSchema):
    product: str
    name: str
    list_price: Decimal


class PriceListOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    currency: str
    valid_from: dt.date
    valid_to: dt.date | None
    active: bool
    items: list[PriceListItemOut]


class QuoteCreateIn(InSchema):
    currency: Currency | None = None
    price_list: Code | None = Field(None, description="Price list code")
    copy_from: uuid.UUID | None = Field(None, description="Copy the lines of an earlier version")
    title: Text = Field("", max_length=200)
    valid_until: Day | None = None
    payment_terms: Text = Field("", max_length=5000)
    delivery_terms: Text = Field("", max_length=5000)
    notes: Text = Field("", max_length=5000)


class QuotePatch(InSchema):
    title: Text | None = Field(None, max_length=200)
    valid_until: Day | None = None
    payment_terms: Text | None = Field(None, max_length=5000)
    delivery_terms: Text | None = Field(None, max_length=5000)
    notes: Text | None = Field(None, max_length=5000)
    price_list: Code | None = None


class QuoteLineIn(InSchema):
    product: Code | None = Field(None, description="Product code; its list price and cost fill in")
    description: Text = Field("", max_length=300)
    site: Text = Field("", max_length=120, description="Site or phase")
    quantity: Amount = Decimal(1)
    unit_list_price: Amount | None = None
    discount_pct: Amount = Decimal(0)
    unit_cost: Amount | None = None


class QuoteLinePatch(InSchema):
    description: Text | None = Field(None, max_length=300)
    site: Text | None = Field(None, max_length=120)
    quantity: Amount | None = None
    unit_list_price: Amount | None = None
    discount_pct: Amount | None = None
    unit_cost: Amount | None = None


class QuoteLineOut(OutSchema):
    id: uuid.UUID
    position: int
    product: str | None
    description: str
    site: str
    quantity: Decimal
    unit_list_price: Decimal
    discount_pct: Decimal
    unit_net_price: Decimal
    unit_cost: Decimal
    list_amount: Decimal
    net_amount: Decimal
    cost_amount: Decimal
    margin_pct: Decimal | None


class QuoteOut(OutSchema):
    id: uuid.UUID
    opportunity: uuid.UUID
    version: int
    status: str
    currency: str
    price_list: str | None
    bid: uuid.UUID | None
    title: str
    valid_until: dt.date | None
    payment_terms: str
    delivery_terms: str
    notes: str
    total_list: MoneyOut
    total_net: MoneyOut
    total_cost: MoneyOut
    margin_pct: Decimal | None
    discount_pct: Decimal
    required_level: str
    approval_reasons: list[LevelReasonOut]
    authority_rule_version: int | None
    approved_by: UserRefOut | None
    approved_at: dt.datetime | None
    approval_note: str
    submitted_at: dt.datetime | None
    lines: list[QuoteLineOut]
    pdf_url: str
    url: str


class QuoteApprovalIn(InSchema):
    note: Text = Field("", max_length=2000)


class RejectIn(InSchema):
    reason: Text = Field(min_length=1, max_length=2000)


class BidIn(InSchema):
    rfp_received_on: Day
    deadline: Moment = Field(description="With its time zone, e.g. 2026-07-01T17:00:00+08:00")
    reference: Text = Field("", max_length=80)
    notes: Text = Field("", max_length=5000)


class BidSubmitIn(InSchema):
    quote: uuid.UUID


class BidOut(OutSchema):
    id: uuid.UUID
    opportunity: uuid.UUID
    reference: str
    rfp_received_on: dt.date
    deadline: dt.datetime
    working_days_left: int
    submitted_at: dt.datetime | None
    quote: uuid.UUID | None


# --- reports, board, inbox --------------------------------------------------------------------------


class PipelineRowOut(OutSchema):
    keys: dict[str, str]
    labels: dict[str, str]
    count: int
    amount: Decimal
    weighted: Decimal
    unconverted: dict[str, Decimal]


class PipelineOut(OutSchema):
    group_by: list[str]
    reporting_currency: str
    rates_on: str
    rows: list[PipelineRowOut]
    total_amount: Decimal
    total_weighted: Decimal
    total_count: int
    unconverted: dict[str, Decimal]


class ForecastCellOut(OutSchema):
    amount: Decimal
    weighted: Decimal
    count: int


class ForecastRowOut(OutSchema):
    period: str
    pipeline: ForecastCellOut
    best_case: ForecastCellOut
    commit: ForecastCellOut
    closed: ForecastCellOut


class ForecastOut(OutSchema):
    grain: str
    reporting_currency: str
    rows: list[ForecastRowOut]


class WinLossRowOut(OutSchema):
    offering_line: str
    won: int
    lost: int
    abandoned: int
    won_amount: Decimal
    lost_amount: Decimal
    win_rate_count: Decimal | None
    win_rate_value: Decimal | None
    loss_reasons: dict[str, int]


class WinLossOut(OutSchema):
    reporting_currency: str
    rows: list[WinLossRowOut]


class CardOut(OutSchema):
    id: uuid.UUID
    name: str
    customer: str
    amount: MoneyOut
    grade: str
    owner: str
    expected_sign_date: dt.date | None
    probability: Decimal


class ColumnOut(OutSchema):
    stage: str
    label: str
    count: int
    amount: Decimal
    weighted: Decimal
    cards: list[CardOut]


class BoardOut(OutSchema):
    reporting_currency: str
    columns: list[ColumnOut]


class InboxReviewOut(OutSchema):
    id: uuid.UUID
    gate_type: str
    opportunity: str
    opportunity_id: uuid.UUID | None
    status: str
    required_level: str
    requested_by: str
    url: str


class InboxQuoteOut(OutSchema):
    id: uuid.UUID
    opportunity: str
    version: int
    discount_pct: Decimal
    required_level: str
    total_net: MoneyOut
    url: str


class InboxOut(OutSchema):
    reviews: list[InboxReviewOut]
    unassigned: list[InboxReviewOut]
    quotes: list[InboxQuoteOut]
    conditions: list[ConditionOut]


__all__ = [name for name in dir() if name.endswith(("In", "Out", "Patch"))]
