"""Opportunity endpoints: list, create, read, change, and the stage commands."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from pydantic import Field

from m2c.campaigns.selectors import campaign_by_code
from m2c.core import events as core_events
from m2c.core.errors import ValidationFailed
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, EventOut, Page
from m2c.core.selectors import user_resolve
from m2c.customers import selectors as customer_selectors

from .. import selectors, services
from ..schemas import (
    AbandonIn,
    ForecastIn,
    HoldIn,
    LoseIn,
    MoveIn,
    OpportunityIn,
    OpportunityOut,
    OpportunityPatch,
    OpportunityReasonIn,
    RequirementIn,
    RequirementRefOut,
)
from ..schemas.opportunity import opportunity_out
from ..selectors import Filters
from ..states import Stage
from ._common import _fresh, _lines, _money, _opp, router


class OpportunityFilters(Schema):
    search: str | None = Field(None, max_length=200)
    stage: Stage | None = None
    region: str | None = Field(None, max_length=64, description="Region org unit code")
    org_unit: str | None = Field(None, max_length=64, description="Org unit code; includes units below it")
    offering_line: str | None = Field(None, max_length=64, description="Primary offering line code")
    owner: str | None = Field(None, max_length=150, description="Username of the AR")
    grade: str | None = Field(None, pattern="^[ABC]$")
    priority_type: str | None = Field(None, max_length=12)
    forecast_category: str | None = Field(None, max_length=10)
    customer: uuid.UUID | None = None
    program: uuid.UUID | None = None
    sign_from: dt.date | None = None
    sign_to: dt.date | None = None
    open_only: bool = False
    mine: bool = False
    ordering: str = Field("sign_date", max_length=20, description="sign_date, -sign_date, amount, -amount, created, "
                                                                  "-created, name")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)

    def to_filters(self) -> Filters:
        data = self.model_dump(exclude={"ordering", "page", "page_size"})
        return Filters(**data)


@router.get("/opportunities", response={200: Page[OpportunityOut], **ERRORS}, summary="List opportunities")
def list_opportunities(request: HttpRequest, filters: Query[OpportunityFilters]):
    qs = selectors.opportunity_list(user=request.user, filters=filters.to_filters(), ordering=filters.ordering)
    return paginate(qs.prefetch_related("offering_lines").select_related("org_unit", "source_campaign"),
                    page=filters.page, page_size=filters.page_size, serialize=opportunity_out)


@router.post("/opportunities", response={201: OpportunityOut, **ERRORS}, summary="Create an opportunity in O1")
def create_opportunity(request: HttpRequest, payload: OpportunityIn):
    customer = customer_selectors.customer_get(user=request.user, customer_id=payload.customer)
    program = None
    if payload.program:
        program = selectors.program_list(user=request.user).filter(pk=payload.program).first()
        if program is None:
            raise ValidationFailed(_("Unknown program."), field="program")
    campaign = None
    if payload.source_campaign:
        campaign = campaign_by_code(payload.source_campaign)
        if campaign is None:
            raise ValidationFailed(_("Unknown campaign."), field="source_campaign")
    opportunity = services.opportunity_create(
        actor=request.user, customer=customer, name=payload.name, amount=_money(payload.amount, payload.currency),
        offering_lines=_lines(payload.offering_lines), owner=user_resolve(payload.owner, field="owner") or request.user,
        expected_sign_date=payload.expected_sign_date, budget_status=payload.budget_status,
        priority_type=payload.priority_type, description=payload.description, program=program,
        direct_negotiation=payload.direct_negotiation, source_campaign=campaign,
    )
    return Status(201, _fresh(request, opportunity))


@router.get("/opportunities/{opportunity_id}", response={200: OpportunityOut, **ERRORS}, summary="One opportunity")
def get_opportunity(request: HttpRequest, opportunity_id: uuid.UUID):
    return opportunity_out(_opp(request, opportunity_id))


@router.patch("/opportunities/{opportunity_id}", response={200: OpportunityOut, **ERRORS},
              summary="Change descriptive fields (never the stage)")
def update_opportunity(request: HttpRequest, opportunity_id: uuid.UUID, payload: OpportunityPatch):
    opp = _opp(request, opportunity_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    changes: dict[str, Any] = {}
    for key in ("name", "description", "expected_sign_date", "budget_status", "priority_type", "direct_negotiation"):
        if key in data and (data[key] is not None or key == "expected_sign_date"):
            changes[key] = data[key]
    if data.get("amount") is not None or data.get("currency") is not None:
        changes["amount"] = _money(data.get("amount") if data.get("amount") is not None else opp.amount,
                                   data.get("currency") or opp.currency)
    if data.get("offering_lines") is not None:
        changes["offering_lines"] = _lines(data["offering_lines"])
    if "program" in data:
        program = None
        if data["program"]:
            program = selectors.program_list(user=request.user).filter(pk=data["program"]).first()
            if program is None:
                raise ValidationFailed(_("Unknown program."), field="program")
        changes["program"] = program
    services.opportunity_update(opportunity=opp, actor=request.user, expected_version=version, **changes)
    return _fresh(request, opp)


@router.get("/opportunities/{opportunity_id}/events", response={200: list[EventOut], **ERRORS}, summary="Timeline")
def opportunity_events(request: HttpRequest, opportunity_id: uuid.UUID):
    return core_events.timeline_out(_opp(request, opportunity_id))


@router.post("/opportunities/{opportunity_id}/advance", response={200: OpportunityOut, **ERRORS},
             summary="Move to the next stage (O1→O2 needs ATI, O2→O3 a tender, O3→O4 ATB and the bid)")
def advance(request: HttpRequest, opportunity_id: uuid.UUID, payload: OpportunityReasonIn):
    opp = services.opportunity_advance(opportunity=_opp(request, opportunity_id), actor=request.user,
                                       reason=payload.reason)
    return _fresh(request, opp)


@router.post("/opportunities/{opportunity_id}/win", response={200: OpportunityOut, **ERRORS},
             summary="O4 → WON (price at or above the floor, ATC for the final quote, conditions closed)")
def win(request: HttpRequest, opportunity_id: uuid.UUID, payload: OpportunityReasonIn):
    opp = services.opportunity_win(opportunity=_opp(request, opportunity_id), actor=request.user, reason=payload.reason)
    return _fresh(request, opp)


@router.post("/opportunities/{opportunity_id}/lose", response={200: OpportunityOut, **ERRORS},
             summary="O2/O3/O4 → LOST with the loss data; optionally raise a requirement")
def lose(request: HttpRequest, opportunity_id: uuid.UUID, payload: LoseIn):
    opp = _opp(request, opportunity_id)
    gap = _money(payload.price_gap, opp.currency, "price_gap") if payload.price_gap is not None else None
    opp = services.opportunity_lose(
        opportunity=opp, actor=request.user, loss_reason=payload.loss_reason, detail=payload.detail,
        competitor=payload.competitor, price_gap=gap, raise_requirement=payload.raise_requirement,
        requirement_title=payload.requirement_title, requirement_description=payload.requirement_description,
        requirement_urgency=payload.requirement_urgency,
    )
    return _fresh(request, opp)


@router.post("/opportunities/{opportunity_id}/abandon", response={200: OpportunityOut, **ERRORS},
             summary="Abandon: ATI NO-GO, no-bid, or customer cancelled")
def abandon(request: HttpRequest, opportunity_id: uuid.UUID, payload: AbandonIn):
    opp = services.opportunity_abandon(opportunity=_opp(request, opportunity_id), actor=request.user,
                                       abandon_reason=payload.abandon_reason, reason=payload.reason)
    return _fresh(request, opp)


@router.post("/opportunities/{opportunity_id}/hold", response={200: OpportunityOut, **ERRORS},
             summary="Put on hold until a re-review date (customer postponement)")
def hold(request: HttpRequest, opportunity_id: uuid.UUID, payload: HoldIn):
    opp = services.opportunity_hold(opportunity=_opp(request, opportunity_id), actor=request.user,
                                    hold_until=payload.hold_until, reason=payload.reason)
    return _fresh(request, opp)


@router.post("/opportunities/{opportunity_id}/resume", response={200: OpportunityOut, **ERRORS},
             summary="Return from hold to the stage it left, once re-reviewed")
def resume(request: HttpRequest, opportunity_id: uuid.UUID, payload: OpportunityReasonIn):
    opp = services.opportunity_resume(opportunity=_opp(request, opportunity_id), actor=request.user,
                                      reason=payload.reason)
    return _fresh(request, opp)


@router.post("/opportunities/{opportunity_id}/send-back-to-bid", response={200: OpportunityOut, **ERRORS},
             summary="O4 → O3: price below the floor or scope changed; ATB must be reviewed again")
def send_back(request: HttpRequest, opportunity_id: uuid.UUID, payload: OpportunityReasonIn):
    opp = services.opportunity_send_back_to_bid(opportunity=_opp(request, opportunity_id), actor=request.user,
                                                reason=payload.reason)
    return _fresh(request, opp)


@router.post("/opportunities/{opportunity_id}/move", response={200: OpportunityOut, **ERRORS},
             summary="The board's drop: run the command that moves the deal to a stage")
def move(request: HttpRequest, opportunity_id: uuid.UUID, payload: MoveIn):
    opp = services.opportunity_move(
        opportunity=_opp(request, opportunity_id), actor=request.user, target=payload.to, reason=payload.reason,
        hold_until=payload.hold_until, loss_reason=payload.loss_reason or "",
        abandon_reason=payload.abandon_reason or "", competitor=payload.competitor,
    )
    return _fresh(request, opp)


@router.post("/opportunities/{opportunity_id}/forecast-category", response={200: OpportunityOut, **ERRORS},
             summary="The AR's forecast category (null: the stage default)")
def forecast_category(request: HttpRequest, opportunity_id: uuid.UUID, payload: ForecastIn):
    opp = services.opportunity_set_forecast_category(opportunity=_opp(request, opportunity_id), actor=request.user,
                                                     category=payload.category)
    return _fresh(request, opp)


@router.post("/opportunities/{opportunity_id}/requirements", response={201: RequirementRefOut, **ERRORS},
             summary="Raise a customer requirement (RR) linked to the deal")
def raise_requirement(request: HttpRequest, opportunity_id: uuid.UUID, payload: RequirementIn):
    rr = services.opportunity_raise_requirement(opportunity=_opp(request, opportunity_id), actor=request.user,
                                                title=payload.title, description=payload.description,
                                                urgency=payload.urgency)
    return Status(201, {"id": rr.pk, "number": rr.number, "status": rr.status,
                        "url": f"/api/v1/requirements/{rr.pk}"})
