"""Schemas of the responses API and the invitation endpoints (names unique across apps)."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from typing import Any

from pydantic import Field

from m2c.core.schemas import InSchema, OutSchema

from .models import CampaignResponse, ResponseStatus, ResponseType

CampaignResponseType = Enum("CampaignResponseType", {v.upper(): v for v in ResponseType.values}, type=str)
CampaignResponseStatus = Enum("CampaignResponseStatus", {v: v for v in ResponseStatus.values}, type=str)


class CampaignResponseOut(OutSchema):
    id: uuid.UUID
    campaign: uuid.UUID
    campaign_code: str
    type: str
    source: str
    name: str
    company: str
    title: str
    email: str
    phone: str
    customer: uuid.UUID | None
    match: dict[str, Any]
    responded_at: dt.datetime
    convert_due_at: dt.datetime
    overdue: bool
    status: str
    lead: uuid.UUID | None
    converted_at: dt.datetime | None
    convert_error: str


def response_out(r: CampaignResponse) -> dict[str, Any]:
    return {"id": r.pk, "campaign": r.campaign_id, "campaign_code": r.campaign.code, "type": r.type, "source": r.source,
            "name": r.name, "company": r.company, "title": r.title, "email": r.email, "phone": r.phone,
            "customer": r.customer_id, "match": r.match or {}, "responded_at": r.responded_at,
            "convert_due_at": r.convert_due_at, "overdue": r.overdue, "status": r.status, "lead": r.lead_id,
            "converted_at": r.converted_at, "convert_error": r.convert_error}


class CampaignResponseFilterIn(InSchema):
    campaign: uuid.UUID | None = None
    status: CampaignResponseStatus | None = None
    type: CampaignResponseType | None = None
    overdue: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class CampaignResponseIn(InSchema):
    campaign: uuid.UUID
    type: CampaignResponseType
    name: str = Field("", max_length=120)
    company: str = Field("", max_length=200)
    title: str = Field("", max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    responded_at: dt.datetime | None = None


class ResponseImportOut(OutSchema):
    job: uuid.UUID
    dry_run: bool
    status: str
    message: str
    rows: int
    created: int
    merged: int
    rejected: int
    warnings: int
    errors: list[dict[str, Any]]


class InvitationTargetIn(InSchema):
    email: str = Field(max_length=254)
    name: str = Field("", max_length=120)
    company: str = Field("", max_length=200)
    language: str = Field("", max_length=10, description="zh or en; the campaign's language when empty")


class InvitationsIn(InSchema):
    contact_ids: list[uuid.UUID] = Field(default_factory=list, max_length=5000)
    customer_ids: list[uuid.UUID] = Field(default_factory=list, max_length=5000)
    targets: list[InvitationTargetIn] = Field(default_factory=list, max_length=5000)


class InvitationOut(OutSchema):
    id: uuid.UUID
    email: str
    name: str
    company: str
    contact: uuid.UUID | None
    customer: uuid.UUID | None
    language: str
    invited_at: dt.datetime


class InvitationsResultOut(OutSchema):
    invited: int
    skipped_opted_out: int
    skipped_already_invited: int
    skipped_no_email: int
    invitations: list[InvitationOut]
    skipped: list[dict[str, str]]


def invitation_out(i: Any) -> dict[str, Any]:
    return {"id": i.pk, "email": i.email, "name": i.name, "company": i.company, "contact": i.contact_id,
            "customer": i.customer_id, "language": i.language, "invited_at": i.invited_at}


class CheckInIn(InSchema):
    code: str = Field(min_length=1, max_length=200)


class CheckInOut(OutSchema):
    registration: uuid.UUID
    name: str
    company: str
    first_scan: bool
    checked_in_at: dt.datetime
    message: str


class ResponseFunnelOut(OutSchema):
    campaign: uuid.UUID
    responses: int
    leads: int
    valid: int
    opportunities: int
    won: int
    pending: int
    overdue: int
    by_type: dict[str, int]


class JourneyMoveOut(OutSchema):
    from_stage: str
    to_stage: str
    at: dt.datetime = Field(description="When the response that moved the customer was given")
    response: uuid.UUID
    campaign: str = Field(description="The campaign's code")
    campaign_name: str = ""
    response_type: str = ""


class JourneyNextCampaignOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    journey_stage: str
    start_date: dt.date
    end_date: dt.date


class CustomerJourneyOut(OutSchema):
    customer: uuid.UUID
    stage: str | None
    moves: list[JourneyMoveOut]
    next_campaign: JourneyNextCampaignOut | None = Field(
        None, description="The next stage's campaign in the customer's region and offering lines (the nurture step)")
