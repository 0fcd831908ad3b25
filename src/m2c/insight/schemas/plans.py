"""API schemas for business and key-account plans."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from pydantic import Field

from m2c.core.schemas import InSchema, MoneyOut, OutSchema

from .requirements import Text


class BusinessPlanOut(OutSchema):
    id: uuid.UUID
    name: str
    org_unit: str
    offering_line: str
    segment: str | None
    period: str
    revenue_target: MoneyOut
    margin_target_pct: Decimal
    target_reporting: MoneyOut
    booked: MoneyOut
    pipeline: MoneyOut
    won_count: int
    attainment_pct: Decimal | None
    margin_target: MoneyOut
    margin_booked: MoneyOut
    margin_attainment_pct: Decimal | None
    booked_margin_pct: Decimal | None
    margin_deals: int
    note: str
    version: int


class BusinessPlanIn(InSchema):
    name: Text = Field(max_length=200)
    org_unit: str = Field(max_length=40, description="Org-unit code")
    offering_line: str = Field(max_length=64, description="Offering-line code")
    segment: str | None = Field(None, max_length=40, description="Segment code")
    period: str = Field(pattern=r"^20\d\d(Q[1-4])?$", examples=["2027"])
    revenue_target: Decimal = Field(ge=0, max_digits=20, decimal_places=4)
    margin_target_pct: Decimal = Field(Decimal(0), ge=-100, le=100, max_digits=5, decimal_places=2)
    currency: str = Field("CNY", pattern="^[A-Z]{3}$", examples=["CNY"])
    note: Text = Field("", max_length=5000)


class BusinessPlanPatch(InSchema):
    name: Text | None = Field(None, max_length=200)
    revenue_target: Decimal | None = Field(None, ge=0, max_digits=20, decimal_places=4)
    margin_target_pct: Decimal | None = Field(None, ge=-100, le=100, max_digits=5, decimal_places=2)
    currency: str | None = Field(None, pattern="^[A-Z]{3}$", examples=["CNY"])
    note: Text | None = Field(None, max_length=5000)


class AccountContactOut(OutSchema):
    id: uuid.UUID
    name: str
    title: str
    role: str
    influence: str
    attitude: str
    our_owner: str | None
    reports_to: uuid.UUID | None


class AccountActionOut(OutSchema):
    id: uuid.UUID
    description: str
    owner: str
    due_on: dt.date
    done_on: dt.date | None


class KeyAccountPlanOut(OutSchema):
    id: uuid.UUID
    customer: str
    customer_id: uuid.UUID
    year: int
    owner: str
    status: str
    goals: str
    revenue_goal: MoneyOut
    contacts: list[AccountContactOut]
    opportunities: list[uuid.UUID]
    campaigns: list[uuid.UUID]
    actions: list[AccountActionOut]
    version: int


class KeyAccountPlanIn(InSchema):
    customer: uuid.UUID
    year: int = Field(ge=2000, le=2100)
    goals: Text = Field(max_length=5000)
    revenue_goal: Decimal = Field(Decimal(0), ge=0, max_digits=20, decimal_places=4)
    currency: str = Field("CNY", pattern="^[A-Z]{3}$", examples=["CNY"])


class AccountContactIn(InSchema):
    name: Text = Field(max_length=120)
    title: Text = Field("", max_length=120)
    role: str = Field("unknown", max_length=24)
    influence: str = Field("medium", pattern="^(high|medium|low)$", examples=["high"])
    attitude: str = Field("neutral", pattern="^(champion|supporter|neutral|sceptic|opponent)$", examples=["supporter"])
    our_owner: str | None = Field(None, max_length=150, description="Username of our owner")
    reports_to: uuid.UUID | None = None


class AccountLinkIn(InSchema):
    opportunity: uuid.UUID | None = None
    campaign: uuid.UUID | None = None


class AccountActionIn(InSchema):
    description: Text = Field(max_length=500)
    owner: str = Field(max_length=150, description="Username")
    due_on: dt.date


class InsightReportOut(OutSchema):
    id: uuid.UUID
    number: str
    title: str
    report_type: str
    status: str
    org_unit: str
    author: str
    due_on: dt.date | None
    segments: list[str]
    customers: list[uuid.UUID]
    summary: str
    look_trends: str
    look_market: str
    look_competitors: str
    look_self: str
    look_opportunities: str
    decide_control_points: str
    decide_goals: str
    decide_strategy: str
    attachments: list[str]
    published_at: dt.datetime | None
    version: int


class InsightReportIn(InSchema):
    title: Text = Field(max_length=200)
    report_type: str = Field(pattern="^(industry|customer|competitor|self|opportunity)$", examples=["industry"])
    org_unit: str | None = Field(None, max_length=40, description="Org-unit code (default: the author's)")
    due_on: dt.date | None = None
    segments: list[str] = Field(default_factory=list, max_length=50, description="Segment codes")
    customers: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    summary: Text = Field("", max_length=5000)
    look_trends: Text = Field("", max_length=20000)
    look_market: Text = Field("", max_length=20000)
    look_competitors: Text = Field("", max_length=20000)
    look_self: Text = Field("", max_length=20000)
    look_opportunities: Text = Field("", max_length=20000)
    decide_control_points: Text = Field("", max_length=20000)
    decide_goals: Text = Field("", max_length=20000)
    decide_strategy: Text = Field("", max_length=20000)


class InsightReportPatch(InSchema):
    title: Text | None = Field(None, max_length=200)
    due_on: dt.date | None = None
    summary: Text | None = Field(None, max_length=5000)
    look_trends: Text | None = Field(None, max_length=20000)
    look_market: Text | None = Field(None, max_length=20000)
    look_competitors: Text | None = Field(None, max_length=20000)
    look_self: Text | None = Field(None, max_length=20000)
    look_opportunities: Text | None = Field(None, max_length=20000)
    decide_control_points: Text | None = Field(None, max_length=20000)
    decide_goals: Text | None = Field(None, max_length=20000)
    decide_strategy: Text | None = Field(None, max_length=20000)


class InnovationMilestoneOut(OutSchema):
    id: uuid.UUID
    name: str
    due_on: dt.date
    done_on: dt.date | None


class InnovationProjectOut(OutSchema):
    id: uuid.UUID
    number: str
    name: str
    customer: str
    customer_id: uuid.UUID
    offering_line: str
    owner: str
    objective: str
    status: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    milestones: list[InnovationMilestoneOut]
    participants: list[str]
    outputs: list[str]
    requirements: list[str]
    version: int


class InnovationProjectIn(InSchema):
    name: Text = Field(max_length=200)
    customer: uuid.UUID
    offering_line: str = Field(max_length=64, description="Offering-line code")
    objective: Text = Field(max_length=5000)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class InnovationMilestoneIn(InSchema):
    name: Text = Field(max_length=200)
    due_on: dt.date


class InnovationOutputIn(InSchema):
    kind: str = Field(pattern="^(asset|reference_case|other)$", examples=["reference_case"])
    title: Text = Field(max_length=200)
    reference: Text = Field("", max_length=300)


class CenterOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    type: str
    region: str | None
    queue: dict[str, list[str]]
