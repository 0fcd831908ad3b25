"""Reads the contracts app takes from a won deal: the approved quote version, its lines, the ATC terms,
and the gate reviews held on a contract. Other apps read opportunities only through these."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..models import GateReview, Opportunity, Quote
from ..states import ReviewStatus

# ATC checklist answers that are the payment terms agreed at ATC.
TERM_CODES = ("payment_terms", "retention_pct", "acceptance_objective", "contract_version", "credit_mitigation")


@dataclass
class WonDeal:
    opportunity: Opportunity
    quote: Quote | None
    atc_review: GateReview | None
    lines: list[dict[str, Any]] = field(default_factory=list)
    terms: dict[str, Any] = field(default_factory=dict)
    retention_pct: Decimal | None = None


def won_deal(*, opportunity_id: Any, quote_id: Any = None, atc_review_id: Any = None) -> WonDeal:
    """The won opportunity with the quote version and ATC review named by its ``won`` event."""
    opp = Opportunity.objects.select_related("customer", "owner", "org_unit", "source_campaign").get(pk=opportunity_id)
    quote = Quote.objects.filter(pk=quote_id, opportunity=opp).first() if quote_id else None
    review = GateReview.objects.filter(pk=atc_review_id, opportunity=opp).first() if atc_review_id else None
    lines = []
    if quote is not None:
        for line in quote.lines.all().order_by("position"):
            lines.append({"position": line.position, "description": line.description, "site": line.site,
                          "quantity": line.quantity, "unit_price": line.unit_net_price, "amount": line.net_amount,
                          "unit_cost": line.unit_cost})
    terms: dict[str, Any] = {}
    retention = None
    if review is not None:
        # Texts and numbers as written; yes/no checks are the ATC review's record, not contract terms
        # (and a label would freeze in the language of whoever won the deal).
        for answer in review.answers.filter(code__in=TERM_CODES).exclude(answer_type="yes_no"):
            if answer.code == "retention_pct":
                retention = answer.value_number
            elif answer.is_answered:
                terms[answer.code] = answer.value_text or (f"{answer.value_number.normalize():f}"
                                                           if answer.value_number is not None else "")
    if quote is not None and quote.payment_terms:
        terms["quote_payment_terms"] = quote.payment_terms
    return WonDeal(opportunity=opp, quote=quote, atc_review=review, lines=lines, terms=terms, retention_pct=retention)


def latest_contract_review(*, contract_id: uuid.UUID, gate_type: str) -> GateReview | None:
    """The latest DECIDED review of ``gate_type`` held on a contract."""
    return (GateReview.objects.filter(contract_id=contract_id, gate_type=gate_type, status=ReviewStatus.DECIDED)
            .order_by("-decided_at", "-sequence").first())


def contract_reviews(*, contract_id: uuid.UUID) -> list[GateReview]:
    """Every gate review held on a contract, newest first."""
    return list(GateReview.objects.filter(contract_id=contract_id).order_by("-created_at"))


def contract_review_get(*, review_id: Any) -> GateReview | None:
    return GateReview.objects.filter(pk=review_id).first()


def closure_facts(*, opportunity_id: Any) -> dict[str, Any]:
    """What a contract's closure (ATCC, domain.md 6.6) reads from its deal: the margin decided at ATB and
    how many risks of the register are not closed yet."""
    from ..states import RiskStatus

    atb = (GateReview.objects.filter(opportunity_id=opportunity_id, gate_type="ATB", status=ReviewStatus.DECIDED,
                                     contract_id__isnull=True)
           .order_by("-decided_at", "-sequence").first())
    opp = Opportunity.objects.filter(pk=opportunity_id).first()
    open_risks = opp.risks.exclude(status=RiskStatus.CLOSED).count() if opp is not None else 0
    return {"atb_margin_pct": atb.margin_pct if atb is not None else None, "open_risks": open_risks}
