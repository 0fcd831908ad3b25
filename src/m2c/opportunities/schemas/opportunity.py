"""Schemas and serialisers of opportunities themselves: create, change, commands, output."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from pydantic import Field

from m2c.core import fx
from m2c.core.schemas import (
    Amount,
    InSchema,
    MoneyOut,
    OutSchema,
    RefOut,
    UserRefOut,
    money_out,
    ref_out,
    user_ref_out,
)

from ..models import (
    BudgetStatus,
    Opportunity,
)
from ..states import (
    OPPORTUNITY_MACHINE,
    AbandonReason,
    ForecastCategory,
    LossReason,
    PriorityType,
    Stage,
)
from .common import Code, Currency, Day, Text


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


# --- serialisers: rows to the dicts the ...Out schemas validate --------------------------------


def opportunity_out(o: Opportunity) -> dict[str, Any]:
    reporting = fx.reporting_currency()
    return {
        "id": o.pk, "name": o.name,
        "customer": {"id": o.customer_id, "name": o.customer.legal_name},
        "org_unit": ref_out(o.org_unit), "region": ref_out(o.region),
        "offering_lines": [ref_out(line) for line in o.offering_lines.all()],
        "primary_offering_line": ref_out(o.offering_line),
        "amount": money_out(o.amount, o.currency),
        "amount_reporting": money_out(o.amount_reporting, reporting),
        "weighted_reporting": money_out((o.amount_reporting * o.probability / 100).quantize(Decimal("0.01")), reporting),
        "expected_sign_date": o.expected_sign_date, "stage": o.stage, "stage_label": str(o.get_stage_display()),
        "status": o.status, "stage_changed_at": o.stage_changed_at, "grade": o.grade, "priority_type": o.priority_type,
        "probability": o.probability, "probability_set_by_decision": o.probability_override_review_id is not None,
        "forecast_category": o.forecast_category, "forecast_category_manual": o.forecast_category_manual,
        "owner": user_ref_out(o.owner), "budget_status": o.budget_status, "description": o.description,
        "source_lead_id": o.source_lead_id,
        "source_campaign": o.source_campaign.code if o.source_campaign_id else None,
        "program": o.program_id, "direct_negotiation": o.direct_negotiation, "previous_stage": o.previous_stage,
        "hold_until": o.hold_until, "hold_reason": o.hold_reason,
        "floor_price": money_out(o.floor_price, o.floor_currency or o.currency),
        "closed_at": o.closed_at, "loss_reason": o.loss_reason, "loss_detail": o.loss_detail,
        "loss_competitor": o.loss_competitor, "price_gap": money_out(o.price_gap, o.currency),
        "abandon_reason": o.abandon_reason, "allowed_moves": OPPORTUNITY_MACHINE.targets(o.stage),
        "created_at": o.created_at, "updated_at": o.updated_at, "version": o.version,
        "url": f"/opportunities/{o.pk}/",
    }
