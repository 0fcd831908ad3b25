"""The partners API under /api/v1: partners with their recruitment commands, certifications and staff, deal
registrations with explicit commands (approve, reject, extend, convert, cancel), leads offered to partners,
and the certification coverage.

Partner users see and act on their own partner only (``selectors``); the channel manager's fields (who holds
a conflicting registration, override reasons) are left out of what they read."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from m2c.core import events as core_events
from m2c.core.errors import BadRequest, NotFound, PermissionDenied, ValidationFailed
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, EventOut, Page
from m2c.core.selectors import offering_line_list
from m2c.leads import selectors as lead_selectors

from . import selectors, services
from .models import DealRegistration, LeadOffer, Partner
from .schemas import (
    ApproveIn,
    BlacklistIn,
    CertificationApplyIn,
    CertificationRenewIn,
    CoverageOut,
    ExtendIn,
    OfferIn,
    OfferOut,
    OfferReturnIn,
    PartnerCertificationOut,
    PartnerFilterIn,
    PartnerIn,
    PartnerOut,
    PartnerReasonIn,
    PartnerStaffOut,
    PerformanceOut,
    RegistrationFilterIn,
    RegistrationIn,
    RegistrationOut,
    RegistrationReasonIn,
    certification_out,
    offer_out,
    partner_out,
    registration_out,
    staff_out,
)

router = Router(tags=["partners"])


def _partner(request: HttpRequest, partner_id: uuid.UUID) -> Partner:
    found = selectors.partner_get(user=request.user, partner_id=partner_id)
    if found is None:
        raise NotFound()
    return found


def _registration(request: HttpRequest, registration_id: uuid.UUID) -> DealRegistration:
    found = selectors.registration_get(user=request.user, registration_id=registration_id)
    if found is None:
        raise NotFound()
    return found


def _manager(request: HttpRequest) -> bool:
    return not selectors.is_partner_user(request.user)


def _reg_out(request: HttpRequest, reg: DealRegistration) -> dict[str, Any]:
    fresh = selectors.registration_queryset(request.user).select_related("conflict_with__partner").get(pk=reg.pk)
    return registration_out(fresh, manager=_manager(request))


# --- partners ---------------------------------------------------------------------------------------------


@router.get("/partners", response={200: Page[PartnerOut], **ERRORS}, summary="List partners")
def list_partners(request: HttpRequest, filters: Query[PartnerFilterIn]):
    qs = selectors.partner_queryset(request.user).select_related("supplier").prefetch_related("tiers")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=partner_out)


@router.post("/partners", response={201: PartnerOut, **ERRORS}, summary="Recruit a partner (PROSPECT)")
def create_partner(request: HttpRequest, payload: PartnerIn):
    supplier = None
    if payload.supplier:
        supplier = selectors.partner_get(user=request.user, partner_id=payload.supplier)
        if supplier is None:
            raise ValidationFailed(_("Unknown partner."), field="supplier")
    partner = services.partner_create(actor=request.user, code=payload.code, legal_name=payload.legal_name,
                                      credit_code=payload.credit_code, supplier=supplier,
                                      tiers={k: str(v) for k, v in payload.tiers.items()})
    return Status(201, partner_out(partner))


@router.get("/partners/{partner_id}", response={200: PartnerOut, **ERRORS}, summary="A partner")
def get_partner(request: HttpRequest, partner_id: uuid.UUID):
    return partner_out(_partner(request, partner_id))


@router.get("/partners/{partner_id}/timeline", response={200: list[EventOut], **ERRORS}, summary="Its timeline")
def partner_timeline(request: HttpRequest, partner_id: uuid.UUID):
    partner = _partner(request, partner_id)
    if not _manager(request):
        raise PermissionDenied(_("The timeline is for channel managers."))
    return core_events.timeline_out(partner)


@router.get("/partners/{partner_id}/certifications", response={200: list[PartnerCertificationOut], **ERRORS},
            summary="Its certifications per product category")
def partner_certifications(request: HttpRequest, partner_id: uuid.UUID):
    partner = _partner(request, partner_id)
    return [certification_out(c) for c in partner.certifications.select_related("partner")]


def _certification(request: HttpRequest, partner_id: uuid.UUID, certification_id: uuid.UUID) -> Any:
    certification = _partner(request, partner_id).certifications.select_related("partner").filter(
        pk=certification_id).first()
    if certification is None:
        raise NotFound(_("No such certification of this partner."))
    return certification


@router.post("/partners/{partner_id}/certifications", response={201: PartnerCertificationOut, **ERRORS},
             summary="Apply for a certification in a product category (the partner or a channel manager)")
def apply_certification(request: HttpRequest, partner_id: uuid.UUID, payload: CertificationApplyIn):
    certification = services.certification_apply(actor=request.user, partner=_partner(request, partner_id),
                                                 **payload.dict())
    return Status(201, certification_out(certification))


@router.post("/partners/{partner_id}/certifications/{certification_id}/grant",
             response={200: PartnerCertificationOut, **ERRORS},
             summary="Grant an applied certification (APPLIED → ACTIVE) once every required expert role is filled")
def grant_certification(request: HttpRequest, partner_id: uuid.UUID, certification_id: uuid.UUID):
    certification = services.certification_grant(
        actor=request.user, certification=_certification(request, partner_id, certification_id))
    return certification_out(certification)


@router.post("/partners/{partner_id}/certifications/{certification_id}/renew",
             response={200: PartnerCertificationOut, **ERRORS},
             summary="Renew to a later end date (a lapsed or non-compliant one needs every required expert)")
def renew_certification(request: HttpRequest, partner_id: uuid.UUID, certification_id: uuid.UUID,
                        payload: CertificationRenewIn):
    certification = services.certification_renew(
        actor=request.user, certification=_certification(request, partner_id, certification_id),
        valid_to=payload.valid_to)
    return certification_out(certification)


@router.get("/partners/{partner_id}/staff", response={200: list[PartnerStaffOut], **ERRORS},
            summary="Its staff and their individual certificates")
def partner_staff(request: HttpRequest, partner_id: uuid.UUID):
    return [staff_out(s) for s in selectors.staff_of(_partner(request, partner_id))]


@router.get("/partners/{partner_id}/performance", response={200: PerformanceOut, **ERRORS},
            summary="Its performance per quarter: registrations by state, won pipeline, cash collected, "
                    "incentives accrued and paid, MDF used and quota")
def partner_performance(request: HttpRequest, partner_id: uuid.UUID):
    from .performance import partner_performance as figures_of

    performance = figures_of(_partner(request, partner_id))
    return {"currency": performance["currency"], **performance["figures"]}


def _partner_command(name: str, service: Any, takes_reason: bool, summary: str) -> None:
    if takes_reason:
        @router.post(f"/partners/{{partner_id}}/{name}", response={200: PartnerOut, **ERRORS}, summary=summary,
                     operation_id=f"partner_{name}")
        def with_reason(request: HttpRequest, partner_id: uuid.UUID, payload: PartnerReasonIn):
            partner = _partner(request, partner_id)
            service(partner=partner, actor=request.user, reason=payload.reason)
            return partner_out(_partner(request, partner_id))
    else:
        @router.post(f"/partners/{{partner_id}}/{name}", response={200: PartnerOut, **ERRORS}, summary=summary,
                     operation_id=f"partner_{name}")
        def without_reason(request: HttpRequest, partner_id: uuid.UUID):
            partner = _partner(request, partner_id)
            service(partner=partner, actor=request.user)
            return partner_out(_partner(request, partner_id))


_partner_command("onboard", services.partner_onboard, False, "Start onboarding (PROSPECT → ONBOARDING)")
_partner_command("activate", services.partner_activate, False, "Activate (ONBOARDING or SUSPENDED → ACTIVE)")
_partner_command("suspend", services.partner_suspend, True, "Suspend with a reason")
_partner_command("reinstate", services.partner_reinstate, True, "After the blacklisting, back to PROSPECT")


@router.post("/partners/{partner_id}/blacklist", response={200: PartnerOut, **ERRORS},
             summary="Blacklist: cancels open registrations and accruals, revokes certifications and agreements, "
                     "warns the partners it supplies or that supply it")
def blacklist_partner(request: HttpRequest, partner_id: uuid.UUID, payload: BlacklistIn):
    partner = _partner(request, partner_id)
    services.partner_blacklist(partner=partner, actor=request.user, reason=payload.reason, days=payload.days,
                               permanent=payload.permanent)
    return partner_out(_partner(request, partner_id))


@router.get("/partner-coverage", response={200: list[CoverageOut], **ERRORS},
            summary="Certification coverage: partners per certification status and product category")
def partner_coverage(request: HttpRequest):
    if not _manager(request):
        raise PermissionDenied(_("The coverage is for channel managers."))
    return selectors.coverage()


# --- deal registrations -----------------------------------------------------------------------------------


@router.get("/registrations", response={200: Page[RegistrationOut], **ERRORS}, summary="List deal registrations")
def list_registrations(request: HttpRequest, filters: Query[RegistrationFilterIn]):
    qs = selectors.registration_queryset(request.user).select_related("conflict_with__partner")
    if filters.status:
        qs = qs.filter(status=filters.status)
    manager = _manager(request)
    return paginate(qs, page=filters.page, page_size=filters.page_size,
                    serialize=lambda r: registration_out(r, manager=manager))


@router.post("/registrations", response={201: RegistrationOut, **ERRORS},
             summary="Register a deal: screened at once (certification, conflicts through identity resolution)")
def create_registration(request: HttpRequest, payload: RegistrationIn):
    partner_id = payload.partner or getattr(request.user, "partner_id", None)
    if partner_id is None:
        raise BadRequest(_("Name the partner the deal is registered for."), field="partner")
    partner = selectors.partner_by_id(partner_id)
    if partner is None:
        raise ValidationFailed(_("Unknown partner."), field="partner")
    line = offering_line_list().filter(code=payload.offering_line).first()
    if line is None:
        raise ValidationFailed(_("Unknown offering line."), field="offering_line")
    data = payload.dict(exclude={"partner", "offering_line"})
    reg = services.registration_submit(actor=request.user, partner=partner, offering_line=line, **data)
    return Status(201, _reg_out(request, reg))


@router.get("/registrations/{registration_id}", response={200: RegistrationOut, **ERRORS},
            summary="A deal registration")
def get_registration(request: HttpRequest, registration_id: uuid.UUID):
    return _reg_out(request, _registration(request, registration_id))


@router.post("/registrations/{registration_id}/approve", response={200: RegistrationOut, **ERRORS},
             summary="Approve (protected 90 days); an open direct opportunity needs an override reason")
def approve_registration(request: HttpRequest, registration_id: uuid.UUID, payload: ApproveIn):
    reg = _registration(request, registration_id)
    services.registration_approve(registration=reg, actor=request.user, override_reason=payload.override_reason)
    return _reg_out(request, reg)


@router.post("/registrations/{registration_id}/reject", response={200: RegistrationOut, **ERRORS},
             summary="Reject with a reason")
def reject_registration(request: HttpRequest, registration_id: uuid.UUID, payload: RegistrationReasonIn):
    reg = _registration(request, registration_id)
    services.registration_reject(registration=reg, actor=request.user, reason=payload.reason)
    return _reg_out(request, reg)


@router.post("/registrations/{registration_id}/extend", response={200: RegistrationOut, **ERRORS},
             summary="Extend the protection once by 60 days, on evidence of progress")
def extend_registration(request: HttpRequest, registration_id: uuid.UUID, payload: ExtendIn):
    reg = _registration(request, registration_id)
    services.registration_extend(registration=reg, actor=request.user, evidence=payload.evidence)
    return _reg_out(request, reg)


@router.post("/registrations/{registration_id}/convert", response={200: RegistrationOut, **ERRORS},
             summary="Convert to an opportunity carrying the registered partner")
def convert_registration(request: HttpRequest, registration_id: uuid.UUID):
    reg = _registration(request, registration_id)
    services.registration_convert(registration=reg, actor=request.user)
    return _reg_out(request, reg)


@router.post("/registrations/{registration_id}/cancel", response={200: RegistrationOut, **ERRORS},
             summary="Cancel with a reason")
def cancel_registration(request: HttpRequest, registration_id: uuid.UUID, payload: RegistrationReasonIn):
    reg = _registration(request, registration_id)
    services.registration_cancel(registration=reg, actor=request.user, reason=payload.reason)
    return _reg_out(request, reg)


# --- leads offered to partners ----------------------------------------------------------------------------


def _offer(request: HttpRequest, offer_id: int) -> LeadOffer:
    found = selectors.offer_get(user=request.user, offer_id=offer_id)
    if found is None:
        raise NotFound()
    return found


@router.get("/lead-offers", response={200: Page[OfferOut], **ERRORS}, summary="Leads offered to partners")
def list_offers(request: HttpRequest, page: int = 1, page_size: int = 50):
    return paginate(selectors.offer_queryset(request.user), page=page, page_size=min(max(page_size, 1), 200),
                    serialize=offer_out)


@router.post("/lead-offers", response={201: OfferOut, **ERRORS},
             summary="Offer a lead to a partner certified for its offering line")
def create_offer(request: HttpRequest, payload: OfferIn):
    lead = lead_selectors.lead_get(user=request.user, lead_id=payload.lead)
    partner = selectors.partner_get(user=request.user, partner_id=payload.partner)
    if partner is None:
        raise ValidationFailed(_("Unknown partner."), field="partner")
    offer = services.offer_make(actor=request.user, lead=lead, partner=partner)
    return Status(201, offer_out(offer))


@router.post("/lead-offers/{offer_id}/accept", response={200: OfferOut, **ERRORS}, summary="Accept the lead")
def accept_offer(request: HttpRequest, offer_id: int):
    offer = _offer(request, offer_id)
    services.offer_accept(offer=offer, actor=request.user)
    return offer_out(_offer(request, offer_id))


@router.post("/lead-offers/{offer_id}/return", response={200: OfferOut, **ERRORS},
             summary="Return the lead with a reason")
def return_offer(request: HttpRequest, offer_id: int, payload: OfferReturnIn):
    offer = _offer(request, offer_id)
    services.offer_return(offer=offer, actor=request.user, reason=payload.reason)
    return offer_out(_offer(request, offer_id))
