"""API schemas of the contracts app (names prefixed ``Contract…`` to stay unique in the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from m2c.core.schemas import (
    Amount,
    InSchema,
    MoneyOut,
    OutSchema,
    RefOut,
    UserRefOut,
    money_out,
    ref_out,
    user_ref_out,
)

from .models import AcceptanceCertificate, Contract, PurchaseOrder, Shipment, Site
from .states import CertificateType, ChangeKind, ChangeStatus, ContractStatus


class ContractFilterIn(InSchema):
    search: str | None = Field(None, max_length=100)
    status: ContractStatus | None = None
    customer: uuid.UUID | None = None
    owner: uuid.UUID | None = None
    signed_from: dt.date | None = None
    signed_to: dt.date | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class ContractSiteOut(OutSchema):
    id: uuid.UUID
    name: str
    location: str
    share_pct: Decimal
    value: MoneyOut


class ContractLineOut(OutSchema):
    id: uuid.UUID
    position: int
    description: str
    site: str | None
    quantity: Decimal
    unit_price: MoneyOut
    amount: MoneyOut


class ContractVersionOut(OutSchema):
    number: int
    effective_at: dt.datetime
    reason: str
    total_value: MoneyOut
    snapshot: dict[str, Any]


class ContractOut(OutSchema):
    id: uuid.UUID
    number: str
    title: str
    status: ContractStatus
    customer: RefOut
    opportunity: uuid.UUID | None
    campaign: RefOut | None
    registered_partner_id: uuid.UUID | None = None
    owner: UserRefOut | None
    currency: str
    total_value: MoneyOut
    margin_pct: Decimal | None
    signed_on: dt.date | None
    payment_terms: str
    retention_pct: Decimal | None
    terms: dict[str, Any]
    current_version: int
    version: int
    allowed_moves: list[str]


class ContractDetailOut(ContractOut):
    sites: list[ContractSiteOut]
    lines: list[ContractLineOut]
    versions: list[ContractVersionOut]
    delivery_project: dict[str, Any] | None
    acceptance: dict[str, Decimal]


class ContractReasonIn(InSchema):
    reason: str = Field(..., min_length=1, max_length=2000)


class ContractHandoverIn(InSchema):
    pm: str = Field(..., min_length=1, max_length=150, description="username or id of the project manager")
    handover_on: dt.date | None = None
    baseline_plan: str = Field("", max_length=5000)
    notes: str = Field("", max_length=5000)


class ContractSiteIn(InSchema):
    name: str = Field(..., min_length=1, max_length=120)
    share_pct: Amount
    location: str = Field("", max_length=200)


class ContractPurchaseOrderOut(OutSchema):
    id: uuid.UUID
    number: str
    issued_on: dt.date
    amount: MoneyOut
    status: str
    has_file: bool


class ContractShipmentIn(InSchema):
    description: str = Field(..., min_length=1, max_length=300)
    shipped_on: dt.date
    delivered_on: dt.date | None = None
    site: uuid.UUID | None = None


class ContractShipmentOut(OutSchema):
    id: uuid.UUID
    site: str | None
    description: str
    shipped_on: dt.date
    delivered_on: dt.date | None
    has_file: bool


class ContractCertificateOut(OutSchema):
    id: uuid.UUID
    type: CertificateType
    sites: list[str]
    whole_contract: bool
    signed_on: dt.date
    signatory: str
    value_covered: MoneyOut
    has_file: bool


class ContractReviewIn(InSchema):
    gate: Literal["ATAC", "ATCC"]
    delta: Amount | None = None
    summary: str = Field("", max_length=5000)


class ContractReviewOut(OutSchema):
    id: uuid.UUID
    gate_type: str
    status: str
    decision: str


class CreditExposureOut(OutSchema):
    currency: str
    on: dt.date
    limit: Decimal
    hold: bool
    open_receivables: Decimal
    unbilled: Decimal
    deal: Decimal
    used: Decimal
    available: Decimal


def contract_out(c: Contract) -> dict[str, Any]:
    from .states import CONTRACT_MACHINE

    return {
        "id": c.pk, "number": c.number, "title": c.title, "status": c.status,
        "customer": ref_out(c.customer, c.customer.legal_name), "opportunity": c.opportunity_id,
        "campaign": ref_out(c.campaign, c.campaign.name) if c.campaign_id else None,
        "registered_partner_id": c.registered_partner_id,
        "owner": user_ref_out(c.owner), "currency": c.currency, "total_value": money_out(c.total_value, c.currency),
        "margin_pct": c.margin_pct, "signed_on": c.signed_on, "payment_terms": c.payment_terms,
        "retention_pct": c.retention_pct, "terms": c.terms, "current_version": c.current_version, "version": c.version,
        "allowed_moves": CONTRACT_MACHINE.targets(c.status),
    }


def site_out(c: Contract, s: Site) -> dict[str, Any]:
    value = (c.total_value * s.share_pct / Decimal(100)).quantize(Decimal("0.01"))
    return {"id": s.pk, "name": s.name, "location": s.location, "share_pct": s.share_pct,
            "value": money_out(value, c.currency)}


def contract_detail_out(c: Contract) -> dict[str, Any]:
    from .selectors import acceptance_coverage

    project = getattr(c, "delivery_project", None) if hasattr(c, "delivery_project") else None
    return {
        **contract_out(c),
        "sites": [site_out(c, s) for s in c.sites.all()],
        "lines": [{"id": line.pk, "position": line.position, "description": line.description,
                   "site": line.site.name if line.site_id else None, "quantity": line.quantity,
                   "unit_price": money_out(line.unit_price, c.currency), "amount": money_out(line.amount, c.currency)}
                  for line in c.lines.select_related("site")],
        "versions": [{"number": v.number, "effective_at": v.effective_at, "reason": v.reason,
                      "total_value": money_out(v.total_value, v.currency), "snapshot": v.snapshot}
                     for v in c.versions.all()],
        "delivery_project": {"pm": str(project.pm), "handover_on": str(project.handover_on),
                             "baseline_plan": project.baseline_plan} if project else None,
        "acceptance": {k: Decimal(v) for k, v in acceptance_coverage(c).items()},
    }


def purchase_order_out(po: PurchaseOrder) -> dict[str, Any]:
    return {"id": po.pk, "number": po.number, "issued_on": po.issued_on, "amount": money_out(po.amount, po.currency),
            "status": po.status, "has_file": bool(po.file)}


def shipment_out(s: Shipment) -> dict[str, Any]:
    return {"id": s.pk, "site": s.site.name if s.site_id else None, "description": s.description,
            "shipped_on": s.shipped_on, "delivered_on": s.delivered_on, "has_file": bool(s.delivery_note)}


def certificate_out(c: AcceptanceCertificate, currency: str) -> dict[str, Any]:
    return {"id": c.pk, "type": c.type, "sites": [s.name for s in c.sites.all()], "whole_contract": c.whole_contract,
            "signed_on": c.signed_on, "signatory": c.signatory, "value_covered": money_out(c.value_covered, currency),
            "has_file": bool(c.evidence)}


# --- changes and closure (domain.md 6.4, 6.6) ---------------------------------------------------------


class ContractChangeLineIn(InSchema):
    description: str = Field(..., max_length=300)
    site: str = Field("", max_length=120, description="an existing site's name, or a new site to add")
    quantity: Amount = Decimal(1)
    unit_price: Amount
    unit_cost: Amount = Decimal(0)


class ContractChangeIn(InSchema):
    kind: ChangeKind
    reason: str = Field(..., max_length=5000)
    lines: list[ContractChangeLineIn] = Field(default_factory=list, max_length=200)
    schedule_days: int = Field(0, ge=-3650, le=3650)
    effective_on: dt.date | None = Field(None, description="the date the amendment is signed (default: approval)")


class ContractChangeDecisionIn(InSchema):
    note: str = Field("", max_length=2000)
    effective_on: dt.date | None = None


class ContractChangeOut(OutSchema):
    id: uuid.UUID
    number: str
    contract: uuid.UUID
    kind: ChangeKind
    reason: str
    status: ChangeStatus
    delta_value: MoneyOut
    delta_pct: Decimal
    schedule_days: int
    lines: list[dict[str, Any]]
    needs_atac: bool
    review: uuid.UUID | None
    requested_by: UserRefOut | None
    decided_by: UserRefOut | None
    decision_note: str
    effective_on: dt.date | None
    contract_version: int | None
    allowed_moves: list[str]


class ContractEvaluationIn(InSchema):
    actual_cost: Amount
    post_mortem: str = Field(..., max_length=20000)


class ContractClosureCheckOut(OutSchema):
    code: str
    label: str
    ok: bool
    detail: str


class ContractEvaluationOut(OutSchema):
    currency: str
    actual_cost: MoneyOut
    revenue: MoneyOut
    collected: MoneyOut
    margin_atb_pct: Decimal | None
    margin_actual_pct: Decimal | None
    erosion_pts: Decimal | None
    days_to_90pct_collected: int | None
    change_count: int
    post_mortem: str
    final: bool


class ContractClosureOut(OutSchema):
    checks: list[ContractClosureCheckOut]
    evaluation: ContractEvaluationOut | None


def change_out(change: Any) -> dict[str, Any]:
    from .states import CHANGE_MACHINE

    return {
        "id": change.pk, "number": change.number, "contract": change.contract_id, "kind": change.kind,
        "reason": change.reason, "status": change.status, "delta_value": money_out(change.delta_value, change.currency),
        "delta_pct": change.delta_pct, "schedule_days": change.schedule_days,
        "lines": (change.proposal or {}).get("lines", []), "needs_atac": change.needs_atac,
        "review": change.review_id, "requested_by": user_ref_out(change.requested_by),
        "decided_by": user_ref_out(change.decided_by), "decision_note": change.decision_note,
        "effective_on": change.effective_on,
        "contract_version": change.contract_version.number if change.contract_version_id else None,
        "allowed_moves": CHANGE_MACHINE.targets(change.status),
    }


def evaluation_out(ev: Any) -> dict[str, Any] | None:
    if ev is None:
        return None
    return {
        "currency": ev.currency, "actual_cost": money_out(ev.actual_cost, ev.currency),
        "revenue": money_out(ev.revenue, ev.currency), "collected": money_out(ev.collected, ev.currency),
        "margin_atb_pct": ev.margin_atb_pct, "margin_actual_pct": ev.margin_actual_pct, "erosion_pts": ev.erosion_pts,
        "days_to_90pct_collected": ev.days_to_90pct_collected, "change_count": ev.change_count,
        "post_mortem": ev.post_mortem, "final": ev.final,
    }
