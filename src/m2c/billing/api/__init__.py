"""The billing API under /api/v1: invoices and receipts, reads scoped, commands as explicit endpoints."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django.http import HttpRequest
from ninja import File, Query, Router, Status, UploadedFile

from m2c.contracts import selectors as contract_selectors
from m2c.core import events as core_events
from m2c.core.errors import NotFound
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, EventOut, Page

from .. import selectors, services
from ..models import Refund
from ..schemas import (
    BillingMilestoneOut,
    BillingPlanIn,
    InvoiceCreditIn,
    InvoiceDetailOut,
    InvoiceDisputeIn,
    InvoiceFilterIn,
    InvoiceIssueIn,
    InvoiceOut,
    InvoiceReasonIn,
    InvoiceRequestIn,
    InvoiceResolveIn,
    ReceiptAllocateIn,
    ReceiptDetailOut,
    ReceiptFilterIn,
    ReceiptIn,
    ReceiptOut,
    ReceiptRefundDecideIn,
    ReceiptRefundIn,
    ReceiptRefundOut,
    ReceiptSuggestionOut,
    StatementOut,
    invoice_detail_out,
    invoice_out,
    milestone_out,
    receipt_detail_out,
    receipt_out,
    refund_out,
    suggestion_out,
)
from ..services.statements import statement_import
from .disputes import router as disputes_router

router = Router(tags=["billing"])
router.add_router("", disputes_router)


def _invoice(request: HttpRequest, invoice_id: uuid.UUID):
    return selectors.invoice_get(user=request.user, invoice_id=invoice_id)


def _receipt(request: HttpRequest, receipt_id: uuid.UUID):
    return selectors.receipt_get(user=request.user, receipt_id=receipt_id)


def _invoice_detail(request: HttpRequest, invoice_id: uuid.UUID) -> dict:
    return invoice_detail_out(_invoice(request, invoice_id))


# --- milestones -----------------------------------------------------------------------------------


@router.get("/contracts/{contract_id}/billing-milestones", response={200: list[BillingMilestoneOut], **ERRORS},
            summary="A contract's billing milestones and their billing items")
def list_milestones(request: HttpRequest, contract_id: uuid.UUID):
    contract = contract_selectors.contract_get(user=request.user, contract_id=contract_id)
    return [milestone_out(m) for m in selectors.milestones_of(contract)]


@router.post("/contracts/{contract_id}/billing-milestones", response={200: list[BillingMilestoneOut], **ERRORS},
             summary="Set the payment terms as billing milestones (before billing starts)")
def plan_milestones(request: HttpRequest, contract_id: uuid.UUID, payload: BillingPlanIn):
    contract = contract_selectors.contract_get(user=request.user, contract_id=contract_id)
    services.milestone_plan(contract=contract, actor=request.user,
                            rows=[m.model_dump() for m in payload.milestones])
    return [milestone_out(m) for m in selectors.milestones_of(contract)]


# --- invoices -------------------------------------------------------------------------------------


@router.get("/invoices", response={200: Page[InvoiceOut], **ERRORS}, summary="List invoices")
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilterIn]):
    qs = selectors.invoice_list(user=request.user, filters=selectors.InvoiceFilters(
        search=filters.search, status=filters.status, customer=filters.customer, contract=filters.contract,
        overdue=filters.overdue))
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=invoice_out)


@router.post("/invoices", response={201: InvoiceDetailOut, **ERRORS},
             summary="Request an invoice (开票申请) for billable items of a contract")
def request_invoice(request: HttpRequest, payload: InvoiceRequestIn):
    contract = contract_selectors.contract_get(user=request.user, contract_id=payload.contract)
    inv = services.invoice_request(contract=contract, actor=request.user, items=payload.items,
                                   vat_type=payload.vat_type, tax_rate=payload.tax_rate,
                                   purchase_order=payload.purchase_order, buyer_phone=payload.buyer_phone,
                                   buyer_bank=payload.buyer_bank, note=payload.note)
    return Status(201, _invoice_detail(request, inv.pk))


@router.get("/invoices/{invoice_id}", response={200: InvoiceDetailOut, **ERRORS}, summary="An invoice")
def get_invoice(request: HttpRequest, invoice_id: uuid.UUID):
    return _invoice_detail(request, invoice_id)


@router.get("/invoices/{invoice_id}/timeline", response={200: list[EventOut], **ERRORS}, summary="Its timeline")
def invoice_timeline(request: HttpRequest, invoice_id: uuid.UUID):
    return core_events.timeline_out(_invoice(request, invoice_id))


@router.post("/invoices/{invoice_id}/issue", response={200: InvoiceDetailOut, **ERRORS},
             summary="Record the official number and date from the tax platform (DRAFT → ISSUED)")
def issue_invoice(request: HttpRequest, invoice_id: uuid.UUID, payload: InvoiceIssueIn):
    services.invoice_issue(invoice=_invoice(request, invoice_id), actor=request.user,
                           official_number=payload.official_number, issued_on=payload.issued_on)
    return _invoice_detail(request, invoice_id)


@router.post("/invoices/{invoice_id}/cancel", response={200: InvoiceDetailOut, **ERRORS},
             summary="Withdraw a request not yet issued (DRAFT → CANCELLED)")
def cancel_invoice(request: HttpRequest, invoice_id: uuid.UUID, payload: InvoiceReasonIn):
    services.invoice_cancel_request(invoice=_invoice(request, invoice_id), actor=request.user, reason=payload.reason)
    return _invoice_detail(request, invoice_id)


@router.post("/invoices/{invoice_id}/credit-notes", response={201: InvoiceDetailOut, **ERRORS},
             summary="Issue a red-letter credit note (红字发票) for all or part of the open amount")
def credit_invoice(request: HttpRequest, invoice_id: uuid.UUID, payload: InvoiceCreditIn):
    services.credit_note_issue(invoice=_invoice(request, invoice_id), actor=request.user, amount_=payload.amount,
                               reason=payload.reason, issued_on=payload.issued_on,
                               official_number=payload.official_number)
    return Status(201, _invoice_detail(request, invoice_id))


@router.post("/invoices/{invoice_id}/dispute", response={200: InvoiceDetailOut, **ERRORS},
             summary="Record a customer dispute of part of the invoice (→ DISPUTED)")
def dispute_invoice(request: HttpRequest, invoice_id: uuid.UUID, payload: InvoiceDisputeIn):
    services.invoice_dispute_open(invoice=_invoice(request, invoice_id), actor=request.user, amount_=payload.amount,
                                  reason=payload.reason)
    return _invoice_detail(request, invoice_id)


@router.post("/invoices/{invoice_id}/resolve-dispute", response={200: InvoiceDetailOut, **ERRORS},
             summary="Resolve the dispute, crediting the part the customer is upheld for")
def resolve_dispute(request: HttpRequest, invoice_id: uuid.UUID, payload: InvoiceResolveIn):
    services.invoice_dispute_resolve(invoice=_invoice(request, invoice_id), actor=request.user, credit=payload.credit,
                                     reason=payload.reason, on=payload.on)
    return _invoice_detail(request, invoice_id)


# --- receipts -------------------------------------------------------------------------------------


@router.get("/receipts", response={200: Page[ReceiptOut], **ERRORS}, summary="List receipts (finance)")
def list_receipts(request: HttpRequest, filters: Query[ReceiptFilterIn]):
    qs = selectors.receipt_list(user=request.user, filters=selectors.ReceiptFilters(
        search=filters.search, status=filters.status, unmatched=filters.unmatched))
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=receipt_out)


@router.post("/receipts", response={201: ReceiptDetailOut, **ERRORS}, summary="Enter a receipt by hand")
def record_receipt(request: HttpRequest, payload: ReceiptIn):
    r = services.receipt_record(actor=request.user, amount_=payload.amount, currency=payload.currency,
                                received_on=payload.received_on, payer_name=payload.payer_name,
                                payer_account=payload.payer_account, bank_ref=payload.bank_ref,
                                remittance=payload.remittance, customer=payload.customer)
    return Status(201, receipt_detail_out(_receipt(request, r.pk)))


@router.post("/receipts/statements", response={201: StatementOut, **ERRORS},
             summary="Import a bank statement (CSV/XLSX, camt.053 or MT940; multipart)")
def import_statement(request: HttpRequest, file: File[UploadedFile]):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "statement"
        with open(path, "wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        result = statement_import(actor=request.user, path=path, file_name=file.name or "statement")
    s = result.statement
    return Status(201, {"id": s.pk, "format": s.format, "file_name": s.file_name, "created": s.created,
                        "duplicates": s.duplicates, "errors": s.errors, "receipts": [r.pk for r in result.receipts]})


@router.get("/receipts/{receipt_id}", response={200: ReceiptDetailOut, **ERRORS}, summary="A receipt")
def get_receipt(request: HttpRequest, receipt_id: uuid.UUID):
    return receipt_detail_out(_receipt(request, receipt_id))


@router.get("/receipts/{receipt_id}/suggestions", response={200: list[ReceiptSuggestionOut], **ERRORS},
            summary="Matching suggestions for the unapplied amount, best first")
def receipt_suggestions(request: HttpRequest, receipt_id: uuid.UUID):
    visible = set(selectors.invoice_queryset(request.user).values_list("pk", flat=True))
    return [suggestion_out(s) for s in selectors.receipt_suggestions(_receipt(request, receipt_id))
            if all(i.pk in visible for i in s.invoices)]


@router.post("/receipts/{receipt_id}/allocate", response={200: ReceiptDetailOut, **ERRORS},
             summary="Apply (part of) the receipt to an invoice")
def allocate_receipt(request: HttpRequest, receipt_id: uuid.UUID, payload: ReceiptAllocateIn):
    receipt = _receipt(request, receipt_id)
    invoice = _invoice(request, payload.invoice)
    services.receipt_allocate(receipt=receipt, invoice=invoice, actor=request.user, amount_=payload.amount,
                              on=payload.on, fx_rate=payload.fx_rate, third_party=payload.third_party)
    return receipt_detail_out(_receipt(request, receipt_id))


@router.post("/receipts/{receipt_id}/refunds", response={201: ReceiptRefundOut, **ERRORS},
             summary="Ask to refund the unapplied remainder (another finance user approves)")
def request_refund(request: HttpRequest, receipt_id: uuid.UUID, payload: ReceiptRefundIn):
    refund = services.refund_request(receipt=_receipt(request, receipt_id), actor=request.user,
                                     amount_=payload.amount, reason=payload.reason)
    return Status(201, refund_out(refund))


@router.post("/receipts/{receipt_id}/refunds/{refund_id}/decide", response={200: ReceiptRefundOut, **ERRORS},
             summary="Approve or reject a refund")
def decide_refund(request: HttpRequest, receipt_id: uuid.UUID, refund_id: uuid.UUID, payload: ReceiptRefundDecideIn):
    receipt = _receipt(request, receipt_id)
    refund = Refund.objects.filter(pk=refund_id, receipt=receipt).first()
    if refund is None:
        raise NotFound()
    refund = services.refund_decide(refund=refund, actor=request.user, approve=payload.approve, reason=payload.reason)
    return refund_out(refund)


# The five flows of a contract and the finance workbench live in their own module.
from .flows import router as flows_router  # noqa: E402

router.add_router("", flows_router)
