"""Drive a deal through the real services, step by step, as the scenarios of domain.md 13 do."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from m2c.opportunities import services
from m2c.opportunities.models import AnswerType, GateReview, Opportunity
from m2c.opportunities.states import TeamRole

from .factories import opportunity

NUMBERS = {"win_probability": "60", "retention_pct": "10", "credit_used": "1000000", "presales_budget": "200000"}


def answer_all(review: GateReview, actor: Any, **overrides: Any) -> GateReview:
    answers: dict[str, Any] = {}
    for item in review.checklist.items.all():
        if item.answer_type == AnswerType.YES_NO:
            answers[item.code] = True
        elif item.answer_type == AnswerType.NUMBER:
            answers[item.code] = NUMBERS.get(item.code, "1")
        elif item.answer_type == AnswerType.TEXT and item.mandatory:
            answers[item.code] = "确认 confirmed"
    answers.update(overrides)
    return services.gate_review_update(review=review, actor=actor, answers=answers)


def prepare(opp: Opportunity, gate: str, actor: Any, *, answers: dict[str, Any] | None = None, **facts: Any) -> GateReview:
    review = services.gate_review_create(opportunity=opp, actor=actor, gate_type=gate, summary=f"{gate} for {opp.name}")
    if facts:
        review = services.gate_review_update(review=review, actor=actor, **facts)
    return answer_all(review, actor, **(answers or {}))


def submit(opp: Opportunity, gate: str, actor: Any, **kwargs: Any) -> GateReview:
    return services.gate_review_submit(review=prepare(opp, gate, actor, **kwargs), actor=actor)


def decide(review: GateReview, decider: Any, decision: str = "GO", **kwargs: Any) -> GateReview:
    if decision in ("HOLD", "NO_GO"):
        kwargs.setdefault("rationale", "see minutes")
    return services.gate_decide(review=review, actor=decider, decision=decision, **kwargs)


def new_deal(deal: Any, **kwargs: Any) -> Opportunity:
    kwargs.setdefault("customer", deal.customer)
    kwargs.setdefault("lines", [deal.lines.campus])
    kwargs.setdefault("priority_type", "competitive")
    return opportunity(owner=deal.ar, **kwargs)


def to_o2(deal: Any, **kwargs: Any) -> Opportunity:
    opp = new_deal(deal, **kwargs)
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.SR, user=deal.sr)
    review = submit(opp, "ATI", deal.ar, margin_pct="30")
    decide(review, deal.sdt_shanghai, "GO")
    return services.opportunity_advance(opportunity=opp, actor=deal.ar)


def quote(opp: Opportunity, deal: Any, *, actor: Any = None, quantity: str = "10000", discount: str = "0",
          approve: bool = True) -> Any:
    """One line of Wi-Fi 7 access points: 10,000 × 1,000 list = 10.0M net at no discount, cost 7.0M."""
    actor = actor or deal.sr
    q = services.quote_create(opportunity=opp, actor=actor, price_list=deal.price_list)
    services.quote_line_add(quote=q, actor=actor, product=deal.products.ap, quantity=quantity, discount_pct=discount,
                            site="北校区 North campus")
    if approve:
        q = services.quote_request_approval(quote=q, actor=actor)
    q.refresh_from_db()
    return q


def to_o3(deal: Any, **kwargs: Any) -> Opportunity:
    opp = to_o2(deal, **kwargs)
    services.bid_record(opportunity=opp, actor=deal.ar, rfp_received_on=timezone.localdate(), deadline=deal.deadline,
                        reference="SJU-2026-017")
    quote(opp, deal, approve=False)
    return services.opportunity_advance(opportunity=opp, actor=deal.ar)


def to_o4(deal: Any, *, floor: str = "9400000", **kwargs: Any) -> tuple[Opportunity, Any]:
    opp = to_o3(deal, **kwargs)
    q = quote(opp, deal)
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.FR, user=deal.fr)
    review = submit(opp, "ATB", deal.ar)
    decide(review, deal.sdt_shanghai, "GO", floor_price=Decimal(floor))
    bid = opp.bids.get()
    services.bid_submit(bid=bid, actor=deal.ar, quote=q)
    return services.opportunity_advance(opportunity=opp, actor=deal.ar), q
