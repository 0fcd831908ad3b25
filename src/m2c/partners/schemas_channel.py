"""API schemas of special-price requests, MDF and incentives (enum class names unique across apps)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import Field

from m2c.core.schemas import Amount, InSchema, MoneyOut, OutSchema, RefOut, money_out, ref_out

from .models import IncentiveAccrual, IncentivePolicy, MdfApplication, MdfQuota, SpecialPriceRequest, TierType
from .reasons import reason_text
from .states_channel import AccrualStatus, IncentiveKind, MdfStatus, SpqStatus


def _texts(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Reasons with their text in the reader's language."""
    return [{"code": i.get("code", ""), "text": reason_text(i)} for i in items or []]


class SpqIn(InSchema):
    registration: uuid.UUID
    discounts: dict[int, Decimal] = Field(..., description="Quote line position → discount % asked")
    justification: str = Field(..., max_length=4000)
    override_reason: str = Field("", max_length=2000, description="Channel managers: skip the 15-day wait")


class SpqDecisionIn(InSchema):
    note: str = Field("", max_length=2000)


class SpqRejectIn(InSchema):
    reason: str = Field(..., max_length=2000)


class SpqOut(OutSchema):
    id: uuid.UUID
    number: str
    registration: RefOut
    partner: RefOut
    quote: uuid.UUID | None
    quote_version: int | None
    requested: list[dict[str, Any]]
    justification: str
    status: SpqStatus
    required_level: str
    override_reason: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str


def spq_out(s: SpecialPriceRequest) -> dict[str, Any]:
    reg = s.registration
    return {"id": s.pk, "number": s.number, "registration": ref_out(reg, reg.project_name),
            "partner": ref_out(reg.partner, reg.partner.legal_name), "quote": s.quote_id,
            "quote_version": s.quote.number if s.quote_id else None, "requested": s.requested,
            "justification": s.justification, "status": s.status, "required_level": s.required_level,
            "override_reason": s.override_reason, "submitted_at": s.submitted_at, "decided_at": s.decided_at,
            "decision_note": s.decision_note}


class MdfQuotaIn(InSchema):
    partner: uuid.UUID
    period_start: dt.date
    period_end: dt.date
    amount: Amount
    currency: str = Field("CNY", max_length=3)


class MdfQuotaOut(OutSchema):
    id: uuid.UUID
    partner: RefOut
    period_start: dt.date
    period_end: dt.date
    amount: MoneyOut


def quota_out(q: MdfQuota) -> dict[str, Any]:
    return {"id": q.pk, "partner": ref_out(q.partner, q.partner.legal_name), "period_start": q.period_start,
            "period_end": q.period_end, "amount": money_out(q.amount, q.currency)}


class MdfIn(InSchema):
    partner: uuid.UUID | None = None
    activity: str = Field(..., max_length=200)
    activity_date: dt.date
    budget: Amount
    currency: str = Field("CNY", max_length=3)
    objective_leads: int = Field(..., ge=0)
    objective_opportunities: int = Field(..., ge=0)
    late_reason: str = Field("", max_length=2000)


class MdfApproveIn(InSchema):
    amount: Amount | None = None
    note: str = Field("", max_length=2000)


class MdfReasonIn(InSchema):
    reason: str = Field(..., max_length=2000)


class MdfExecuteIn(InSchema):
    campaign: uuid.UUID


class MdfReimburseIn(InSchema):
    amount: Amount | None = None


class MdfClaimLineOut(OutSchema):
    id: uuid.UUID
    expense_type: str
    description: str
    amount: Decimal
    persons: int | None
    evidence_name: str
    eligible: bool
    eligible_amount: Decimal
    reasons: list[dict[str, str]]


class MdfOut(OutSchema):
    id: uuid.UUID
    number: str
    partner: RefOut
    activity: str
    activity_date: dt.date
    budget: MoneyOut
    objective_leads: int
    objective_opportunities: int
    late_reason: str
    status: MdfStatus
    approved_amount: MoneyOut | None
    campaign: RefOut | None
    claimed_amount: MoneyOut | None
    eligible_amount: MoneyOut | None
    reimbursed_amount: MoneyOut | None
    decision_note: str
    claim_lines: list[MdfClaimLineOut]


def mdf_out(a: MdfApplication) -> dict[str, Any]:
    c = a.currency
    return {"id": a.pk, "number": a.number, "partner": ref_out(a.partner, a.partner.legal_name),
            "activity": a.activity, "activity_date": a.activity_date, "budget": money_out(a.budget, c),
            "objective_leads": a.objective_leads, "objective_opportunities": a.objective_opportunities,
            "late_reason": a.late_reason, "status": a.status, "approved_amount": money_out(a.approved_amount, c),
            "campaign": ref_out(a.campaign), "claimed_amount": money_out(a.claimed_amount, c),
            "eligible_amount": money_out(a.eligible_amount, c), "reimbursed_amount": money_out(a.reimbursed_amount, c),
            "decision_note": a.decision_note,
            "claim_lines": [{"id": x.pk, "expense_type": x.expense_type, "description": x.description,
                             "amount": x.amount, "persons": x.persons, "evidence_name": x.evidence_name,
                             "eligible": x.eligible, "eligible_amount": x.eligible_amount,
                             "reasons": _texts(x.reasons)}
                            for x in a.claim_lines.all()]}


class PolicyIn(InSchema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=120)
    kind: IncentiveKind
    product_category: str = Field("", max_length=80)
    period_start: dt.date
    period_end: dt.date
    rate_pct: Decimal = Decimal(0)
    fixed: Amount = Decimal(0)
    threshold: Amount = Decimal(0)
    currency: str = Field("CNY", max_length=3)


class PolicyOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    kind: IncentiveKind
    product_category: str
    period_start: dt.date
    period_end: dt.date
    rate_pct: Decimal
    fixed: MoneyOut
    threshold: MoneyOut


def policy_out(p: IncentivePolicy) -> dict[str, Any]:
    return {"id": p.pk, "code": p.code, "name": p.name, "kind": p.kind, "product_category": p.product_category,
            "period_start": p.period_start, "period_end": p.period_end, "rate_pct": p.rate_pct,
            "fixed": money_out(p.fixed, p.currency), "threshold": money_out(p.threshold, p.currency)}


class AccrualIn(InSchema):
    policy: uuid.UUID
    partner: uuid.UUID
    contract: uuid.UUID
    # Empty: the contract's value in the policy's scope (its lines in the policy's product category, or all of it).
    base: Amount | None = None
    registration: uuid.UUID | None = None


class AccrualPayIn(InSchema):
    reference: str = Field(..., max_length=60)
    paid_on: dt.date | None = None


class AccrualOut(OutSchema):
    id: uuid.UUID
    number: str
    policy: RefOut
    partner: RefOut
    contract: RefOut
    base: MoneyOut
    collected_base: MoneyOut | None
    amount: MoneyOut
    status: AccrualStatus
    blockers: list[dict[str, str]]
    evaluated_at: dt.datetime | None
    paid_on: dt.date | None
    payment_reference: str


def accrual_out(a: IncentiveAccrual) -> dict[str, Any]:
    return {"id": a.pk, "number": a.number, "policy": ref_out(a.policy, a.policy.name),
            "partner": ref_out(a.partner, a.partner.legal_name),
            "contract": {"id": a.contract.pk, "code": getattr(a.contract, "number", ""), "name": str(a.contract)},
            "base": money_out(a.base, a.currency), "collected_base": money_out(a.collected_base, a.currency),
            "amount": money_out(a.amount, a.currency), "status": a.status,
            "blockers": _texts(a.blockers), "evaluated_at": a.evaluated_at, "paid_on": a.paid_on,
            "payment_reference": a.payment_reference}


class ChannelListIn(InSchema):
    status: str = ""
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class PerformancePeriod(StrEnum):
    THIS_QUARTER = "this_quarter"
    LAST_QUARTER = "last_quarter"
    THIS_YEAR = "this_year"
    LAST_4_QUARTERS = "last_4_quarters"


class PerformanceSort(StrEnum):
    BOOKINGS = "bookings"
    PIPELINE = "pipeline"
    CASH = "cash"
    CONVERSION = "conversion"
    NAME = "name"


class PartnerPerformanceIn(InSchema):
    period: PerformancePeriod = Field(PerformancePeriod.THIS_YEAR, description="The period compared")
    tier: TierType | None = Field(None, description="Only partners holding this tier (in ``category`` if given)")
    category: str = Field("", max_length=80, description="Only partners tiered in this product category")
    sort: PerformanceSort = Field(PerformanceSort.BOOKINGS, description="Row order, largest first (name: A–Z)")


class PerformanceTierOut(OutSchema):
    category: str
    tier: TierType


class PartnerFiguresOut(OutSchema):
    """One partner's (or the totals') figures of the period; amounts in the reporting currency."""

    pipeline: Decimal = Field(..., description="Open pipeline sourced in the period (registrations and leads)")
    pipeline_count: int
    bookings: Decimal = Field(..., description="Contracts signed in the period with the partner registered")
    bookings_count: int
    submitted: int
    approved: int
    converted: int
    won: int
    conversion_pct: Decimal | None = Field(..., description="Registrations won / approved × 100")
    cash: Decimal = Field(..., description="Cash applied in the period to its contracts' invoices")
    mdf_reimbursed: Decimal
    mdf_pipeline: Decimal = Field(..., description="Open pipeline the campaigns of its MDF activities sourced")
    mdf_bookings: Decimal = Field(..., description="Bookings the campaigns of its MDF activities sourced")
    mdf_roi_pipeline: Decimal | None = Field(..., description="mdf_pipeline / mdf_reimbursed")
    mdf_roi_bookings: Decimal | None = Field(..., description="mdf_bookings / mdf_reimbursed")
    accrued: Decimal
    paid: Decimal


class PartnerPerformanceRowOut(PartnerFiguresOut):
    partner: RefOut
    code: str
    status: str
    tiers: list[PerformanceTierOut]


class PartnerPerformanceOut(OutSchema):
    period: PerformancePeriod
    start: dt.date
    end: dt.date
    as_of: dt.date
    currency: str
    rows: list[PartnerPerformanceRowOut]
    totals: PartnerFiguresOut
    all_bookings: Decimal = Field(..., description="Every contract signed in the period")
    share_pct: Decimal | None = Field(..., description="Partner-sourced revenue share: partner bookings / all × 100")


_FIGURES = tuple(PartnerFiguresOut.model_fields)


def partner_performance_out(data: dict[str, Any]) -> dict[str, Any]:
    rows = [{**{k: r[k] for k in _FIGURES}, "partner": ref_out(r["partner"], r["name"]), "code": r["code"],
             "status": r["status"], "tiers": [{"category": t["category"], "tier": t["tier"]} for t in r["tiers"]]}
            for r in data["rows"]]
    return {"period": data["period"], "start": data["start"], "end": data["end"], "as_of": data["as_of"],
            "currency": data["currency"], "rows": rows, "totals": {k: data["totals"][k] for k in _FIGURES},
            "all_bookings": data["all_bookings"], "share_pct": data["share_pct"]}
