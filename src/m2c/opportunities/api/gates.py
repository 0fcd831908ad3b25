"""Gate reviews (ATI / ATB / ATC): drafts, answers, submission, assignment, decisions, conditions."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Status, UploadedFile

from m2c.core.errors import NotFound, ValidationFailed
from m2c.core.schemas import ERRORS
from m2c.core.selectors import user_resolve

from .. import selectors, services
from ..models import (
    GateReview,
)
from ..schemas import (
    CloseConditionIn,
    ConditionOut,
    DecideIn,
    GateReviewAssignIn,
    GateReviewCreateIn,
    GateReviewOut,
    GateReviewPatch,
    OpportunityReasonIn,
    WaiveConditionIn,
)
from ..schemas.gates import condition_out, review_out
from ..states import GateType, ReviewStatus
from ._common import _opp, router


def _review(request: HttpRequest, review_id: uuid.UUID) -> GateReview:
    return selectors.review_get(user=request.user, review_id=review_id)


def _open_review(request: HttpRequest, opportunity_id: uuid.UUID, gate: GateType, statuses: list[str]) -> GateReview:
    opp = _opp(request, opportunity_id)
    review = opp.gate_reviews.filter(gate_type=gate, status__in=statuses).order_by("-created_at").first()
    if review is None:
        raise NotFound(_("No open %(gate)s review in that status for this opportunity.") % {"gate": gate})
    return review


@router.get("/opportunities/{opportunity_id}/gate-reviews", response={200: list[GateReviewOut], **ERRORS},
            summary="All gate reviews of an opportunity")
def list_reviews(request: HttpRequest, opportunity_id: uuid.UUID):
    return [review_out(r) for r in selectors.reviews_of(_opp(request, opportunity_id))]


@router.post("/opportunities/{opportunity_id}/gates/{gate}/reviews", response={201: GateReviewOut, **ERRORS},
             summary="Draft a gate review (facts prefilled from the deal and its quote)")
def create_review(request: HttpRequest, opportunity_id: uuid.UUID, gate: GateType, payload: GateReviewCreateIn):
    review = services.gate_review_create(opportunity=_opp(request, opportunity_id), actor=request.user, gate_type=gate,
                                         summary=payload.summary)
    return Status(201, review_out(review))


@router.post("/opportunities/{opportunity_id}/gates/{gate}/submit", response={200: GateReviewOut, **ERRORS},
             summary="Submit the draft review of this gate")
def submit_gate(request: HttpRequest, opportunity_id: uuid.UUID, gate: GateType):
    review = _open_review(request, opportunity_id, gate, [ReviewStatus.DRAFT])
    return review_out(services.gate_review_submit(review=review, actor=request.user))


@router.post("/opportunities/{opportunity_id}/gates/{gate}/decide", response={200: GateReviewOut, **ERRORS},
             summary="Record the decision on the review of this gate in review")
def decide_gate(request: HttpRequest, opportunity_id: uuid.UUID, gate: GateType, payload: DecideIn):
    review = _open_review(request, opportunity_id, gate, [ReviewStatus.IN_REVIEW, ReviewStatus.DECIDED])
    return _decide(request, review, payload)


@router.get("/gate-reviews/{review_id}", response={200: GateReviewOut, **ERRORS}, summary="One gate review")
def get_review(request: HttpRequest, review_id: uuid.UUID):
    return review_out(_review(request, review_id))


@router.patch("/gate-reviews/{review_id}", response={200: GateReviewOut, **ERRORS},
              summary="Answer the checklist and set the facts of a draft (a decided review refuses with 409)")
def update_review(request: HttpRequest, review_id: uuid.UUID, payload: GateReviewPatch):
    review = _review(request, review_id)
    data = payload.model_dump(exclude_unset=True)
    if "quote" in data:
        quote = None
        if data["quote"] is not None:
            quote = selectors.quote_queryset(request.user).filter(pk=data["quote"],
                                                                  opportunity_id=review.opportunity_id).first()
            if quote is None:
                raise ValidationFailed(_("Unknown quote for this opportunity."), field="quote")
        data["quote"] = quote
    data = {k: v for k, v in data.items() if v is not None or k in ("quote", "margin_pct")}
    return review_out(services.gate_review_update(review=review, actor=request.user, **data))


@router.post("/gate-reviews/{review_id}/answers/{code}/file", response={200: GateReviewOut, **ERRORS},
             summary="Upload the file that answers a checklist item")
def upload_answer(request: HttpRequest, review_id: uuid.UUID, code: str, file: File[UploadedFile]):
    review = _review(request, review_id)
    services.gate_answer_upload(review=review, actor=request.user, code=code[:40], upload=file)
    return review_out(_review(request, review_id))


@router.post("/gate-reviews/{review_id}/submit", response={200: GateReviewOut, **ERRORS},
             summary="Submit: checklist complete, earlier conditions closed; computes the required level")
def submit_review(request: HttpRequest, review_id: uuid.UUID):
    return review_out(services.gate_review_submit(review=_review(request, review_id), actor=request.user))


@router.post("/gate-reviews/{review_id}/assign", response={200: GateReviewOut, **ERRORS},
             summary="Put a submitted review to a decision body at the required level or higher")
def assign_review(request: HttpRequest, review_id: uuid.UUID, payload: GateReviewAssignIn):
    review = _review(request, review_id)
    body = selectors.body_get(payload.decision_body)
    if body is None:
        raise ValidationFailed(_("Unknown decision body."), field="decision_body")
    return review_out(services.gate_review_assign(review=review, actor=request.user, body=body))


@router.post("/gate-reviews/{review_id}/withdraw", response={200: GateReviewOut, **ERRORS}, summary="Withdraw")
def withdraw_review(request: HttpRequest, review_id: uuid.UUID, payload: OpportunityReasonIn):
    return review_out(services.gate_review_withdraw(review=_review(request, review_id), actor=request.user,
                                                    reason=payload.reason))


@router.post("/gate-reviews/{review_id}/decide", response={200: GateReviewOut, **ERRORS},
             summary="Record the decision (a member of the assigned body; final once recorded)")
def decide_review(request: HttpRequest, review_id: uuid.UUID, payload: DecideIn):
    return _decide(request, _review(request, review_id), payload)


def _decide(request: HttpRequest, review: GateReview, payload: DecideIn) -> dict[str, Any]:
    conditions = [{"text": c.text, "owner": user_resolve(c.owner, field=f"conditions.{i}.owner"), "due_date": c.due_date,
                   "blocks": c.blocks} for i, c in enumerate(payload.conditions)]
    result = services.gate_decide(
        review=review, actor=request.user, decision=payload.decision, rationale=payload.rationale,
        conditions=conditions, rehearing_date=payload.rehearing_date, floor_price=payload.floor_price,
        probability_override=payload.probability_override, co_deciders=list(payload.co_deciders),
    )
    return review_out(selectors.review_after_command(user=request.user, review=result))


@router.get("/conditions", response={200: list[ConditionOut], **ERRORS}, summary="Gate conditions")
def list_conditions(request: HttpRequest, status: str | None = Query(None, max_length=8),
                    mine: bool = False):
    return [condition_out(c) for c in selectors.condition_list(user=request.user, status=status, mine=mine)[:500]]


@router.post("/conditions/{condition_id}/close", response={200: ConditionOut, **ERRORS}, summary="Close a condition")
def close_condition(request: HttpRequest, condition_id: uuid.UUID, payload: CloseConditionIn):
    condition = selectors.condition_get(user=request.user, condition_id=condition_id)
    return condition_out(services.condition_close(condition=condition, actor=request.user, note=payload.note))


@router.post("/conditions/{condition_id}/waive", response={200: ConditionOut, **ERRORS}, summary="Waive a condition")
def waive_condition(request: HttpRequest, condition_id: uuid.UUID, payload: WaiveConditionIn):
    condition = selectors.condition_get(user=request.user, condition_id=condition_id)
    return condition_out(services.condition_waive(condition=condition, actor=request.user, reason=payload.reason))
