"""Lead-quality feedback in the API (domain.md 7.7): per lead source for one campaign, and per campaign or
per source over a year. Readers are those of campaigns. Mounted on the campaigns router (``api.py``)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from pydantic import Field

from m2c.core.schemas import ERRORS, InSchema, OutSchema

from .lead_quality import campaign_lead_quality, lead_quality_by_campaign, lead_quality_by_source

router = Router(tags=["campaigns"])


class LeadQualityGroup(StrEnum):
    CAMPAIGN = "campaign"
    SOURCE = "source"


class LeadQualityFilterIn(InSchema):
    year: int | None = Field(None, ge=2000, le=2100, description="Fiscal year; the current one when left out")
    group_by: LeadQualityGroup = LeadQualityGroup.CAMPAIGN


class LeadQualityReasonOut(OutSchema):
    kind: str = Field(description="invalid (the validity gate) or disqualified (by sales)")
    code: str
    label: str
    count: int


class LeadQualityRowOut(OutSchema):
    key: str = Field(description="The lead source code, or the campaign id")
    label: str
    leads: int
    duplicates: int
    accepted: int
    rejected: int
    converted: int
    invalid: int
    disqualified: int
    in_work: int
    pending: int
    acceptance_rate: Decimal | None
    rejection_rate: Decimal | None
    conversion_rate: Decimal | None
    accepted_conversion_rate: Decimal | None
    reasons: list[LeadQualityReasonOut]


class LeadQualityOut(OutSchema):
    group_by: LeadQualityGroup
    rows: list[LeadQualityRowOut]
    total: LeadQualityRowOut


def _out(report: dict[str, Any]) -> dict[str, Any]:
    rows = [{**row, "key": str(row["key"]), "label": str(row.get("label") or row["key"])} for row in report["rows"]]
    return {"group_by": report["group_by"], "rows": rows, "total": {**report["total"], "key": "", "label": ""}}


@router.get("/campaigns/{campaign_id}/lead-quality", response={200: LeadQualityOut, **ERRORS},
            summary="Lead-quality feedback of a campaign, per lead source")
def campaign_quality(request: HttpRequest, campaign_id: uuid.UUID):
    from .api import _campaign

    return _out(campaign_lead_quality(_campaign(request, campaign_id)))


@router.get("/lead-quality", response={200: LeadQualityOut, **ERRORS},
            summary="Lead-quality feedback of a year, per campaign or per lead source")
def quality_report(request: HttpRequest, filters: Query[LeadQualityFilterIn]):
    from .api import _read

    _read(request)
    year = filters.year or timezone.localdate().year
    if filters.group_by == LeadQualityGroup.SOURCE:
        return _out(lead_quality_by_source(year=year))
    return _out(lead_quality_by_campaign(year=year))
