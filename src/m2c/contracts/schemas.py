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
from .states import CertificateType, ContractStatus


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
