"""API schemas for customers and contacts."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Literal

from pydantic import Field

from m2c.core.schemas import Amount, InSchema, MoneyOut, OutSchema, RefOut, UserRefOut

from .models import ComplianceStatus, CreditRating, DecisionRole, Industry, Tier


class CustomerIn(InSchema):
    legal_name: str = Field(min_length=1, max_length=255)
    credit_code: str | None = Field(None, max_length=40, description="统一社会信用代码, 18 characters")
    registration_no: str = Field("", max_length=64)
    country: str = Field("CN", min_length=2, max_length=2)
    province: str = Field("", max_length=40)
    city: str = Field("", max_length=60)
    address: str = Field("", max_length=255)
    website: str = Field("", max_length=200)
    industry: Industry = Industry.OTHER
    org_unit: str | None = Field(None, max_length=64, description="Org unit code or id")
    customer_group: str | None = Field(None, max_length=64, description="Customer-group org unit code or id")
    tier: Tier = Tier.GENERAL
    ar_owner: str | None = Field(None, max_length=150, description="Username or id of the AR")
    credit_rating: CreditRating = CreditRating.UNRATED
    credit_limit: Amount = Field(default=Decimal("0"), description="Decimal string, e.g. \"12000000.00\"")
    credit_currency: str = Field("CNY", min_length=3, max_length=3)
    credit_hold: bool = False
    compliance_status: ComplianceStatus = ComplianceStatus.OK
    compliance_note: str = Field("", max_length=255)


class CustomerPatch(InSchema):
    legal_name: str | None = Field(None, min_length=1, max_length=255)
    credit_code: str | None = Field(None, max_length=40)
    registration_no: str | None = Field(None, max_length=64)
    country: str | None = Field(None, min_length=2, max_length=2)
    province: str | None = Field(None, max_length=40)
    city: str | None = Field(None, max_length=60)
    address: str | None = Field(None, max_length=255)
    website: str | None = Field(None, max_length=200)
    industry: Industry | None = None
    org_unit: str | None = Field(None, max_length=64)
    customer_group: str | None = Field(None, max_length=64)
    tier: Tier | None = None
    ar_owner: str | None = Field(None, max_length=150)
    credit_rating: CreditRating | None = None
    credit_limit: Amount | None = None
    credit_currency: str | None = Field(None, min_length=3, max_length=3)
    credit_hold: bool | None = None
    compliance_status: ComplianceStatus | None = None
    compliance_note: str | None = Field(None, max_length=255)
    version: int | None = Field(None, description="The version you read; a mismatch is refused with 409")


class CustomerOut(OutSchema):
    id: uuid.UUID
    legal_name: str
    normalized_name: str
    credit_code: str | None
    registration_no: str
    country: str
    province: str
    city: str
    address: str
    website: str
    industry: str
    org_unit: RefOut | None
    customer_group: RefOut | None
    tier: str
    ar_owner: UserRefOut | None
    credit_rating: str
    credit_limit: MoneyOut
    credit_hold: bool
    compliance_status: str
    compliance_note: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    url: str


class ContactIn(InSchema):
    name: str = Field(min_length=1, max_length=120)
    title: str = Field("", max_length=120)
    decision_role: DecisionRole = DecisionRole.UNKNOWN
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40, description="Any format; stored as E.164 (default region CN)")
    consent_email: bool = False
    consent_phone: bool = False
    language: Literal["", "zh-hans", "en"] = Field("", description="Preferred language of emails; empty: by the customer's country")


class ContactPatch(InSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    title: str | None = Field(None, max_length=120)
    decision_role: DecisionRole | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    consent_email: bool | None = None
    consent_phone: bool | None = None
    language: Literal["", "zh-hans", "en"] | None = None
    active: bool | None = None


class ContactOut(OutSchema):
    id: uuid.UUID
    customer_id: uuid.UUID
    name: str
    title: str
    decision_role: str
    email: str
    phone: str
    consent_email: bool
    consent_phone: bool
    language: str
    active: bool
    created_at: dt.datetime

