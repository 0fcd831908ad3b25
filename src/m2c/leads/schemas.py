"""API schemas for leads."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Schema
from pydantic import Field, field_validator

from m2c.core.schemas import Amount, InSchema, MoneyOut, OutSchema, RefOut, UserRefOut
from m2c.customers.models import DecisionRole

from .models import ActivityType, BudgetStatus, CampaignTouch, DisqualifyReason


class LeadIn(InSchema):
    """A lead from any channel. Only a company, an email or a phone is needed to store it; the validity
    gate decides whether it is valid, with reason codes."""

    title: str = Field("", max_length=200)
    customer_name: str = Field("", max_length=255, description="Company name as given (any legal form)")
    customer_id: uuid.UUID | None = Field(None, description="An existing customer, when known")
    credit_code: str = Field("", max_length=40, description="统一社会信用代码")
    industry: str = Field("", max_length=40)
    province: str = Field("", max_length=40)
    city: str = Field("", max_length=60)
    region: str | None = Field(None, max_length=64, description="Org unit code or id")
    customer_group: str | None = Field(None, max_length=64, description="Customer-group org unit code or id")
    contact_name: str = Field("", max_length=120)
    contact_title: str = Field("", max_length=120)
    contact_role: DecisionRole = DecisionRole.UNKNOWN
    contact_email: str = Field("", max_length=254)
    contact_phone: str = Field("", max_length=40, description="Any format; stored as E.164 (default region CN)")
    consent: bool = False
    offering_lines: list[str] = Field(default_factory=list, max_length=20, description="Offering line codes")
    description: str = Field("", max_length=10_000)
    journey_stage: str | None = Field(None, max_length=20)
    budget_status: BudgetStatus | None = None
    budget_note: str = Field("", max_length=255)
    budget_amount: Amount | None = None
    estimated_amount: Amount | None = None
    currency: str = Field("CNY", min_length=3, max_length=3)
    expected_purchase_date: dt.date | None = None
    decision_chain_known: bool = False
    pain_confirmed: bool = False
    source_type: str | None = Field(None, max_length=20)
    source_campaign: str | None = Field(None, max_length=64, description="Campaign code or id")
    utm: dict[str, str] = Field(default_factory=dict, max_length=10)
    external_id: str | None = Field(None, max_length=80, description="Your reference: the same one never creates a second lead")


class LeadBulkIn(InSchema):
    items: list[dict[str, Any]] = Field(max_length=10_000, description="Up to 10,000 leads, each shaped like LeadIn")


class MatchOut(OutSchema):
    score: int
    keys: list[str]
    name_similarity: int | None = None
    target: str | None = None
    target_type: str | None = None


class BulkItemOut(OutSchema):
    index: int
    result: str = Field(description="created, merged, replayed or rejected")
    id: uuid.UUID | None = None
    status: str | None = None
    duplicate_of: uuid.UUID | None = None
    merged_into_opportunity: uuid.UUID | None = None
    match: dict[str, Any] | None = None
    invalid_reasons: list[str] = []
    errors: list[dict[str, str]] = []


class BulkOut(OutSchema):
    created: int
    merged: int
    rejected: int
    invalid: int
    items: list[BulkItemOut]


class ScoreItemOut(OutSchema):
    dimension: str
    label: str
    weight: int
    points: str
    detail: str


class LeadOut(OutSchema):
    id: uuid.UUID
    title: str
    status: str
    status_label: str
    channel: str
    source_type: str
    source_campaign: RefOut | None
    customer: RefOut | None
    customer_name: str
    credit_code: str
    industry: str
    province: str
    city: str
    region: RefOut | None
    customer_group: RefOut | None
    contact_name: str
    contact_title: str
    contact_role: str
    contact_email: str
    contact_phone: str
    offering_lines: list[str]
    description: str
    journey_stage: str
    budget_status: str
    budget_note: str
    budget: MoneyOut | None
    estimated_amount: MoneyOut | None
    expected_purchase_date: dt.date | None
    decision_chain_known: bool
    pain_confirmed: bool
    score: int
    temperature: str
    score_breakdown: list[ScoreItemOut]
    invalid_reasons: list[str]
    owner: UserRefOut | None
    queue: RefOut | None
    accept_due_at: dt.datetime | None
    accepted_at: dt.datetime | None
    sla_breaches: int
    last_activity_at: dt.datetime | None
    next_step: str
    next_step_due: dt.date | None
    needs_review: bool
    review_reason: str
    duplicate_of: uuid.UUID | None
    merged_into_opportunity: uuid.UUID | None
    match: dict[str, Any]
    converted_opportunity: uuid.UUID | None
    read_only: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    url: str


class LeadPatch(InSchema):
    title: str | None = Field(None, max_length=200)
    customer_name: str | None = Field(None, max_length=255)
    credit_code: str | None = Field(None, max_length=40)
    industry: str | None = Field(None, max_length=40)
    province: str | None = Field(None, max_length=40)
    city: str | None = Field(None, max_length=60)
    contact_name: str | None = Field(None, max_length=120)
    contact_title: str | None = Field(None, max_length=120)
    contact_role: DecisionRole | None = None
    contact_email: str | None = Field(None, max_length=254)
    contact_phone: str | None = Field(None, max_length=40)
    offering_lines: list[str] | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=10_000)
    budget_status: BudgetStatus | None = None
    budget_note: str | None = Field(None, max_length=255)
    budget_amount: Amount | None = None
    estimated_amount: Amount | None = None
    currency: str | None = Field(None, min_length=3, max_length=3)
    expected_purchase_date: dt.date | None = None
    decision_chain_known: bool | None = None
    pain_confirmed: bool | None = None
    version: int | None = Field(None, ge=0, description="The version you read: a lead saved since is refused with 409 "
                                "`version_conflict` (optimistic concurrency).")


class LeadRevalidateIn(LeadPatch):
    """Corrections to an INVALID lead, applied before it goes through the validity gate again."""


class LeadRevalidateBulkIn(InSchema):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=1000, description="Up to 1,000 corrected INVALID leads")


class LeadRevalidateResultOut(Schema):
    id: uuid.UUID
    result: str = Field(description="revalidated | refused")
    status: str | None = None
    invalid_reasons: list[str] = []
    code: str | None = None
    detail: str | None = None


class LeadReasonIn(InSchema):
    reason: str = Field(min_length=1, max_length=500)


class DisqualifyIn(InSchema):
    reason: DisqualifyReason
    note: str = Field("", max_length=500)


class LeadAssignIn(InSchema):
    owner: str = Field(min_length=1, max_length=150, description="Username or id")


class LeadActivityIn(InSchema):
    type: ActivityType
    subject: str = Field(min_length=1, max_length=200)
    outcome: str = Field("", max_length=5000)
    next_step: str = Field("", max_length=200)
    next_step_due: dt.date | None = None
    occurred_at: dt.datetime | None = None


class LeadActivityOut(OutSchema):
    id: uuid.UUID
    type: str
    subject: str
    outcome: str
    next_step: str
    next_step_due: dt.date | None
    occurred_at: dt.datetime
    created_by: str | None


class LeadContactIn(InSchema):
    name: str = Field(min_length=1, max_length=120)
    title: str = Field("", max_length=120)
    decision_role: DecisionRole = DecisionRole.UNKNOWN
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


class LeadContactOut(OutSchema):
    id: uuid.UUID
    name: str
    title: str
    decision_role: str
    email: str
    phone: str


class TouchIn(InSchema):
    campaign: str = Field(min_length=1, max_length=64, description="Campaign code or id")
    kind: CampaignTouch.Kind = CampaignTouch.Kind.INVITED


class TouchOut(OutSchema):
    id: uuid.UUID
    campaign: RefOut
    kind: str
    touched_at: dt.datetime
    opportunity: uuid.UUID | None
    origin_lead: uuid.UUID | None


class MergeIn(InSchema):
    into: uuid.UUID = Field(description="The surviving lead")
    reason: str = Field("", max_length=500)


class MergePreviewOut(OutSchema):
    source: uuid.UUID
    target: uuid.UUID
    match: dict[str, Any]
    same_offering_line: bool
    touches: int
    activities: int
    contacts: int
    problems: list[str]


class MergeOut(OutSchema):
    id: uuid.UUID
    merged: uuid.UUID
    survivor: uuid.UUID | None
    survivor_opportunity: uuid.UUID | None
    match: dict[str, Any]
    automatic: bool
    created_at: dt.datetime
    undone_at: dt.datetime | None


class ConvertIn(InSchema):
    owner: str | None = Field(None, max_length=150, description="Username or id of the AR; default the lead's owner")
    name: str = Field("", max_length=200)


class ConvertOut(OutSchema):
    lead: LeadOut
    opportunity: uuid.UUID
    customer: uuid.UUID
    influenced_campaigns: list[str]


class GapOut(OutSchema):
    field: str
    reason: str



class CandidateOut(OutSchema):
    lead: uuid.UUID
    title: str
    status: str
    match: dict[str, Any]


class CampaignOutcomesOut(OutSchema):
    campaign: str
    leads: int
    duplicates: int
    invalid: int
    valid: int
    hot: int
    warm: int
    cold: int
    routed: int
    nurture_pool: int
    target_valid_leads: int
    attainment: str | None
    actual_spend: MoneyOut
    cost_per_valid_lead: MoneyOut | None
    valid_lead_rate: str | None


class ImportOut(OutSchema):
    id: uuid.UUID
    file_name: str
    status: str
    dry_run: bool
    mapping: dict[str, str]
    rows: int
    created: int
    merged: int
    invalid: int
    rejected: int
    percent: int
    errors_url: str


class LeadFilters(Schema):
    @field_validator("*", mode="before")
    @classmethod
    def _strip_nul(cls, value: Any) -> Any:
        return value.replace("\x00", "") if isinstance(value, str) else value

    search: str | None = Field(None, max_length=200)
    status: str | None = Field(None, max_length=200, description="Comma-separated statuses")
    temperature: str | None = Field(None, max_length=4)
    owner: str | None = Field(None, max_length=150, description="Username, 'me' or 'none'")
    region: str | None = Field(None, max_length=64)
    campaign: str | None = Field(None, max_length=64)
    source_type: str | None = Field(None, max_length=20)
    channel: str | None = Field(None, max_length=12)
    offering_line: str | None = Field(None, max_length=40)
    needs_review: bool | None = None
    overdue: bool | None = None
    open_only: bool | None = None
    ordering: str = Field("-created", max_length=20)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)
