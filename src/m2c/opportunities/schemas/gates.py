"""Schemas and serialisers of gate reviews, their answers, decisions and conditions."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from m2c.core import fx
from m2c.core.schemas import (
    Amount,
    InSchema,
    MoneyOut,
    OutSchema,
    RefOut,
    UserRefOut,
    money_out,
    user_ref_out,
)

from ..models import (
    GateCondition,
    GateReview,
    PaymentTermDeviation,
)
from ..states import (
    ConditionBlocks,
    Decision,
)
from .common import Day, Text, _no_nul

AnswerValue = bool | int | Annotated[str, Field(max_length=5000), AfterValidator(_no_nul)] | None


class GateReviewCreateIn(InSchema):
    summary: Text = Field("", max_length=5000)


class GateReviewPatch(InSchema):
    summary: Text | None = Field(None, max_length=5000)
    quote: uuid.UUID | None = Field(None, description="The quote version under review (ATB, ATC)")
    margin_pct: Amount | None = None
    payment_term_deviation: PaymentTermDeviation | None = None
    non_standard_terms: bool | None = None
    new_country_or_offering: bool | None = None
    answers: dict[Annotated[str, Field(max_length=40)], AnswerValue] | None = Field(
        None, description="Checklist answers by item code: true/false, a number as a string, or text"
    )


class ConditionIn(InSchema):
    text: Text = Field(min_length=1, max_length=500)
    owner: Text = Field(min_length=1, max_length=150, description="Username or id")
    due_date: Day
    blocks: ConditionBlocks = ConditionBlocks.NEXT_GATE


class DecideIn(InSchema):
    decision: Decision
    rationale: Text = Field("", max_length=5000)
    conditions: list[ConditionIn] = Field(default_factory=list, max_length=30)
    rehearing_date: Day | None = Field(None, description="HOLD only: the re-review date")
    floor_price: Amount | None = Field(None, description="ATB approvals: the floor frozen when the deal enters O4")
    probability_override: Amount | None = Field(None, description="An SDT-approved win probability, 0–100")
    co_deciders: list[Annotated[str, Field(max_length=150)]] = Field(default_factory=list, max_length=20)


class GateReviewAssignIn(InSchema):
    decision_body: uuid.UUID


class AnswerOut(OutSchema):
    code: str
    section: str
    question: str
    answer_type: str
    mandatory: bool
    must_be_yes: bool
    value: Any = None
    display: str
    file_url: str | None
    answered_by: str | None


class ConditionOut(OutSchema):
    id: uuid.UUID
    review: uuid.UUID
    gate_type: str
    opportunity: uuid.UUID | None
    text: str
    owner: UserRefOut
    due_date: dt.date
    blocks: str
    status: str
    overdue: bool
    closed_at: dt.datetime | None
    closing_note: str


class LevelReasonOut(OutSchema):
    dimension: str
    rule: str
    value: str
    level: str


class GateReviewOut(OutSchema):
    id: uuid.UUID
    opportunity: uuid.UUID | None
    contract_id: uuid.UUID | None
    gate_type: str
    sequence: int
    status: str
    summary: str
    requested_by: UserRefOut
    quote: uuid.UUID | None
    bid: uuid.UUID | None
    value: MoneyOut
    value_reporting: MoneyOut
    margin_pct: Decimal | None
    discount_pct: Decimal | None
    payment_term_deviation: str
    non_standard_terms: bool
    new_country_or_offering: bool
    submitted_at: dt.datetime | None
    required_level: str
    level_reasons: list[LevelReasonOut]
    authority_rule_version: int | None
    decision_body: RefOut | None
    decision: str
    decided_at: dt.datetime | None
    decided_by: UserRefOut | None
    co_deciders: list[UserRefOut]
    rationale: str
    rehearing_date: dt.date | None
    floor_price: MoneyOut | None
    probability_override: Decimal | None
    answers: list[AnswerOut]
    conditions: list[ConditionOut]
    version: int
    url: str


class CloseConditionIn(InSchema):
    note: Text = Field(min_length=1, max_length=2000)


class WaiveConditionIn(InSchema):
    reason: Text = Field(min_length=1, max_length=2000)


# --- serialisers: rows to the dicts the ...Out schemas validate --------------------------------


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
