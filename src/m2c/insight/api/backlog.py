"""The requirement loop over the API: raise from any record, link deals, and the prioritised backlog for
product planning."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from pydantic import Field

from m2c.core.errors import ValidationFailed
from m2c.core.models import OfferingLine
from m2c.core.money import Money
from m2c.core.schemas import ERRORS

from .. import selectors, services
from ..schemas import BacklogRowOut, RequirementLinkIn, RequirementOut, RequirementRaiseIn
from .requirements import requirement_out, router


def backlog_row_out(row: selectors.BacklogRow) -> dict[str, Any]:
    return {
        "rank": row.rank, "requirement": requirement_out(row.requirement),
        "business_value": {"amount": row.value, "currency": row.currency}, "urgency_weight": row.weight,
        "priority_score": {"amount": row.score, "currency": row.currency},
        "deals": [{"id": o.pk, "name": o.name, "amount": {"amount": o.amount, "currency": o.currency},
                   "stage": o.stage} for o in row.deals],
        "duplicates": [d.number for d in row.duplicates],
    }


class BacklogFilters(Schema):
    offering_line: str | None = Field(None, max_length=64)
    status: str | None = Field(None, max_length=20)
    limit: int = Field(500, ge=1, le=5000)


@router.get("/requirement-backlog", response={200: list[BacklogRowOut], **ERRORS},
            summary="Open requirements by priority: value in the reporting currency × urgency weight")
def get_backlog(request: HttpRequest, filters: Query[BacklogFilters]):
    rows = selectors.backlog(user=request.user, offering_line=filters.offering_line, status=filters.status)
    return [backlog_row_out(row) for row in rows[: filters.limit]]


def _deal(request: HttpRequest, opportunity_id: uuid.UUID, field: str = "opportunity") -> Any:
    deal = selectors.opportunity_visible(user=request.user, opportunity_id=opportunity_id)
    if deal is None:
        raise ValidationFailed(_("%(id)s: no such deal you can see.") % {"id": opportunity_id}, field=field)
    return deal


@router.post("/requirements", response={201: RequirementOut, **ERRORS},
             summary="Raise a requirement from any record (insight, joint innovation, lead, deal, loss, contract)")
def raise_requirement(request: HttpRequest, payload: RequirementRaiseIn):
    line = None
    if payload.offering_line:
        line = OfferingLine.objects.filter(code=payload.offering_line).first()
        if line is None:
            raise ValidationFailed(_("%(code)s: unknown offering line.") % {"code": payload.offering_line},
                                   field="offering_line")
    deals = [_deal(request, d, "opportunities") for d in payload.opportunities]
    requirement = services.requirement_raise(
        actor=request.user, title=payload.title, description=payload.description, source_type=payload.source_type,
        source_id=payload.source_id, offering_line=line, urgency=payload.urgency, opportunities=deals,
        estimate=Money(payload.estimate or Decimal(0), payload.currency),
    )
    return Status(201, requirement_out(requirement))


@router.post("/requirements/{requirement_id}/links", response={200: RequirementOut, **ERRORS},
             summary="Link one more deal that needs the requirement; its value is recomputed")
def link_deal(request: HttpRequest, requirement_id: uuid.UUID, payload: RequirementLinkIn):
    requirement = selectors.requirement_get(user=request.user, requirement_id=requirement_id)
    services.requirement_link_opportunity(requirement=requirement, actor=request.user,
                                          opportunity=_deal(request, payload.opportunity))
    requirement.refresh_from_db()
    return requirement_out(requirement)
