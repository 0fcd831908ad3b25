"""The contracts API under /api/v1/contracts: reads scoped like opportunities, commands as explicit endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from m2c.core import events as core_events
from m2c.core.errors import PermissionDenied
from m2c.core.models import Role
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, Amount, EventOut, Page
from m2c.customers import selectors as customer_selectors

from .. import selectors, services
from ..models import Contract
from ..schemas import (
    ContractCertificateOut,
    ContractChangeDecisionIn,
    ContractChangeIn,
    ContractChangeOut,
    ContractClosureOut,
    ContractDetailOut,
    ContractEvaluationIn,
    ContractFilterIn,
    ContractHandoverIn,
    ContractOut,
    ContractPurchaseOrderOut,
    ContractReasonIn,
    ContractReviewIn,
    ContractReviewOut,
    ContractShipmentIn,
    ContractShipmentOut,
    ContractSiteIn,
    ContractSiteOut,
    CreditExposureOut,
    certificate_out,
    change_out,
    contract_detail_out,
    contract_out,
    evaluation_out,
    purchase_order_out,
    shipment_out,
    site_out,
)
from ..selectors import ContractFilters
from ..states import CertificateType

router = Router(tags=["contracts"])


def _contract(request: HttpRequest, contract_id: uuid.UUID) -> Contract:
    return selectors.contract_get(user=request.user, contract_id=contract_id)


def _detail(request: HttpRequest, contract: Contract) -> dict:
    return contract_detail_out(selectors.contract_get(user=request.user, contract_id=contract.pk))


@router.get("/contracts", response={200: Page[ContractOut], **ERRORS}, summary="List contracts")
def list_contracts(request: HttpRequest, filters: Query[ContractFilterIn]):
    qs = selectors.contract_list(user=request.user, filters=ContractFilters(
        search=filters.search, status=filters.status, customer=filters.customer, owner=filters.owner,
        signed_from=filters.signed_from, signed_to=filters.signed_to))
    return paginate(qs.select_related("campaign"), page=filters.page, page_size=filters.page_size,
                    serialize=contract_out)


@router.get("/contracts/{contract_id}", response={200: ContractDetailOut, **ERRORS}, summary="A contract")
def get_contract(request: HttpRequest, contract_id: uuid.UUID):
    return contract_detail_out(_contract(request, contract_id))


@router.get("/contracts/{contract_id}/timeline", response={200: list[EventOut], **ERRORS}, summary="Its timeline")
def contract_timeline(request: HttpRequest, contract_id: uuid.UUID):
    return core_events.timeline_out(_contract(request, contract_id))


@router.post("/contracts/{contract_id}/handover", response={200: ContractDetailOut, **ERRORS},
             summary="Hold the handover meeting: creates the delivery project with its PM (SIGNED → IN_EXECUTION)")
def handover_contract(request: HttpRequest, contract_id: uuid.UUID, payload: ContractHandoverIn):
    c = services.contract_handover(contract=_contract(request, contract_id), actor=request.user, pm=payload.pm,
                                   handover_on=payload.handover_on, baseline_plan=payload.baseline_plan,
                                   notes=payload.notes)
    return _detail(request, c)


def _command(name: str, service, summary: str) -> None:
    @router.post(f"/contracts/{{contract_id}}/{name}", response={200: ContractDetailOut, **ERRORS}, summary=summary,
                 operation_id=f"contract_{name}")
    def command(request: HttpRequest, contract_id: uuid.UUID, payload: ContractReasonIn):
        c = service(contract=_contract(request, contract_id), actor=request.user, reason=payload.reason)
        return _detail(request, c)


_command("suspend", services.contract_suspend, "Suspend (IN_EXECUTION → SUSPENDED)")
_command("resume", services.contract_resume, "Resume (SUSPENDED → IN_EXECUTION)")
_command("fulfil", services.contract_fulfil, "Fulfil (IN_EXECUTION → FULFILLED, all accepted)")
_command("terminate", services.contract_terminate, "Terminate (needs an ATAC GO)")


@router.post("/contracts/{contract_id}/sites", response={201: ContractSiteOut, **ERRORS}, summary="Add a site")
def add_site(request: HttpRequest, contract_id: uuid.UUID, payload: ContractSiteIn):
    c = _contract(request, contract_id)
    site = services.site_save(contract=c, actor=request.user, name=payload.name, share_pct=payload.share_pct,
                              location=payload.location)
    c.refresh_from_db()
    return Status(201, site_out(c, site))


@router.get("/contracts/{contract_id}/purchase-orders", response={200: list[ContractPurchaseOrderOut], **ERRORS},
            summary="Customer POs")
def list_purchase_orders(request: HttpRequest, contract_id: uuid.UUID):
    return [purchase_order_out(po) for po in _contract(request, contract_id).purchase_orders.all()]


@router.post("/contracts/{contract_id}/purchase-orders", response={201: ContractPurchaseOrderOut, **ERRORS},
             summary="Record a customer PO (multipart, optional file)")
def record_purchase_order(request: HttpRequest, contract_id: uuid.UUID, number: Form[str], issued_on: Form[dt.date],
                          amount: Form[Amount], currency: Form[str] = "", file: UploadedFile | None = File(None)):
    po = services.purchase_order_record(contract=_contract(request, contract_id), actor=request.user, number=number,
                                        issued_on=issued_on, amount=amount, currency=currency or None, upload=file)
    return Status(201, purchase_order_out(po))


@router.get("/contracts/{contract_id}/shipments", response={200: list[ContractShipmentOut], **ERRORS},
            summary="Shipments")
def list_shipments(request: HttpRequest, contract_id: uuid.UUID):
    return [shipment_out(s) for s in _contract(request, contract_id).shipments.select_related("site")]


@router.post("/contracts/{contract_id}/shipments", response={201: ContractShipmentOut, **ERRORS},
             summary="Record a shipment to a site")
def record_shipment(request: HttpRequest, contract_id: uuid.UUID, payload: ContractShipmentIn):
    s = services.shipment_record(contract=_contract(request, contract_id), actor=request.user,
                                 description=payload.description, shipped_on=payload.shipped_on,
                                 delivered_on=payload.delivered_on, site=payload.site)
    return Status(201, shipment_out(s))


@router.get("/contracts/{contract_id}/certificates", response={200: list[ContractCertificateOut], **ERRORS},
            summary="Acceptance certificates")
def list_certificates(request: HttpRequest, contract_id: uuid.UUID):
    c = _contract(request, contract_id)
    return [certificate_out(x, c.currency) for x in c.certificates.prefetch_related("sites")]


@router.post("/contracts/{contract_id}/certificates", response={201: ContractCertificateOut, **ERRORS},
             summary="Record an acceptance certificate (multipart, optional evidence file)")
def record_certificate(request: HttpRequest, contract_id: uuid.UUID, type: Form[CertificateType],
                       signed_on: Form[dt.date], signatory: Form[str], sites: Form[list[uuid.UUID]] = None,
                       whole_contract: Form[bool] = False, scope_note: Form[str] = "",
                       evidence: UploadedFile | None = File(None)):
    c = _contract(request, contract_id)
    cert = services.certificate_record(contract=c, actor=request.user, type=type, signed_on=signed_on,
                                       signatory=signatory, sites=list(sites or []), whole_contract=whole_contract,
                                       scope_note=scope_note, upload=evidence)
    return Status(201, certificate_out(cert, c.currency))


@router.post("/contracts/{contract_id}/reviews", response={201: ContractReviewOut, **ERRORS},
             summary="Open an ATAC or ATCC review (answer, submit and decide it under /gate-reviews)")
def open_review(request: HttpRequest, contract_id: uuid.UUID, payload: ContractReviewIn):
    review = services.contract_review_open(contract=_contract(request, contract_id), actor=request.user,
                                           gate_type=payload.gate, delta=payload.delta, summary=payload.summary)
    return Status(201, {"id": review.pk, "gate_type": review.gate_type, "status": review.status,
                        "decision": review.decision})


@router.get("/customers/{customer_id}/credit-exposure", response={200: CreditExposureOut, **ERRORS},
            summary="The customer's credit exposure in the reporting currency")
def customer_credit_exposure(request: HttpRequest, customer_id: uuid.UUID):
    if request.user.has_role(Role.PARTNER) and not request.user.sees_everything:
        raise PermissionDenied(_("Partner users have no access to this resource."))
    customer = customer_selectors.customer_get(user=request.user, customer_id=customer_id)
    e = selectors.credit_exposure(customer=customer)
    return {"currency": e.currency, "on": e.on, "limit": e.limit, "hold": e.hold,
            "open_receivables": e.open_receivables, "unbilled": e.unbilled, "deal": e.deal, "used": e.used,
            "available": e.available}


# --- change requests and closure (domain.md 6.4, 6.6, S12, S13) -----------------------------------------


def _change(request: HttpRequest, contract_id: uuid.UUID, change_id: uuid.UUID):
    change = selectors.change_get(user=request.user, change_id=change_id)
    if change.contract_id != contract_id:
        from m2c.core.errors import NotFound

        raise NotFound()
    return change


def _change_out(request: HttpRequest, change) -> dict:
    return change_out(selectors.change_get(user=request.user, change_id=change.pk))


@router.get("/contracts/{contract_id}/changes", response={200: list[ContractChangeOut], **ERRORS},
            summary="The contract's change requests")
def list_changes(request: HttpRequest, contract_id: uuid.UUID):
    return [change_out(ch) for ch in selectors.change_list(contract=_contract(request, contract_id))]


@router.post("/contracts/{contract_id}/changes", response={201: ContractChangeOut, **ERRORS},
             summary="Draft a change request (its lines make the value delta)")
def request_change(request: HttpRequest, contract_id: uuid.UUID, payload: ContractChangeIn):
    change = services.change_request(contract=_contract(request, contract_id), actor=request.user,
                                     kind=payload.kind, reason=payload.reason,
                                     lines=[line.model_dump() for line in payload.lines],
                                     schedule_days=payload.schedule_days, effective_on=payload.effective_on)
    return Status(201, _change_out(request, change))


@router.get("/contracts/{contract_id}/changes/{change_id}", response={200: ContractChangeOut, **ERRORS},
            summary="A change request")
def get_change(request: HttpRequest, contract_id: uuid.UUID, change_id: uuid.UUID):
    return change_out(_change(request, contract_id, change_id))


@router.post("/contracts/{contract_id}/changes/{change_id}/submit", response={200: ContractChangeOut, **ERRORS},
             summary="Submit (contract → CHANGE_PENDING; opens the ATAC review above the threshold)")
def submit_change(request: HttpRequest, contract_id: uuid.UUID, change_id: uuid.UUID):
    change = services.change_submit(change=_change(request, contract_id, change_id), actor=request.user)
    return _change_out(request, change)


@router.post("/contracts/{contract_id}/changes/{change_id}/approve", response={200: ContractChangeOut, **ERRORS},
             summary="Approve a change below the ATAC threshold (the owner's manager or an authorised role)")
def approve_change(request: HttpRequest, contract_id: uuid.UUID, change_id: uuid.UUID,
                   payload: ContractChangeDecisionIn):
    change = services.change_approve(change=_change(request, contract_id, change_id), actor=request.user,
                                     note=payload.note, effective_on=payload.effective_on)
    return _change_out(request, change)


@router.post("/contracts/{contract_id}/changes/{change_id}/reject", response={200: ContractChangeOut, **ERRORS},
             summary="Reject a change below the ATAC threshold")
def reject_change(request: HttpRequest, contract_id: uuid.UUID, change_id: uuid.UUID, payload: ContractReasonIn):
    change = services.change_reject(change=_change(request, contract_id, change_id), actor=request.user,
                                    reason=payload.reason)
    return _change_out(request, change)


@router.post("/contracts/{contract_id}/changes/{change_id}/withdraw", response={200: ContractChangeOut, **ERRORS},
             summary="Withdraw a draft or submitted change")
def withdraw_change(request: HttpRequest, contract_id: uuid.UUID, change_id: uuid.UUID, payload: ContractReasonIn):
    change = services.change_withdraw(change=_change(request, contract_id, change_id), actor=request.user,
                                      reason=payload.reason)
    return _change_out(request, change)


def _closure(contract: Contract) -> dict:
    from ..models import ContractEvaluation

    return {"checks": [{**c, "label": str(c["label"]), "detail": str(c["detail"])}
                       for c in selectors.closure_checks(contract)],
            "evaluation": evaluation_out(ContractEvaluation.objects.filter(contract=contract).first())}


@router.get("/contracts/{contract_id}/closure", response={200: ContractClosureOut, **ERRORS},
            summary="The ATCC checklist as verified now, and the evaluation")
def get_closure(request: HttpRequest, contract_id: uuid.UUID):
    return _closure(_contract(request, contract_id))


@router.post("/contracts/{contract_id}/evaluation", response={200: ContractClosureOut, **ERRORS},
             summary="Write the evaluation of a fulfilled contract (actual cost, post-mortem) before its ATCC")
def save_evaluation(request: HttpRequest, contract_id: uuid.UUID, payload: ContractEvaluationIn):
    c = _contract(request, contract_id)
    services.contract_evaluation_save(contract=c, actor=request.user, actual_cost=payload.actual_cost,
                                      post_mortem=payload.post_mortem)
    return _closure(c)
