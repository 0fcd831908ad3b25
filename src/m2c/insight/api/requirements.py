"""Customer requirements over the API: read them, analyse, dispose, follow to closure."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, Page

from .. import selectors, services
from ..models import Requirement
from ..schemas import DisposeIn, RequirementNoteIn, RequirementOut

router = Router(tags=["insight"])


def requirement_out(r: Requirement) -> dict[str, Any]:
    return {
        "id": r.pk, "number": r.number, "title": r.title, "description": r.description, "source_type": r.source_type,
        "source_id": r.source_id, "customer": r.customer.legal_name if r.customer_id else None,
        "opportunity": r.opportunity_id, "offering_line": r.offering_line.code if r.offering_line_id else None,
        "business_value": {"amount": r.business_value, "currency": r.currency}, "urgency": r.urgency,
        "status": r.status, "submitted_by": str(r.submitted_by) if r.submitted_by_id else None,
        "analyst": str(r.analyst) if r.analyst_id else None, "disposition_note": r.disposition_note,
        "target_release": r.target_release, "duplicate_of": r.duplicate_of.number if r.duplicate_of_id else None,
        "disposed_at": r.disposed_at, "created_at": r.created_at, "version": r.version,
    }


class RequirementFilters(Schema):
    status: str | None = Field(None, max_length=20)
    offering_line: str | None = Field(None, max_length=64)
    source_type: str | None = Field(None, max_length=20)
    opportunity: uuid.UUID | None = None
    search: str | None = Field(None, max_length=200)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/requirements", response={200: Page[RequirementOut], **ERRORS}, summary="Customer requirements (RR)")
def list_requirements(request: HttpRequest, filters: Query[RequirementFilters]):
    qs = selectors.requirement_list(user=request.user, **filters.model_dump(exclude={"page", "page_size"}))
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=requirement_out)


def _get(request: HttpRequest, requirement_id: uuid.UUID) -> Requirement:
    return selectors.requirement_get(user=request.user, requirement_id=requirement_id)


@router.get("/requirements/{requirement_id}", response={200: RequirementOut, **ERRORS}, summary="One requirement")
def get_requirement(request: HttpRequest, requirement_id: uuid.UUID):
    return requirement_out(_get(request, requirement_id))


@router.post("/requirements/{requirement_id}/analyse", response={200: RequirementOut, **ERRORS},
             summary="NEW → ANALYSING (requirement analysts)")
def analyse(request: HttpRequest, requirement_id: uuid.UUID):
    return requirement_out(services.requirement_start_analysis(requirement=_get(request, requirement_id),
                                                               actor=request.user))


@router.post("/requirements/{requirement_id}/dispose", response={200: RequirementOut, **ERRORS},
             summary="Accepted (current release or roadmap), rejected or duplicate; notifies submitter and deal owner")
def dispose(request: HttpRequest, requirement_id: uuid.UUID, payload: DisposeIn):
    requirement = _get(request, requirement_id)
    duplicate = None
    if payload.duplicate_of:
        duplicate = selectors.requirement_queryset(request.user).filter(number=payload.duplicate_of).first()
    return requirement_out(services.requirement_dispose(
        requirement=requirement, actor=request.user, disposition=payload.disposition, note=payload.note,
        target_release=payload.target_release, duplicate_of=duplicate,
    ))


@router.post("/requirements/{requirement_id}/implement", response={200: RequirementOut, **ERRORS},
             summary="Accepted → IMPLEMENTED")
def implement(request: HttpRequest, requirement_id: uuid.UUID, payload: RequirementNoteIn):
    return requirement_out(services.requirement_implement(requirement=_get(request, requirement_id), actor=request.user,
                                                          note=payload.note))


@router.post("/requirements/{requirement_id}/verify", response={200: RequirementOut, **ERRORS},
             summary="IMPLEMENTED → VERIFIED")
def verify(request: HttpRequest, requirement_id: uuid.UUID, payload: RequirementNoteIn):
    return requirement_out(services.requirement_verify(requirement=_get(request, requirement_id), actor=request.user,
                                                       note=payload.note))


@router.post("/requirements/{requirement_id}/close", response={200: RequirementOut, **ERRORS},
             summary="VERIFIED → CLOSED")
def close(request: HttpRequest, requirement_id: uuid.UUID, payload: RequirementNoteIn):
    return requirement_out(services.requirement_close(requirement=_get(request, requirement_id), actor=request.user,
                                                      note=payload.note))
