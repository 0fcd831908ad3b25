"""API schemas of the partners app: partners, certifications, staff, deal registrations and lead offers.

Outputs are plain dicts built by the ``*_out`` functions. A partner user never reads who holds a
registration's key: ``registration_out(…, manager=False)`` leaves ``conflict_with`` out and gives the
neutral refusal."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from pydantic import Field

from m2c.core.schemas import Amount, InSchema, MoneyOut, OutSchema, RefOut, money_out, ref_out

from .models import DealRegistration, LeadOffer, Partner, PartnerCertification, PartnerStaff, TierType
from .states import CertificationStatus, OfferStatus, PartnerStatus, RegistrationStatus


class PartnerTierOut(OutSchema):
    product_category: str
    tier: TierType
    level: int


class PartnerOut(OutSchema):
    id: uuid.UUID
    code: str
    legal_name: str
    status: PartnerStatus
    supplier: RefOut | None
    blacklist_until: dt.date | None
    tiers: list[PartnerTierOut]


class PartnerIn(InSchema):
    code: str = Field(..., max_length=40)
    legal_name: str = Field(..., max_length=255)
    credit_code: str = Field("", max_length=18)
    supplier: uuid.UUID | None = None
    tiers: dict[str, TierType] = Field(default_factory=dict, description="product category → tier")


class PartnerReasonIn(InSchema):
    reason: str = Field(..., max_length=2000)


class BlacklistIn(PartnerReasonIn):
    days: int = Field(180, ge=1, le=36500)
    permanent: bool = False


class PartnerFilterIn(InSchema):
    status: PartnerStatus | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


def _partner_ref(p: Partner | None) -> dict[str, Any] | None:
    return ref_out(p, p.legal_name) if p else None


def partner_out(p: Partner) -> dict[str, Any]:
    return {"id": p.pk, "code": p.code, "legal_name": p.legal_name, "status": p.status,
            "supplier": _partner_ref(p.supplier), "blacklist_until": p.blacklist_until,
            "tiers": [{"product_category": t.product_category, "tier": t.tier, "level": t.level}
                      for t in p.tiers.all()]}


class CertificationApplyIn(InSchema):
    product_category: str = Field(..., min_length=1, max_length=80)
    level: str = Field("", max_length=24)
    valid_from: dt.date
    valid_to: dt.date


class CertificationRenewIn(InSchema):
    valid_to: dt.date


class PartnerCertificationOut(OutSchema):
    id: uuid.UUID
    partner: RefOut
    product_category: str
    level: str
    status: CertificationStatus
    valid_from: dt.date
    valid_to: dt.date
    expert_missing_since: dt.date | None


def certification_out(c: PartnerCertification) -> dict[str, Any]:
    return {"id": c.pk, "partner": _partner_ref(c.partner), "product_category": c.product_category,
            "level": c.level, "status": c.status, "valid_from": c.valid_from, "valid_to": c.valid_to,
            "expert_missing_since": c.expert_missing_since}


class IndividualCertificateOut(OutSchema):
    id: uuid.UUID
    product_category: str
    role: str
    valid_from: dt.date
    valid_to: dt.date
    source: str


class PartnerStaffOut(OutSchema):
    id: uuid.UUID
    name: str
    left_on: dt.date | None
    certificates: list[IndividualCertificateOut]


def staff_out(s: PartnerStaff) -> dict[str, Any]:
    return {"id": s.pk, "name": s.name, "left_on": s.left_on,
            "certificates": [{"id": c.pk, "product_category": c.product_category, "role": c.role,
                              "valid_from": c.valid_from, "valid_to": c.valid_to, "source": c.source}
                             for c in s.certificates.all()]}


class RegistrationIn(InSchema):
    partner: uuid.UUID | None = Field(None, description="Defaults to the partner user's own partner")
    customer_name: str = Field(..., max_length=255)
    credit_code: str = Field("", max_length=18)
    customer_domain: str = Field("", max_length=120)
    project_name: str = Field(..., max_length=200)
    offering_line: str = Field(..., max_length=40, description="Offering line code")
    budget: Amount
    currency: str = Field("CNY", min_length=3, max_length=3)
    decision_chain: str = Field(..., max_length=4000)
    implementation_date: dt.date


class RegistrationFilterIn(InSchema):
    status: RegistrationStatus | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class ApproveIn(InSchema):
    override_reason: str = Field("", max_length=2000)


class RegistrationReasonIn(InSchema):
    reason: str = Field(..., max_length=2000)


class ExtendIn(InSchema):
    evidence: str = Field(..., max_length=4000)


class RegistrationOut(OutSchema):
    id: uuid.UUID
    number: str
    partner: RefOut
    customer_name: str
    customer: RefOut | None
    project_name: str
    offering_line: RefOut
    budget: MoneyOut
    decision_chain: str
    implementation_date: dt.date
    status: RegistrationStatus
    submitted_at: dt.datetime
    approved_at: dt.datetime | None
    protected_until: dt.date | None
    extension_used: bool
    refusal: str = Field("", description="Why it was rejected, as the partner reads it")
    conflict_with: RefOut | None = Field(None, description="The holder of the key: channel managers only")
    override_reason: str
    opportunity: uuid.UUID | None


def registration_out(r: DealRegistration, *, manager: bool) -> dict[str, Any]:
    from .services import registration_refusal

    holder = r.conflict_with if manager else None
    return {
        "id": r.pk, "number": r.number, "partner": _partner_ref(r.partner), "customer_name": r.customer_name,
        "customer": ref_out(r.customer, r.customer.legal_name) if r.customer_id else None,
        "project_name": r.project_name, "offering_line": ref_out(r.offering_line),
        "budget": money_out(r.budget, r.currency), "decision_chain": r.decision_chain,
        "implementation_date": r.implementation_date, "status": r.status, "submitted_at": r.submitted_at,
        "approved_at": r.approved_at, "protected_until": r.protected_until, "extension_used": r.extension_used,
        "refusal": (str(r.get_rejection_display()) if manager and r.rejection else registration_refusal(r)),
        "conflict_with": ref_out(holder, f"{holder.partner.legal_name} {holder.number}") if holder else None,
        "override_reason": r.override_reason if manager else "",
        "opportunity": r.opportunity_id,
    }


class OfferOut(OutSchema):
    id: int
    partner: RefOut
    lead: uuid.UUID
    lead_title: str
    status: OfferStatus
    offered_at: dt.datetime
    due_at: dt.datetime


class OfferIn(InSchema):
    lead: uuid.UUID
    partner: uuid.UUID


class OfferReturnIn(InSchema):
    reason: str = Field(..., max_length=2000)


def offer_out(o: LeadOffer) -> dict[str, Any]:
    return {"id": o.pk, "partner": _partner_ref(o.partner), "lead": o.lead_id, "lead_title": o.lead.title,
            "status": o.status, "offered_at": o.offered_at, "due_at": o.due_at}


class PerformanceOut(OutSchema):
    """A partner's last four quarters (oldest first), amounts in the reporting currency ``currency``."""

    currency: str
    periods: list[str]
    registrations: dict[str, list[int]]  # state → registrations submitted per quarter
    won: list[Decimal]
    cash: list[Decimal]
    accrued: list[Decimal]
    paid: list[Decimal]
    mdf_quota: list[Decimal]
    mdf_used: list[Decimal]
    # Over the four quarters (as the channel view, ``/partner-performance``): registrations submitted in them
    # that were approved and won, conversion = won / approved × 100; MDF reimbursed on activities held in them
    # and what their campaigns brought, ROI on pipeline and on bookings (None: nothing reimbursed).
    registrations_approved: int
    registrations_won: int
    conversion_pct: Decimal | None
    mdf_reimbursed: Decimal
    mdf_pipeline: Decimal
    mdf_bookings: Decimal
    mdf_roi_pipeline: Decimal | None
    mdf_roi_bookings: Decimal | None


class CoverageOut(OutSchema):
    category: str
    counts: dict[str, int]
