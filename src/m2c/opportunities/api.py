"""The opportunities API: parse, call a service or selector, serialise. No business logic here.

Stage moves and gate decisions are explicit command endpoints (``POST /opportunities/{id}/advance``,
``POST /opportunities/{id}/gates/ATI/decide``); nothing changes a stage or a status by PATCH.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from m2c.core import events as core_events
from m2c.core import fx
from m2c.core.errors import NotFound, PermissionDenied, ValidationFailed
from m2c.core.models import OfferingLine, OrgUnit, Role
from m2c.core.money import Money
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, EventOut, Page, money_out, ref_out, user_ref_out
from m2c.core.selectors import user_resolve
from m2c.customers import selectors as customer_selectors

from . import pdf, rules, selectors, services
from .models import (
    Bid,
    Competitor,
    DecisionBody,
    DecisionBodyMember,
    GateCondition,
    GateReview,
    Opportunity,
    OpportunitySettings,
    PriceList,
    Product,
    Quote,
    QuoteLine,
    Risk,
    Stakeholder,
    TeamAssignment,
)
from .schemas import (
    AbandonIn,
    BidIn,
    BidOut,
    BidSubmitIn,
    BoardOut,
    ChecklistIn,
    ChecklistOut,
    CloseConditionIn,
    CompetitorIn,
    CompetitorOut,
    CompetitorPatch,
    ConditionOut,
    DecideIn,
    DecisionBodyIn,
    DecisionBodyOut,
    EndIn,
    EvaluateIn,
    EvaluateOut,
    ForecastIn,
    ForecastOut,
    GateReviewAssignIn,
    GateReviewCreateIn,
    GateReviewOut,
    GateReviewPatch,
    HoldIn,
    InboxOut,
    LoseIn,
    MatrixIn,
    MatrixOut,
    MemberIn,
    MoveIn,
    OpportunityActivityIn,
    OpportunityActivityOut,
    OpportunityIn,
    OpportunityOut,
    OpportunityPatch,
    OpportunityReasonIn,
    PipelineOut,
    PriceListIn,
    PriceListOut,
    ProductIn,
    ProductOut,
    ProgramIn,
    ProgramOut,
    QuoteApprovalIn,
    QuoteCreateIn,
    QuoteLineIn,
    QuoteLineOut,
    QuoteLinePatch,
    QuoteOut,
    QuotePatch,
    RejectIn,
    RequirementIn,
    RequirementRefOut,
    RiskIn,
    RiskOut,
    RiskPatch,
    SettingsOut,
    SettingsPatch,
    StakeholderIn,
    StakeholderOut,
    StakeholderPatch,
    TeamIn,
    TeamOut,
    WaiveConditionIn,
    WinLossOut,
)
from .selectors import Filters
from .states import OPPORTUNITY_MACHINE, GateType, ReviewStatus, Stage

router = Router(tags=["opportunities"])


# --- lookups ----------------------------------------------------------------------------------------


def _not_partner(request: HttpRequest) -> None:
    user = request.user
    if user.has_role(Role.PARTNER) and not user.sees_everything:
        raise PermissionDenied(_("Partner users have no access to this resource."))


def _opp(request: HttpRequest, opportunity_id: uuid.UUID) -> Opportunity:
    return selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)


def _lines(codes: list[str], field: str = "offering_lines") -> list[OfferingLine]:
    found = {line.code: line for line in OfferingLine.objects.filter(code__in=codes, active=True)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationFailed(_("Unknown offering line(s): %(codes)s") % {"codes": ", ".join(missing)}, field=field)
    ordered: list[OfferingLine] = []
    for code in codes:
        if found[code] not in ordered:
            ordered.append(found[code])
    return ordered


def _money(amount: Decimal, currency: str, field: str = "amount") -> Money:
    try:
        return Money(amount, currency)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.detail, field="currency" if "currency" in exc.detail.lower() else field) from None


# --- serialisers ------------------------------------------------------------------------------------


def opportunity_out(o: Opportunity) -> dict[str, Any]:
    reporting = fx.reporting_currency()
    return {
        "id": o.pk, "name": o.name,
        "customer": {"id": o.customer_id, "name": o.customer.legal_name},
        "org_unit": ref_out(o.org_unit), "region": ref_out(o.region),
        "offering_lines": [ref_out(line) for line in o.offering_lines.all()],
        "primary_offering_line": ref_out(o.offering_line),
        "amount": money_out(o.amount, o.currency),
        "amount_reporting": money_out(o.amount_reporting, reporting),
        "weighted_reporting": money_out((o.amount_reporting * o.probability / 100).quantize(Decimal("0.01")), reporting),
        "expected_sign_date": o.expected_sign_date, "stage": o.stage, "stage_label": str(o.get_stage_display()),
        "status": o.status, "stage_changed_at": o.stage_changed_at, "grade": o.grade, "priority_type": o.priority_type,
        "probability": o.probability, "probability_set_by_decision": o.probability_override_review_id is not None,
        "forecast_category": o.forecast_category, "forecast_category_manual": o.forecast_category_manual,
        "owner": user_ref_out(o.owner), "budget_status": o.budget_status, "description": o.description,
        "source_lead_id": o.source_lead_id,
        "source_campaign": o.source_campaign.code if o.source_campaign_id else None,
        "program": o.program_id, "direct_negotiation": o.direct_negotiation, "previous_stage": o.previous_stage,
        "hold_until": o.hold_until, "hold_reason": o.hold_reason,
        "floor_price": money_out(o.floor_price, o.floor_currency or o.currency),
        "closed_at": o.closed_at, "loss_reason": o.loss_reason, "loss_detail": o.loss_detail,
        "loss_competitor": o.loss_competitor, "price_gap": money_out(o.price_gap, o.currency),
        "abandon_reason": o.abandon_reason, "allowed_moves": OPPORTUNITY_MACHINE.targets(o.stage),
        "created_at": o.created_at, "updated_at": o.updated_at, "version": o.version,
        "url": f"/opportunities/{o.pk}/",
    }


def _fresh(request: HttpRequest, opportunity: Opportunity) -> dict[str, Any]:
    try:
        return opportunity_out(_opp(request, opportunity.pk))
    except Exception:  # noqa: BLE001 - the actor may have just handed the deal to someone else
        return opportunity_out(Opportunity.objects.select_related("customer", "owner").get(pk=opportunity.pk))


def team_out(t: TeamAssignment) -> dict[str, Any]:
    return {"id": t.pk, "role": t.role, "role_label": str(t.get_role_display()), "user": user_ref_out(t.user),
            "valid_from": t.valid_from, "valid_to": t.valid_to, "active": t.active, "note": t.note}


def stakeholder_out(s: Stakeholder) -> dict[str, Any]:
    return {"id": s.pk, "contact_id": s.contact_id, "name": s.contact.name, "title": s.contact.title,
            "decision_role": s.decision_role, "attitude": s.attitude, "influence": s.influence, "notes": s.notes}


def competitor_out(c: Competitor) -> dict[str, Any]:
    return {"id": c.pk, "name": c.name, "incumbent": c.incumbent, "threat": c.threat, "strengths": c.strengths,
            "weaknesses": c.weaknesses}


def risk_out(r: Risk) -> dict[str, Any]:
    return {"id": r.pk, "description": r.description, "category": r.category, "probability": r.probability,
            "impact": r.impact, "exposure": r.exposure, "owner": user_ref_out(r.owner), "mitigation": r.mitigation,
            "due_date": r.due_date, "status": r.status}


def condition_out(c: GateCondition) -> dict[str, Any]:
    return {"id": c.pk, "review": c.review_id, "gate_type": c.review.gate_type, "opportunity": c.opportunity_id,
            "text": c.text, "owner": user_ref_out(c.owner), "due_date": c.due_date, "blocks": c.blocks, "status": c.status,
            "overdue": c.overdue, "closed_at": c.closed_at, "closing_note": c.closing_note}


def review_out(r: GateReview) -> dict[str, Any]:
    answers = {a.code: a for a in r.answers.select_related("answered_by")}
    items = []
    checklist_items = list(r.checklist.items.all()) if r.checklist_id else []
    for item in checklist_items:
        answer = answers.pop(item.code, None)
        items.append(_answer_out(item.code, item.section, item.question, item.answer_type, item.mandatory,
                                 item.must_be_yes, answer, r))
    for code, answer in answers.items():
        items.append(_answer_out(code, "", answer.question, answer.answer_type, False, False, answer, r))
    return {
        "id": r.pk, "opportunity": r.opportunity_id, "contract_id": r.contract_id, "gate_type": r.gate_type,
        "sequence": r.sequence, "status": r.status, "summary": r.summary, "requested_by": user_ref_out(r.requested_by),
        "quote": r.quote_id, "bid": r.bid_id, "value": money_out(r.value_amount, r.value_currency),
        "value_reporting": money_out(r.value_reporting, fx.reporting_currency()), "margin_pct": r.margin_pct,
        "discount_pct": r.discount_pct, "payment_term_deviation": r.payment_term_deviation,
        "non_standard_terms": r.non_standard_terms, "new_country_or_offering": r.new_country_or_offering,
        "submitted_at": r.submitted_at, "required_level": r.required_level,
        "level_reasons": [_reason(x) for x in r.level_reasons or []], "authority_rule_version": r.authority_rule_version,
        "decision_body": ({"id": r.decision_body.pk, "code": r.decision_body.level, "name": str(r.decision_body)}
                          if r.decision_body_id else None),
        "decision": r.decision, "decided_at": r.decided_at, "decided_by": user_ref_out(r.decided_by),
        "co_deciders": [user_ref_out(u) for u in r.co_deciders.all()], "rationale": r.rationale,
        "rehearing_date": r.rehearing_date, "floor_price": money_out(r.floor_price, r.quote.currency if r.quote_id
                                                                else r.value_currency),
        "probability_override": r.probability_override, "answers": items,
        "conditions": [condition_out(c) for c in r.conditions.select_related("owner", "review")],
        "version": r.version, "url": f"/opportunities/reviews/{r.pk}/",
    }


def _reason(x: dict[str, Any]) -> dict[str, str]:
    return {k: str(x.get(k, "")) for k in ("dimension", "rule", "value", "level")}


def _answer_out(code: str, section: str, question: str, answer_type: str, mandatory: bool, must_be_yes: bool,
                answer: Any, review: GateReview) -> dict[str, Any]:
    value: Any = None
    if answer is not None:
        value = {"yes_no": answer.value_bool, "number": str(answer.value_number) if answer.value_number is not None
                 else None, "text": answer.value_text, "file": answer.file.name or None}.get(answer.answer_type)
    return {"code": code, "section": section, "question": question, "answer_type": answer_type, "mandatory": mandatory,
            "must_be_yes": must_be_yes, "value": value, "display": answer.display_value if answer else "—",
            "file_url": (f"/opportunities/reviews/{review.pk}/files/{code}/" if answer is not None and answer.file
                         else None),
            "answered_by": str(answer.answered_by) if answer is not None and answer.answered_by_id else None}


def quote_line_out(line: QuoteLine) -> dict[str, Any]:
    return {"id": line.pk, "position": line.position, "product": line.product.code if line.product_id else None,
            "description": line.description, "site": line.site, "quantity": line.quantity,
            "unit_list_price": line.unit_list_price, "discount_pct": line.discount_pct,
            "unit_net_price": line.unit_net_price, "unit_cost": line.unit_cost, "list_amount": line.list_amount,
            "net_amount": line.net_amount, "cost_amount": line.cost_amount, "margin_pct": line.margin_pct}


def quote_out(q: Quote) -> dict[str, Any]:
    return {
        "id": q.pk, "opportunity": q.opportunity_id, "version": q.number, "status": q.status, "currency": q.currency,
        "price_list": q.price_list.code if q.price_list_id else None, "bid": q.bid_id, "title": q.title,
        "valid_until": q.valid_until, "payment_terms": q.payment_terms, "delivery_terms": q.delivery_terms,
        "notes": q.notes, "total_list": money_out(q.total_list, q.currency), "total_net": money_out(q.total_net, q.currency),
        "total_cost": money_out(q.total_cost, q.currency), "margin_pct": q.margin_pct, "discount_pct": q.discount_pct,
        "required_level": q.required_level, "approval_reasons": [_reason(x) for x in q.approval_reasons or []],
        "authority_rule_version": q.authority_matrix.version if q.authority_matrix_id else None,
        "approved_by": user_ref_out(q.approved_by), "approved_at": q.approved_at, "approval_note": q.approval_note,
        "submitted_at": q.submitted_at,
        "lines": [quote_line_out(line) for line in q.lines.select_related("product").order_by("position")],
        "pdf_url": f"/api/v1/quotes/{q.pk}/pdf", "url": f"/opportunities/quotes/{q.pk}/",
    }


def bid_out(b: Bid) -> dict[str, Any]:
    return {"id": b.pk, "opportunity": b.opportunity_id, "reference": b.reference, "rfp_received_on": b.rfp_received_on,
            "deadline": b.deadline, "working_days_left": rules.working_days_left(b.deadline),
            "submitted_at": b.submitted_at, "quote": b.quote_id}


def body_out(b: DecisionBody) -> dict[str, Any]:
    return {"id": b.pk, "name": b.name, "name_en": b.name_en, "level": b.level, "org_unit": ref_out(b.org_unit),
            "active": b.active,
            "members": [{"id": m.pk, "user": user_ref_out(m.user), "role": m.role, "valid_from": m.valid_from,
                         "valid_to": m.valid_to} for m in b.memberships.select_related("user")]}


def matrix_out(m: Any, in_force: Any) -> dict[str, Any]:
    return {
        "id": m.pk, "version": m.version, "name": m.name, "note": m.note, "effective_from": m.effective_from,
        "published_at": m.published_at, "published_by": str(m.published_by) if m.published_by_id else None,
        "in_force": in_force is not None and in_force.pk == m.pk,
        "rules": [{"gate_type": r.gate_type, "dimension": r.dimension, "operator": r.operator, "threshold": r.threshold,
                   "threshold_text": r.threshold_text,
                   "offering_line": r.offering_line.code if r.offering_line_id else None,
                   "required_level": r.required_level, "label": r.label} for r in m.rules.all()],
        "discount_authorities": [{"role": d.role, "offering_line": d.offering_line.code if d.offering_line_id else None,
                                  "max_discount_pct": d.max_discount_pct} for d in m.discount_authorities.all()],
    }


def checklist_out(c: Any) -> dict[str, Any]:
    return {"id": c.pk, "gate_type": c.gate_type, "version": c.version, "name": c.name, "active": c.active,
            "items": [{"code": i.code, "section": i.section, "question": i.question, "question_en": i.question_en,
                       "answer_type": i.answer_type, "mandatory": i.mandatory, "must_be_yes": i.must_be_yes}
                      for i in c.items.all()]}


def product_out(p: Product) -> dict[str, Any]:
    return {"id": p.pk, "code": p.code, "name": p.name, "name_en": p.name_en, "offering_line": ref_out(p.offering_line),
            "kind": p.kind, "unit": p.unit, "standard_cost": money_out(p.standard_cost, p.cost_currency), "active": p.active,
            "prices": [{"price_list": i.price_list.code, "currency": i.price_list.currency, "list_price": i.list_price}
                       for i in p.prices.select_related("price_list")]}


def price_list_out(p: PriceList) -> dict[str, Any]:
    return {"id": p.pk, "code": p.code, "name": p.name, "currency": p.currency, "valid_from": p.valid_from,
            "valid_to": p.valid_to, "active": p.active,
            "items": [{"product": i.product.code, "name": i.product.label, "list_price": i.list_price}
                      for i in p.items.select_related("product")]}


# --- opportunities ----------------------------------------------------------------------------------


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
        from m2c.campaigns.models import Campaign

        campaign = Campaign.objects.filter(code=payload.source_campaign).first()
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


# --- team and records -------------------------------------------------------------------------------


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
    row = get_object_or_404(TeamAssignment.objects.filter(opportunity__in=selectors.visible_ids(request.user)),
                            pk=assignment_id)
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
    return get_object_or_404(model.objects.filter(opportunity__in=selectors.visible_ids(request.user)), pk=pk)


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


# --- gate reviews -----------------------------------------------------------------------------------


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
            quote = Quote.objects.filter(pk=data["quote"], opportunity_id=review.opportunity_id).first()
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
    body = DecisionBody.objects.filter(pk=payload.decision_body).first()
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
    return review_out(GateReview.objects.get(pk=result.pk))


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


# --- configuration ----------------------------------------------------------------------------------


@router.get("/decision-bodies", response={200: list[DecisionBodyOut], **ERRORS}, summary="Decision bodies (SDTs)")
def list_bodies(request: HttpRequest):
    _not_partner(request)
    return [body_out(b) for b in selectors.body_list()]


@router.post("/decision-bodies", response={201: DecisionBodyOut, **ERRORS}, summary="Create a decision body")
def create_body(request: HttpRequest, payload: DecisionBodyIn):
    unit = OrgUnit.objects.filter(code=payload.org_unit).first()
    if unit is None:
        raise ValidationFailed(_("Unknown org unit."), field="org_unit")
    body = services.decision_body_create(actor=request.user, name=payload.name, name_en=payload.name_en,
                                         level=payload.level, org_unit=unit)
    return Status(201, body_out(body))


@router.post("/decision-bodies/{body_id}/members", response={201: DecisionBodyOut, **ERRORS}, summary="Add a member")
def add_member(request: HttpRequest, body_id: uuid.UUID, payload: MemberIn):
    body = get_object_or_404(DecisionBody, pk=body_id)
    services.decision_body_add_member(body=body, actor=request.user, user=user_resolve(payload.user, field="user"), role=payload.role)
    return Status(201, body_out(body))


@router.post("/decision-body-members/{member_id}/end", response={200: DecisionBodyOut, **ERRORS},
             summary="End a membership")
def end_member(request: HttpRequest, member_id: int):
    if not 0 < member_id < 2**62:
        raise NotFound(_("No such membership."))
    membership = get_object_or_404(DecisionBodyMember, pk=member_id)
    services.decision_body_remove_member(membership=membership, actor=request.user)
    return body_out(membership.body)


@router.get("/authority-matrices", response={200: list[MatrixOut], **ERRORS}, summary="Authority matrix versions")
def list_matrices(request: HttpRequest):
    _not_partner(request)
    current = rules.matrix_in_force()
    return [matrix_out(m, current) for m in selectors.matrix_list()[:100]]


@router.get("/authority-matrices/current", response={200: MatrixOut, **ERRORS}, summary="The version in force")
def current_matrix(request: HttpRequest):
    _not_partner(request)
    current = rules.matrix_in_force()
    if current is None:
        raise NotFound(_("No authority matrix has been published."))
    return matrix_out(current, current)


@router.post("/authority-matrices", response={201: MatrixOut, **ERRORS},
             summary="Publish the next version (earlier versions never change)")
def publish_matrix(request: HttpRequest, payload: MatrixIn):
    data = payload.model_dump()
    matrix = services.authority_matrix_publish(
        actor=request.user, name=data["name"], note=data["note"], effective_from=data["effective_from"],
        rules=[{**r, "gate_type": r["gate_type"] or ""} for r in data["rules"]],
        discount_authorities=data["discount_authorities"],
    )
    return Status(201, matrix_out(matrix, rules.matrix_in_force()))


@router.post("/authority-matrices/evaluate", response={200: EvaluateOut, **ERRORS},
             summary="Which level would decide these facts under the matrix in force")
def evaluate_matrix(request: HttpRequest, payload: EvaluateIn):
    _not_partner(request)
    value = fx.to_reporting(_money(payload.value, payload.currency, "value"))
    facts = rules.Facts(
        value_reporting=value.amount, margin_pct=payload.margin_pct, payment_term_deviation=payload.payment_term_deviation,
        non_standard_terms=payload.non_standard_terms, new_country_or_offering=payload.new_country_or_offering,
        discount_pct=payload.discount_pct, offering_line_ids={line.pk for line in _lines(payload.offering_lines)},
    )
    verdict = rules.evaluate(facts, gate_type=payload.gate_type or "")
    return {"required_level": verdict.level, "authority_rule_version": verdict.matrix.version if verdict.matrix else None,
            "reasons": [_reason(x) for x in verdict.reasons]}


@router.get("/gate-checklists", response={200: list[ChecklistOut], **ERRORS}, summary="Active gate checklists")
def list_checklists(request: HttpRequest, gate_type: GateType | None = None):
    _not_partner(request)
    return [checklist_out(c) for c in selectors.checklist_list(gate_type=gate_type)]


@router.post("/gate-checklists", response={201: ChecklistOut, **ERRORS}, summary="Publish a new checklist version")
def publish_checklist(request: HttpRequest, payload: ChecklistIn):
    checklist = services.checklist_publish(actor=request.user, gate_type=payload.gate_type, name=payload.name,
                                           items=[i.model_dump() for i in payload.items])
    return Status(201, checklist_out(checklist))


def _settings_out(row: OpportunitySettings) -> dict[str, Any]:
    return {k: getattr(row, k) for k in SettingsOut.model_fields}


@router.get("/opportunity-settings", response={200: SettingsOut, **ERRORS}, summary="Configurable parameters")
def get_settings(request: HttpRequest):
    _not_partner(request)
    return _settings_out(OpportunitySettings.current())


@router.patch("/opportunity-settings", response={200: SettingsOut, **ERRORS}, summary="Change parameters")
def patch_settings(request: HttpRequest, payload: SettingsPatch):
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return _settings_out(services.settings_update(actor=request.user, **changes))


# --- catalogue ----------------------------------------------------------------------------------------


@router.get("/products", response={200: Page[ProductOut], **ERRORS}, summary="Products and services")
def list_products(request: HttpRequest, offering_line: str | None = Query(None, max_length=64),
                  search: str | None = Query(None, max_length=100), page: int = Query(1, ge=1, le=100000),
                  page_size: int = Query(50, ge=1, le=500)):
    _not_partner(request)
    qs = selectors.product_list(offering_line=offering_line, search=search)
    return paginate(qs, page=page, page_size=page_size, serialize=product_out)


@router.post("/products", response={200: ProductOut, **ERRORS}, summary="Create or update a product by code")
def save_product(request: HttpRequest, payload: ProductIn):
    data = payload.model_dump()
    line = _lines([data.pop("offering_line")], "offering_line")[0]
    return product_out(services.product_save(actor=request.user, offering_line=line, **data))


@router.get("/price-lists", response={200: list[PriceListOut], **ERRORS}, summary="Price lists")
def list_price_lists(request: HttpRequest, currency: str | None = Query(None, max_length=3)):
    _not_partner(request)
    return [price_list_out(p) for p in selectors.price_list_list(currency=currency)[:200]]


@router.post("/price-lists", response={200: PriceListOut, **ERRORS}, summary="Create or update a price list by code")
def save_price_list(request: HttpRequest, payload: PriceListIn):
    data = payload.model_dump()
    return price_list_out(services.price_list_save(actor=request.user, **data))


# --- quotes and bids --------------------------------------------------------------------------------


def _quote(request: HttpRequest, quote_id: uuid.UUID) -> Quote:
    return selectors.quote_get(user=request.user, quote_id=quote_id)


def _price_list(code: str | None) -> PriceList | None:
    if not code:
        return None
    found = PriceList.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed(_("Unknown price list."), field="price_list")
    return found


@router.get("/opportunities/{opportunity_id}/quotes", response={200: list[QuoteOut], **ERRORS}, summary="Quote versions")
def list_quotes(request: HttpRequest, opportunity_id: uuid.UUID):
    opp = _opp(request, opportunity_id)
    return [quote_out(q) for q in opp.quotes.select_related("price_list", "approved_by", "authority_matrix")]


@router.post("/opportunities/{opportunity_id}/quotes", response={201: QuoteOut, **ERRORS},
             summary="Create a quote version (optionally a copy of an earlier one)")
def create_quote(request: HttpRequest, opportunity_id: uuid.UUID, payload: QuoteCreateIn):
    opp = _opp(request, opportunity_id)
    source = None
    if payload.copy_from:
        source = opp.quotes.filter(pk=payload.copy_from).first()
        if source is None:
            raise ValidationFailed(_("Unknown quote of this opportunity."), field="copy_from")
    quote = services.quote_create(
        opportunity=opp, actor=request.user, currency=payload.currency, price_list=_price_list(payload.price_list),
        copy_from=source, title=payload.title, valid_until=payload.valid_until, payment_terms=payload.payment_terms,
        delivery_terms=payload.delivery_terms, notes=payload.notes,
    )
    return Status(201, quote_out(quote))


@router.get("/quotes/{quote_id}", response={200: QuoteOut, **ERRORS}, summary="One quote version")
def get_quote(request: HttpRequest, quote_id: uuid.UUID):
    return quote_out(_quote(request, quote_id))


@router.patch("/quotes/{quote_id}", response={200: QuoteOut, **ERRORS}, summary="Change a draft's header")
def update_quote(request: HttpRequest, quote_id: uuid.UUID, payload: QuotePatch):
    quote = _quote(request, quote_id)
    data = payload.model_dump(exclude_unset=True)
    if "price_list" in data:
        data["price_list"] = _price_list(data["price_list"])
    data = {k: v for k, v in data.items() if v is not None or k in ("valid_until", "price_list")}
    return quote_out(services.quote_update(quote=quote, actor=request.user, **data))


@router.post("/quotes/{quote_id}/lines", response={201: QuoteLineOut, **ERRORS}, summary="Add a line to a draft")
def add_line(request: HttpRequest, quote_id: uuid.UUID, payload: QuoteLineIn):
    quote = _quote(request, quote_id)
    product = None
    if payload.product:
        product = Product.objects.filter(code=payload.product).first()
        if product is None:
            raise ValidationFailed(_("Unknown product."), field="product")
    data = payload.model_dump(exclude={"product"})
    return Status(201, quote_line_out(services.quote_line_add(quote=quote, actor=request.user, product=product, **data)))


def _line(request: HttpRequest, line_id: uuid.UUID) -> QuoteLine:
    return get_object_or_404(QuoteLine.objects.filter(quote__opportunity__in=selectors.visible_ids(request.user)),
                             pk=line_id)


@router.patch("/quote-lines/{line_id}", response={200: QuoteLineOut, **ERRORS}, summary="Change a line of a draft")
def update_line(request: HttpRequest, line_id: uuid.UUID, payload: QuoteLinePatch):
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return quote_line_out(services.quote_line_update(line=_line(request, line_id), actor=request.user, **changes))


@router.delete("/quote-lines/{line_id}", response={204: None, **ERRORS}, summary="Remove a line of a draft")
def remove_line(request: HttpRequest, line_id: uuid.UUID):
    services.quote_line_remove(line=_line(request, line_id), actor=request.user)
    return Status(204, None)


@router.post("/quotes/{quote_id}/request-approval", response={200: QuoteOut, **ERRORS},
             summary="Within the preparer's discount authority: approved; beyond it: pending approval")
def request_approval(request: HttpRequest, quote_id: uuid.UUID):
    return quote_out(services.quote_request_approval(quote=_quote(request, quote_id), actor=request.user))


@router.post("/quotes/{quote_id}/approve", response={200: QuoteOut, **ERRORS}, summary="Approve the discount")
def approve_quote(request: HttpRequest, quote_id: uuid.UUID, payload: QuoteApprovalIn):
    return quote_out(services.quote_approve(quote=_quote(request, quote_id), actor=request.user, note=payload.note))


@router.post("/quotes/{quote_id}/reject", response={200: QuoteOut, **ERRORS}, summary="Refuse the discount (back to draft)")
def reject_quote(request: HttpRequest, quote_id: uuid.UUID, payload: RejectIn):
    return quote_out(services.quote_reject(quote=_quote(request, quote_id), actor=request.user, reason=payload.reason))


@router.post("/quotes/{quote_id}/submit", response={200: QuoteOut, **ERRORS},
             summary="Send an approved version to the customer during negotiation")
def submit_quote(request: HttpRequest, quote_id: uuid.UUID):
    return quote_out(services.quote_submit(quote=_quote(request, quote_id), actor=request.user))


@router.post("/quotes/{quote_id}/withdraw", response={200: QuoteOut, **ERRORS}, summary="Withdraw a version")
def withdraw_quote(request: HttpRequest, quote_id: uuid.UUID, payload: OpportunityReasonIn):
    return quote_out(services.quote_withdraw(quote=_quote(request, quote_id), actor=request.user, reason=payload.reason))


@router.get("/quotes/{quote_id}/pdf", response={200: bytes, **ERRORS}, summary="The quote as a PDF (zh-hans or en)",
            openapi_extra={"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}})
def quote_pdf(request: HttpRequest, quote_id: uuid.UUID, lang: str = Query("zh-hans", pattern="^(zh-hans|en)$")):
    quote = _quote(request, quote_id)
    response = HttpResponse(pdf.render(quote, lang), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.filename(quote, lang)}"'
    return response


@router.get("/opportunities/{opportunity_id}/bids", response={200: list[BidOut], **ERRORS}, summary="Tenders")
def list_bids(request: HttpRequest, opportunity_id: uuid.UUID):
    return [bid_out(b) for b in _opp(request, opportunity_id).bids.all()]


@router.post("/opportunities/{opportunity_id}/bids", response={201: BidOut, **ERRORS},
             summary="Record an RFP or tender with its deadline")
def record_bid(request: HttpRequest, opportunity_id: uuid.UUID, payload: BidIn):
    bid = services.bid_record(opportunity=_opp(request, opportunity_id), actor=request.user,
                              rfp_received_on=payload.rfp_received_on, deadline=payload.deadline,
                              reference=payload.reference, notes=payload.notes)
    return Status(201, bid_out(bid))


@router.post("/bids/{bid_id}/submit", response={200: BidOut, **ERRORS},
             summary="Submit the bid with an approved quote (needs ATB GO, before the deadline)")
def submit_bid(request: HttpRequest, bid_id: uuid.UUID, payload: BidSubmitIn):
    bid = selectors.bid_get(user=request.user, bid_id=bid_id)
    quote = bid.opportunity.quotes.filter(pk=payload.quote).first()
    if quote is None:
        raise ValidationFailed(_("Unknown quote of this opportunity."), field="quote")
    return bid_out(services.bid_submit(bid=bid, actor=request.user, quote=quote))


# --- reports, board, inbox --------------------------------------------------------------------------


class ReportFilters(Schema):
    region: str | None = Field(None, max_length=64)
    offering_line: str | None = Field(None, max_length=64)
    owner: str | None = Field(None, max_length=150)
    sign_from: dt.date | None = None
    sign_to: dt.date | None = None
    mine: bool = False

    def to_filters(self) -> Filters:
        return Filters(**self.model_dump())


@router.get("/reports/pipeline", response={200: PipelineOut, **ERRORS},
            summary="Pipeline and weighted pipeline in the reporting currency, grouped")
def pipeline_report(request: HttpRequest, filters: Query[ReportFilters],
                    group_by: str = Query("region,stage", max_length=100,
                                          description="Comma-separated: region, stage, offering_line, "
                                                      "forecast_category, grade, month, quarter")):
    _not_partner(request)
    dims = [d.strip() for d in group_by.split(",") if d.strip()]
    unknown = [d for d in dims if d not in selectors.GROUPINGS]
    if unknown:
        raise ValidationFailed(_("Unknown grouping: %(v)s") % {"v": ", ".join(unknown)}, field="group_by")
    report = selectors.pipeline_report(user=request.user, group_by=dims, filters=filters.to_filters())
    return {
        "group_by": report["group_by"], "reporting_currency": report["reporting_currency"], "rates_on": report["rates_on"],
        "rows": [{"keys": {d: r[d] for d in report["group_by"]}, "labels": {d: str(r[f"{d}_label"]) for d in report["group_by"]},
                  "count": r["count"], "amount": r["amount"].quantize(Decimal("0.01")),
                  "weighted": r["weighted"].quantize(Decimal("0.01")), "unconverted": r["unconverted"]}
                 for r in report["rows"]],
        "total_amount": report["total"].amount.quantize(Decimal("0.01")),
        "total_weighted": report["total"].weighted.quantize(Decimal("0.01")), "total_count": report["total"].count,
        "unconverted": report["total"].unconverted,
    }


@router.get("/reports/forecast", response={200: ForecastOut, **ERRORS},
            summary="Forecast categories per period (pipeline, best case, commit, closed)")
def forecast_report(request: HttpRequest, filters: Query[ReportFilters],
                    grain: str = Query("quarter", pattern="^(month|quarter)$")):
    _not_partner(request)
    report = selectors.forecast_report(user=request.user, grain=grain, filters=filters.to_filters())
    return {"grain": report["grain"], "reporting_currency": report["reporting_currency"], "rows": report["rows"]}


@router.get("/reports/win-loss", response={200: WinLossOut, **ERRORS}, summary="Win/loss by offering line")
def win_loss_report(request: HttpRequest, filters: Query[ReportFilters]):
    _not_partner(request)
    report = selectors.win_loss_report(user=request.user, filters=filters.to_filters())
    return {"reporting_currency": report["reporting_currency"],
            "rows": [{k: (str(v) if k == "offering_line" else v) for k, v in r.items() if k != "offering_line_id"}
                     for r in report["rows"]]}


@router.get("/pipeline/board", response={200: BoardOut, **ERRORS}, summary="The first page of the pipeline board")
def board(request: HttpRequest, filters: Query[ReportFilters], per_column: int = Query(20, ge=1, le=100)):
    data = selectors.board(user=request.user, filters=filters.to_filters(), per_column=per_column)
    return {"reporting_currency": data["reporting_currency"],
            "columns": [{"stage": c.stage, "label": c.label, "count": c.count, "amount": c.amount.quantize(Decimal("0.01")),
                         "weighted": c.weighted.quantize(Decimal("0.01")),
                         "cards": [{"id": o.pk, "name": o.name, "customer": o.customer.legal_name,
                                    "amount": money_out(o.amount, o.currency), "grade": o.grade, "owner": str(o.owner),
                                    "expected_sign_date": o.expected_sign_date, "probability": o.probability}
                                   for o in c.cards]}
                        for c in data["columns"]]}


def _inbox_review(r: GateReview) -> dict[str, Any]:
    return {"id": r.pk, "gate_type": r.gate_type, "opportunity": r.opportunity.name if r.opportunity_id else "",
            "opportunity_id": r.opportunity_id, "status": r.status, "required_level": r.required_level,
            "requested_by": str(r.requested_by), "url": f"/opportunities/reviews/{r.pk}/"}


@router.get("/approvals/inbox", response={200: InboxOut, **ERRORS},
            summary="What waits for you: reviews to decide, discounts to approve, conditions to close")
def approvals_inbox(request: HttpRequest):
    data = selectors.inbox(user=request.user)
    return {
        "reviews": [_inbox_review(r) for r in data["reviews"]],
        "unassigned": [_inbox_review(r) for r in data["unassigned"]],
        "quotes": [{"id": q.pk, "opportunity": q.opportunity.name, "version": q.number, "discount_pct": q.discount_pct,
                    "required_level": q.required_level, "total_net": money_out(q.total_net, q.currency),
                    "url": f"/opportunities/quotes/{q.pk}/"} for q in data["quotes"]],
        "conditions": [condition_out(c) for c in data["conditions"]],
    }

