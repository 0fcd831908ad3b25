"""Records around a deal: team, stakeholders, competitors, risks, activities, programs."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from m2c.core.errors import ValidationFailed
from m2c.core.schemas import ERRORS, money_out, user_ref_out
from m2c.core.selectors import user_resolve
from m2c.customers import selectors as customer_selectors

from .. import selectors, services
from ..models import (
    Competitor,
    Risk,
    Stakeholder,
    TeamAssignment,
)
from ..schemas import (
    CompetitorIn,
    CompetitorOut,
    CompetitorPatch,
    EndIn,
    OpportunityActivityIn,
    OpportunityActivityOut,
    OpportunityReasonIn,
    ProgramIn,
    ProgramOut,
    RiskIn,
    RiskOut,
    RiskPatch,
    StakeholderIn,
    StakeholderOut,
    StakeholderPatch,
    TeamIn,
    TeamOut,
)
from ..schemas.records import competitor_out, risk_out, stakeholder_out, team_out
from ._common import _money, _opp, router


@router.get("/opportunities/{opportunity_id}/team", response={200: list[TeamOut], **ERRORS}, summary="The team")
def list_team(request: HttpRequest, opportunity_id: uuid.UUID):
    opp = _opp(request, opportunity_id)
    return [team_out(t) for t in opp.team.select_related("user").order_by("-valid_to", "role")]


@router.post("/opportunities/{opportunity_id}/team", response={201: TeamOut, **ERRORS},
             summary="Assign a role (a new AR, SR or FR replaces the current holder)")
def assign_team(request: HttpRequest, opportunity_id: uuid.UUID, payload: TeamIn):
    opp = _opp(request, opportunity_id)
    row = services.team_assign(opportunity=opp, actor=request.user, role=payload.role, user=user_resolve(payload.user, field="user"),
                               valid_from=payload.valid_from, note=payload.note)
    return Status(201, team_out(row))


@router.post("/team-assignments/{assignment_id}/end", response={200: TeamOut, **ERRORS}, summary="End an assignment")
def end_team(request: HttpRequest, assignment_id: uuid.UUID, payload: EndIn):
    row = selectors.record_get(TeamAssignment, user=request.user, record_id=assignment_id)
    return team_out(services.team_end(assignment=row, actor=request.user, valid_to=payload.valid_to))


@router.get("/opportunities/{opportunity_id}/stakeholders", response={200: list[StakeholderOut], **ERRORS},
            summary="The decision chain")
def list_stakeholders(request: HttpRequest, opportunity_id: uuid.UUID):
    return [stakeholder_out(s) for s in _opp(request, opportunity_id).stakeholders.select_related("contact")]


@router.post("/opportunities/{opportunity_id}/stakeholders", response={201: StakeholderOut, **ERRORS},
             summary="Add a contact to the decision chain")
def add_stakeholder(request: HttpRequest, opportunity_id: uuid.UUID, payload: StakeholderIn):
    opp = _opp(request, opportunity_id)
    contact = opp.customer.contacts.filter(pk=payload.contact).first()
    if contact is None:
        raise ValidationFailed(_("The contact is not one of this customer's."), field="contact")
    row = services.stakeholder_add(opportunity=opp, actor=request.user, contact=contact,
                                   decision_role=payload.decision_role, attitude=payload.attitude,
                                   influence=payload.influence, notes=payload.notes)
    return Status(201, stakeholder_out(row))


def _child(model: Any, request: HttpRequest, pk: uuid.UUID) -> Any:
    return selectors.record_get(model, user=request.user, record_id=pk)


@router.patch("/stakeholders/{stakeholder_id}", response={200: StakeholderOut, **ERRORS}, summary="Change a stakeholder")
def update_stakeholder(request: HttpRequest, stakeholder_id: uuid.UUID, payload: StakeholderPatch):
    row = _child(Stakeholder, request, stakeholder_id)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return stakeholder_out(services.stakeholder_update(stakeholder=row, actor=request.user, **changes))


@router.delete("/stakeholders/{stakeholder_id}", response={204: None, **ERRORS}, summary="Remove a stakeholder")
def remove_stakeholder(request: HttpRequest, stakeholder_id: uuid.UUID):
    services.stakeholder_remove(stakeholder=_child(Stakeholder, request, stakeholder_id), actor=request.user)
    return Status(204, None)


@router.get("/opportunities/{opportunity_id}/competitors", response={200: list[CompetitorOut], **ERRORS},
            summary="Competitors")
def list_competitors(request: HttpRequest, opportunity_id: uuid.UUID):
    return [competitor_out(c) for c in _opp(request, opportunity_id).competitors.all()]


@router.post("/opportunities/{opportunity_id}/competitors", response={201: CompetitorOut, **ERRORS},
             summary="Add a competitor")
def add_competitor(request: HttpRequest, opportunity_id: uuid.UUID, payload: CompetitorIn):
    row = services.competitor_add(opportunity=_opp(request, opportunity_id), actor=request.user, **payload.model_dump())
    return Status(201, competitor_out(row))


@router.patch("/competitors/{competitor_id}", response={200: CompetitorOut, **ERRORS}, summary="Change a competitor")
def update_competitor(request: HttpRequest, competitor_id: uuid.UUID, payload: CompetitorPatch):
    row = _child(Competitor, request, competitor_id)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return competitor_out(services.competitor_update(competitor=row, actor=request.user, **changes))


@router.delete("/competitors/{competitor_id}", response={204: None, **ERRORS}, summary="Remove a competitor")
def remove_competitor(request: HttpRequest, competitor_id: uuid.UUID):
    services.competitor_remove(competitor=_child(Competitor, request, competitor_id), actor=request.user)
    return Status(204, None)


@router.get("/opportunities/{opportunity_id}/risks", response={200: list[RiskOut], **ERRORS}, summary="Risk register")
def list_risks(request: HttpRequest, opportunity_id: uuid.UUID):
    return [risk_out(r) for r in _opp(request, opportunity_id).risks.select_related("owner")]


@router.post("/opportunities/{opportunity_id}/risks", response={201: RiskOut, **ERRORS}, summary="Register a risk")
def add_risk(request: HttpRequest, opportunity_id: uuid.UUID, payload: RiskIn):
    data = payload.model_dump()
    data["owner"] = user_resolve(data.pop("owner"), field="owner")
    return Status(201, risk_out(services.risk_add(opportunity=_opp(request, opportunity_id), actor=request.user, **data)))


@router.patch("/risks/{risk_id}", response={200: RiskOut, **ERRORS}, summary="Update a risk")
def update_risk(request: HttpRequest, risk_id: uuid.UUID, payload: RiskPatch):
    row = _child(Risk, request, risk_id)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None or k == "due_date"}
    return risk_out(services.risk_update(risk=row, actor=request.user, **changes))


@router.post("/risks/{risk_id}/mitigate", response={200: RiskOut, **ERRORS}, summary="Mark a risk mitigated")
def mitigate_risk(request: HttpRequest, risk_id: uuid.UUID, payload: OpportunityReasonIn):
    row = _child(Risk, request, risk_id)
    return risk_out(services.risk_mitigate(risk=row, actor=request.user, reason=payload.reason))


@router.post("/risks/{risk_id}/close", response={200: RiskOut, **ERRORS}, summary="Close a risk")
def close_risk(request: HttpRequest, risk_id: uuid.UUID, payload: OpportunityReasonIn):
    row = _child(Risk, request, risk_id)
    return risk_out(services.risk_close(risk=row, actor=request.user, reason=payload.reason))


@router.post("/risks/{risk_id}/reopen", response={200: RiskOut, **ERRORS}, summary="Reopen a risk, saying why")
def reopen_risk(request: HttpRequest, risk_id: uuid.UUID, payload: OpportunityReasonIn):
    row = _child(Risk, request, risk_id)
    return risk_out(services.risk_reopen(risk=row, actor=request.user, reason=payload.reason))


@router.get("/opportunities/{opportunity_id}/activities", response={200: list[OpportunityActivityOut], **ERRORS},
            summary="Activities")
def list_activities(request: HttpRequest, opportunity_id: uuid.UUID):
    return [{"id": a.pk, "kind": a.kind, "occurred_on": a.occurred_on, "subject": a.subject, "outcome": a.outcome,
             "next_step": a.next_step, "next_step_due": a.next_step_due, "user": user_ref_out(a.user)}
            for a in _opp(request, opportunity_id).activities.select_related("user")]


@router.post("/opportunities/{opportunity_id}/activities", response={201: OpportunityActivityOut, **ERRORS},
             summary="Log an activity")
def log_activity(request: HttpRequest, opportunity_id: uuid.UUID, payload: OpportunityActivityIn):
    a = services.activity_log(opportunity=_opp(request, opportunity_id), actor=request.user, **payload.model_dump())
    return Status(201, {"id": a.pk, "kind": a.kind, "occurred_on": a.occurred_on, "subject": a.subject,
                        "outcome": a.outcome, "next_step": a.next_step, "next_step_due": a.next_step_due,
                        "user": user_ref_out(a.user)})


def _program_out(p: Any) -> dict[str, Any]:
    return {"id": p.pk, "name": p.name, "customer": {"id": p.customer_id, "name": p.customer.legal_name},
            "target": money_out(p.target_amount, p.currency), "description": p.description}


@router.get("/programs", response={200: list[ProgramOut], **ERRORS}, summary="Programs")
def list_programs(request: HttpRequest, customer: uuid.UUID | None = None):
    return [_program_out(p) for p in selectors.program_list(user=request.user, customer=customer)[:500]]


@router.post("/programs", response={201: ProgramOut, **ERRORS}, summary="Create a program")
def create_program(request: HttpRequest, payload: ProgramIn):
    customer = customer_selectors.customer_get(user=request.user, customer_id=payload.customer)
    target = _money(payload.target_amount, payload.currency, "target_amount") if payload.target_amount is not None else None
    program = services.program_create(actor=request.user, customer=customer, name=payload.name, target_amount=target,
                                      description=payload.description)
    return Status(201, _program_out(program))
