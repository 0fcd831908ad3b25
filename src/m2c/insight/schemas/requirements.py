"""API schemas for customer requirements."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

from m2c.core.schemas import InSchema, MoneyOut, OutSchema


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text cannot contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


class RequirementOut(OutSchema):
    id: uuid.UUID
    number: str
    title: str
    description: str
    source_type: str
    source_id: uuid.UUID | None
    customer: str | None
    opportunity: uuid.UUID | None
    offering_line: str | None
    business_value: MoneyOut
    urgency: str
    status: str
    submitted_by: str | None
    analyst: str | None
    disposition_note: str
    target_release: str
    duplicate_of: str | None
    disposed_at: dt.datetime | None
    created_at: dt.datetime
    version: int


class DisposeIn(InSchema):
    disposition: str = Field(pattern="^(ACCEPTED_CURRENT|ACCEPTED_ROADMAP|REJECTED|DUPLICATE)$")
    note: Text = Field("", max_length=5000)
    target_release: Text = Field("", max_length=40)
    duplicate_of: Text | None = Field(None, max_length=20, description="Number of the requirement this one duplicates")


class RequirementNoteIn(InSchema):
    note: Text = Field("", max_length=5000)


class BacklogDealOut(OutSchema):
    id: uuid.UUID
    name: str
    amount: MoneyOut
    stage: str


class BacklogRowOut(OutSchema):
    rank: int
    requirement: RequirementOut
    business_value: MoneyOut
    urgency_weight: int
    priority_score: MoneyOut
    deals: list[BacklogDealOut]
    duplicates: list[str]


class RequirementRaiseIn(InSchema):
    title: Text = Field(max_length=200)
    description: Text = Field(max_length=5000)
    source_type: str = Field(pattern="^(insight|joint_innovation|lead|opportunity|contract|loss)$", examples=["lead"])
    source_id: uuid.UUID | None = None
    urgency: str = Field("medium", pattern="^(low|medium|high|critical)$", examples=["high"])
    offering_line: str | None = Field(None, max_length=64, description="Offering-line code")
    opportunities: list[uuid.UUID] = Field(default_factory=list, max_length=50,
                                           description="Deals that need it; the first becomes its opportunity")
    estimate: Decimal | None = Field(None, ge=0, max_digits=20, decimal_places=4,
                                     description="Business value when no deal is linked")
    currency: str = Field("CNY", pattern="^[A-Z]{3}$", examples=["CNY"])


class RequirementLinkIn(InSchema):
    opportunity: uuid.UUID
