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
    note: str
    version: int


class BusinessPlanIn(InSchema):
    name: Text = Field(max_length=200)
    org_unit: str = Field(max_length=40, description="Org-unit code")
    offering_line: str = Field(max_length=64, description="Offering-line code")
    segment: str | None = Field(None, max_length=40, description="Segment code")
    period: str = Field(pattern=r"^20\d\d(Q[1-4])?$")
    revenue_target: Decimal = Field(ge=0, max_digits=20, decimal_places=4)
    margin_target_pct: Decimal = Field(Decimal(0), ge=-100, le=100, max_digits=5, decimal_places=2)
    currency: str = Field("CNY", pattern="^[A-Z]{3}$")
    note: Text = Field("", max_length=5000)


class BusinessPlanPatch(InSchema):
    name: Text | None = Field(None, max_length=200)
    revenue_target: Decimal | None = Field(None, ge=0, max_digits=20, decimal_places=4)
    margin_target_pct: Decimal | None = Field(None, ge=-100, le=100, max_digits=5, decimal_places=2)
    currency: str | None = Field(None, pattern="^[A-Z]{3}$")
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
    currency: str = Field("CNY", pattern="^[A-Z]{3}$")


class AccountContactIn(InSchema):
    name: Text = Field(max_length=120)
    title: Text = Field("", max_length=120)
    role: str = Field("unknown", max_length=24)
    influence: str = Field("medium", pattern="^(high|medium|low)$")
    attitude: str = Field("neutral", pattern="^(champion|supporter|neutral|sceptic|opponent)$")
    our_owner: str | None = Field(None, max_length=150, description="Username of our owner")
    reports_to: uuid.UUID | None = None


class AccountLinkIn(InSchema):
    opportunity: uuid.UUID | None = None
    campaign: uuid.UUID | None = None


class AccountActionIn(InSchema):
    description: Text = Field(max_length=500)
    owner: str = Field(max_length=150, description="Username")
    due_on: dt.date
