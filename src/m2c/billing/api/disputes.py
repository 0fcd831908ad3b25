"""Disputes and dunning in the API: /disputes with one endpoint per command, an invoice's dunning history."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router, Status

from m2c.core import events as core_events
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, EventOut, Page

from .. import selectors, services
from ..schemas import (
    DisputeDecisionIn,
    DisputeEscalateIn,
    DisputeFilterIn,
    DisputeNoteIn,
    DisputeOpenIn,
    DisputeOut,
    DisputeProposeIn,
    DisputeResolveIn,
    InvoiceDunningOut,
    collection_case_out,
    dispute_out,
    dunning_step_out,
)
from ..services.dunning import dunnable

router = Router(tags=["disputes"])


def _dispute(request: HttpRequest, dispute_id: uuid.UUID):
    return selectors.dispute_get(user=request.user, dispute_id=dispute_id)


def _out(request: HttpRequest, dispute_id: uuid.UUID) -> dict:
    return dispute_out(_dispute(request, dispute_id))


@router.get("/disputes", response={200: Page[DisputeOut], **ERRORS}, summary="List disputes (filter by state)")
def list_disputes(request: HttpRequest, filters: Query[DisputeFilterIn]):
    qs = selectors.dispute_list(user=request.user, status=filters.status, invoice=filters.invoice,
                                contract=filters.contract, search=filters.search)
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=dispute_out)


@router.post("/disputes", response={201: DisputeOut, **ERRORS},
             summary="Open a dispute on part of an issued invoice (held out of dunning)")
def open_dispute(request: HttpRequest, payload: DisputeOpenIn):
    invoice = selectors.invoice_get(user=request.user, invoice_id=payload.invoice)
    d = services.dispute_open(invoice=invoice, actor=request.user, amount_=payload.amount, reason=payload.reason,
                              category=payload.category, owner=payload.owner, opened_on=payload.opened_on)
    return Status(201, _out(request, d.pk))


@router.get("/disputes/{dispute_id}", response={200: DisputeOut, **ERRORS}, summary="A dispute")
def get_dispute(request: HttpRequest, dispute_id: uuid.UUID):
    return _out(request, dispute_id)


@router.get("/disputes/{dispute_id}/timeline", response={200: list[EventOut], **ERRORS}, summary="Its timeline")
def dispute_timeline(request: HttpRequest, dispute_id: uuid.UUID):
    return core_events.timeline_out(_dispute(request, dispute_id))


@router.post("/disputes/{dispute_id}/investigate", response={200: DisputeOut, **ERRORS},
             summary="Start investigating (OPEN → INVESTIGATING), or reopen a turned-down proposal")
def investigate_dispute(request: HttpRequest, dispute_id: uuid.UUID, payload: DisputeNoteIn):
    services.dispute_investigate(dispute=_dispute(request, dispute_id), actor=request.user, note=payload.note)
    return _out(request, dispute_id)


@router.post("/disputes/{dispute_id}/propose", response={200: DisputeOut, **ERRORS},
             summary="Propose the resolution with its credit, 0 for none (INVESTIGATING → PROPOSED)")
def propose_dispute(request: HttpRequest, dispute_id: uuid.UUID, payload: DisputeProposeIn):
    services.dispute_propose(dispute=_dispute(request, dispute_id), actor=request.user, credit=payload.credit,
                             proposal=payload.proposal)
    return _out(request, dispute_id)


@router.post("/disputes/{dispute_id}/resolve", response={200: DisputeOut, **ERRORS},
             summary="Resolve as proposed, issuing the credit note (PROPOSED → RESOLVED; finance)")
def resolve_dispute(request: HttpRequest, dispute_id: uuid.UUID, payload: DisputeResolveIn):
    services.dispute_resolve(dispute=_dispute(request, dispute_id), actor=request.user,
                             resolution=payload.resolution, on=payload.on)
    return _out(request, dispute_id)


@router.post("/disputes/{dispute_id}/escalate", response={200: DisputeOut, **ERRORS},
             summary="Escalate a dispute older than 30 days or above the threshold (→ ESCALATED)")
def escalate_dispute(request: HttpRequest, dispute_id: uuid.UUID, payload: DisputeEscalateIn):
    services.dispute_escalate(dispute=_dispute(request, dispute_id), actor=request.user, reason=payload.reason)
    return _out(request, dispute_id)


@router.post("/disputes/{dispute_id}/escalation-decision", response={200: DisputeOut, **ERRORS},
             summary="Record the escalation decision (ESCALATED → INVESTIGATING)")
def decide_escalation(request: HttpRequest, dispute_id: uuid.UUID, payload: DisputeDecisionIn):
    services.dispute_escalation_decide(dispute=_dispute(request, dispute_id), actor=request.user,
                                       decision=payload.decision)
    return _out(request, dispute_id)


@router.post("/disputes/{dispute_id}/close", response={200: DisputeOut, **ERRORS},
             summary="Close a resolved dispute (RESOLVED → CLOSED)")
def close_dispute(request: HttpRequest, dispute_id: uuid.UUID, payload: DisputeNoteIn):
    services.dispute_close(dispute=_dispute(request, dispute_id), actor=request.user, note=payload.note)
    return _out(request, dispute_id)


@router.get("/invoices/{invoice_id}/dunning", response={200: InvoiceDunningOut, **ERRORS},
            summary="The invoice's dunning steps and collection cases")
def invoice_dunning(request: HttpRequest, invoice_id: uuid.UUID):
    from m2c.core.schemas import money_out

    inv = selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    return {"dunnable": money_out(dunnable(inv), inv.currency),
            "steps": [dunning_step_out(s) for s in selectors.dunning_history(inv)],
            "collection_cases": [collection_case_out(k) for k in selectors.collection_cases(invoice=inv)]}
