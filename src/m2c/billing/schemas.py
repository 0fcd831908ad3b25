"""API schemas of the billing app (names prefixed ``Billing…``/``Invoice…``/``Receipt…`` to stay unique)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from pydantic import Field

from m2c.core.schemas import Amount, InSchema, MoneyOut, OutSchema, money_out

from .models import (
    BillingMilestone,
    CollectionCase,
    CreditNote,
    Dispute,
    DunningStep,
    Invoice,
    Receipt,
    Refund,
)
from .selectors import Suggestion
from .states import DisputeCategory, DisputeStatus, InvoiceStatus, ReceiptStatus, Scope, Trigger, VatType


class BillingMilestoneIn(InSchema):
    name: str = Field(min_length=1, max_length=120)
    percent: Amount | None = None
    amount: Amount | None = None
    trigger: Trigger
    trigger_event: str = Field("", max_length=20)
    offset_days: int = Field(0, ge=0, le=3650)
    scope: Scope = Scope.CONTRACT
    payment_days: int = Field(30, ge=0, le=3650)
    # A periodic milestone: MONTHLY or QUARTERLY, how many periods, from when (default: signature date).
    period: str = Field("", max_length=10)
    periods: int | None = Field(None, ge=1, le=120)
    starts_on: dt.date | None = None


class BillingPlanIn(InSchema):
    milestones: list[BillingMilestoneIn] = Field(min_length=1, max_length=50)


class BillingItemOut(OutSchema):
    id: uuid.UUID
    site: str | None
    amount: MoneyOut
    billable_on: dt.date
    invoice: str | None


class BillingMilestoneOut(OutSchema):
    id: uuid.UUID
    seq: int
    name: str
    percent: Decimal | None
    amount: MoneyOut
    trigger: str
    scope: str
    payment_days: int
    status: str
    items: list[BillingItemOut]


def milestone_out(m: BillingMilestone) -> dict[str, Any]:
    return {"id": m.pk, "seq": m.seq, "name": m.name, "percent": m.percent, "amount": money_out(m.amount, m.currency),
            "trigger": m.trigger, "scope": m.scope, "payment_days": m.payment_days, "status": m.status,
            "items": [{"id": i.pk, "site": i.site.name if i.site_id else None,
                       "amount": money_out(i.amount, m.currency), "billable_on": i.billable_on,
                       "invoice": str(i.invoice) if i.invoice_id else None} for i in m.items.all()]}


class InvoiceFilterIn(InSchema):
    search: str | None = Field(None, max_length=100)
    status: InvoiceStatus | None = None
    customer: uuid.UUID | None = None
    contract: uuid.UUID | None = None
    overdue: bool | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class InvoiceRequestIn(InSchema):
    contract: uuid.UUID
    items: list[uuid.UUID] | None = Field(None, description="Billing items; all billable ones when omitted")
    vat_type: VatType = VatType.SPECIAL
    tax_rate: Amount = Field(Decimal(13), description="13, 9, 6 or 0")
    purchase_order: uuid.UUID | None = None
    buyer_phone: str = Field("", max_length=40)
    buyer_bank: str = Field("", max_length=200)
    note: str = Field("", max_length=300)


class InvoiceIssueIn(InSchema):
    official_number: str = Field(min_length=1, max_length=40)
    issued_on: dt.date


class InvoiceReasonIn(InSchema):
    reason: str = Field("", max_length=300)


class InvoiceCreditIn(InSchema):
    amount: Amount | None = Field(None, description="Empty: the whole open amount")
    reason: str = Field(min_length=1, max_length=300)
    issued_on: dt.date | None = None
    official_number: str = Field("", max_length=40)


class InvoiceDisputeIn(InSchema):
    amount: Amount
    reason: str = Field(min_length=1, max_length=300)


class InvoiceResolveIn(InSchema):
    credit: Amount = Decimal(0)
    reason: str = Field(min_length=1, max_length=300)
    on: dt.date | None = None


class InvoiceLineOut(OutSchema):
    description: str
    tax_rate: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


class CreditNoteOut(OutSchema):
    number: str
    official_number: str
    issued_on: dt.date
    total: MoneyOut
    reason: str


class InvoiceOut(OutSchema):
    id: uuid.UUID
    number: str
    official_number: str
    contract: str
    customer: str
    vat_type: str
    status: str
    total: MoneyOut
    tax: MoneyOut
    paid: MoneyOut
    credited: MoneyOut
    disputed: MoneyOut
    open: MoneyOut
    issued_on: dt.date | None
    due_date: dt.date | None
    overdue: bool


class InvoiceDetailOut(InvoiceOut):
    buyer_name: str
    buyer_tax_id: str
    buyer_address: str
    buyer_phone: str
    buyer_bank: str
    net: MoneyOut
    payment_days: int
    paid_on: dt.date | None
    days_late: int | None
    lines: list[InvoiceLineOut]
    credit_notes: list[CreditNoteOut]


def invoice_out(inv: Invoice) -> dict[str, Any]:
    c = inv.currency
    return {"id": inv.pk, "number": inv.number, "official_number": inv.official_number,
            "contract": inv.contract.number, "customer": inv.customer.legal_name, "vat_type": inv.vat_type,
            "status": inv.status, "total": money_out(inv.total, c), "tax": money_out(inv.tax, c),
            "paid": money_out(inv.paid, c), "credited": money_out(inv.credited, c),
            "disputed": money_out(inv.disputed, c), "open": money_out(inv.open_amount, c),
            "issued_on": inv.issued_on, "due_date": inv.due_date, "overdue": inv.is_overdue()}


def credit_note_out(n: CreditNote) -> dict[str, Any]:
    return {"number": n.number, "official_number": n.official_number, "issued_on": n.issued_on,
            "total": money_out(n.total, n.invoice.currency), "reason": n.reason_text}


def invoice_detail_out(inv: Invoice) -> dict[str, Any]:
    return {**invoice_out(inv), "buyer_name": inv.buyer_name, "buyer_tax_id": inv.buyer_tax_id,
            "buyer_address": inv.buyer_address, "buyer_phone": inv.buyer_phone, "buyer_bank": inv.buyer_bank,
            "net": money_out(inv.net, inv.currency), "payment_days": inv.payment_days, "paid_on": inv.paid_on,
            "days_late": inv.days_late,
            "lines": [{"description": line.description, "tax_rate": line.tax_rate, "net": line.net, "tax": line.tax,
                       "total": line.total} for line in inv.lines.all()],
            "credit_notes": [credit_note_out(n) for n in inv.credit_notes.select_related("invoice")]}


class ReceiptFilterIn(InSchema):
    search: str | None = Field(None, max_length=100)
    status: ReceiptStatus | None = None
    unmatched: bool | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class ReceiptIn(InSchema):
    amount: Amount
    currency: str = Field("CNY", min_length=3, max_length=3)
    received_on: dt.date
    payer_name: str = Field(min_length=1, max_length=255)
    payer_account: str = Field("", max_length=60)
    bank_ref: str = Field("", max_length=80)
    remittance: str = Field("", max_length=500)
    customer: uuid.UUID | None = None


class ReceiptAllocateIn(InSchema):
    invoice: uuid.UUID
    amount: Amount | None = Field(None, description="Empty: as much as the receipt and the invoice allow")
    on: dt.date | None = None
    fx_rate: Amount | None = Field(None, description="Invoice currency per receipt unit, when they differ")
    third_party: bool = Field(False, description="Confirms a third-party payment: the payer (the receipt's "
                                                 "customer) is not the invoice's buyer")


class ReceiptRefundIn(InSchema):
    amount: Amount | None = None
    reason: str = Field(min_length=1, max_length=300)


class ReceiptRefundDecideIn(InSchema):
    approve: bool
    reason: str = Field("", max_length=300)


class ReceiptOut(OutSchema):
    id: uuid.UUID
    number: str
    customer: str | None
    payer_name: str
    amount: MoneyOut
    allocated: MoneyOut
    refunded: MoneyOut
    unapplied: MoneyOut
    received_on: dt.date
    bank_ref: str
    remittance: str
    source: str
    status: str


class ReceiptAllocationOut(OutSchema):
    invoice: str
    amount: MoneyOut
    invoice_amount: MoneyOut
    fx_rate: Decimal | None
    allocated_on: dt.date
    third_party: bool


class ReceiptRefundOut(OutSchema):
    id: uuid.UUID
    amount: MoneyOut
    reason: str
    status: str


class ReceiptDetailOut(ReceiptOut):
    allocations: list[ReceiptAllocationOut]
    refunds: list[ReceiptRefundOut]


class ReceiptSuggestionOut(OutSchema):
    invoices: list[uuid.UUID]
    numbers: list[str]
    amounts: list[Decimal]
    score: int
    confident: bool
    reasons: list[str]


class StatementOut(OutSchema):
    id: uuid.UUID
    format: str
    file_name: str
    created: int
    duplicates: int
    errors: list[dict]
    receipts: list[uuid.UUID]


def receipt_out(r: Receipt) -> dict[str, Any]:
    c = r.currency
    return {"id": r.pk, "number": r.number, "customer": r.customer.legal_name if r.customer_id else None,
            "payer_name": r.payer_name, "amount": money_out(r.amount, c), "allocated": money_out(r.allocated, c),
            "refunded": money_out(r.refunded, c), "unapplied": money_out(r.unapplied, c),
            "received_on": r.received_on, "bank_ref": r.bank_ref, "remittance": r.remittance, "source": r.source,
            "status": r.status}


def refund_out(f: Refund) -> dict[str, Any]:
    return {"id": f.pk, "amount": money_out(f.amount, f.receipt.currency), "reason": f.reason, "status": f.status}


def receipt_detail_out(r: Receipt) -> dict[str, Any]:
    return {**receipt_out(r),
            "allocations": [{"invoice": str(a.invoice), "amount": money_out(a.amount, r.currency),
                             "invoice_amount": money_out(a.invoice_amount, a.invoice.currency), "fx_rate": a.fx_rate,
                             "allocated_on": a.allocated_on, "third_party": a.third_party}
                            for a in r.allocations.select_related("invoice")],
            "refunds": [refund_out(f) for f in r.refunds.select_related("receipt")]}


def suggestion_out(s: Suggestion) -> dict[str, Any]:
    return {"invoices": [i.pk for i in s.invoices], "numbers": [str(i) for i in s.invoices], "amounts": s.amounts,
            "score": s.score, "confident": s.confident, "reasons": [r for r in s.reasons if r]}


# --- disputes and dunning -------------------------------------------------------------------------


class DisputeFilterIn(InSchema):
    status: DisputeStatus | None = None
    invoice: uuid.UUID | None = None
    contract: uuid.UUID | None = None
    search: str | None = Field(None, max_length=100)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class DisputeOpenIn(InSchema):
    invoice: uuid.UUID
    amount: Amount
    category: DisputeCategory = DisputeCategory.ACCEPTANCE
    reason: str = Field(min_length=1, max_length=300)
    owner: uuid.UUID | None = None
    opened_on: dt.date | None = None


class DisputeNoteIn(InSchema):
    note: str = Field("", max_length=300)


class DisputeProposeIn(InSchema):
    credit: Amount = Decimal(0)
    proposal: str = Field(min_length=1, max_length=300)


class DisputeResolveIn(InSchema):
    resolution: str = Field("", max_length=300)
    on: dt.date | None = None


class DisputeEscalateIn(InSchema):
    reason: str = Field("", max_length=300)


class DisputeDecisionIn(InSchema):
    decision: str = Field(min_length=1, max_length=300)


class DisputeOut(OutSchema):
    id: uuid.UUID
    number: str
    invoice_id: uuid.UUID
    invoice: str
    contract: str
    customer: str
    amount: MoneyOut
    category: str
    reason: str
    owner: str
    opened_on: dt.date
    status: str
    proposed_credit: MoneyOut | None
    proposal: str
    escalated_on: dt.date | None
    escalation_decision: str
    resolved_on: dt.date | None
    resolution: str
    credit_note: str | None


def dispute_out(d: Dispute) -> dict[str, Any]:
    c = d.currency
    return {"id": d.pk, "number": d.number, "invoice_id": d.invoice_id, "invoice": str(d.invoice),
            "contract": d.contract.number, "customer": d.customer.legal_name, "amount": money_out(d.amount, c),
            "category": d.category, "reason": d.reason, "owner": str(d.owner), "opened_on": d.opened_on,
            "status": d.status,
            "proposed_credit": money_out(d.proposed_credit, c) if d.proposed_credit is not None else None,
            "proposal": d.proposal, "escalated_on": d.escalated_on, "escalation_decision": d.escalation_decision,
            "resolved_on": d.resolved_on, "resolution": d.resolution,
            "credit_note": d.credit_note.number if d.credit_note_id else None}


class DunningStepOut(OutSchema):
    step: str
    taken_on: dt.date
    days_past_due: int
    dunned: MoneyOut
    disputed: MoneyOut
    recipients: str


class CollectionCaseOut(OutSchema):
    id: uuid.UUID
    number: str
    invoice: str
    amount: MoneyOut
    opened_on: dt.date
    closed_on: dt.date | None
    status: str
    outcome: str


class InvoiceDunningOut(OutSchema):
    dunnable: MoneyOut
    steps: list[DunningStepOut]
    collection_cases: list[CollectionCaseOut]


def dunning_step_out(s: DunningStep) -> dict[str, Any]:
    return {"step": s.step, "taken_on": s.taken_on, "days_past_due": s.days_past_due,
            "dunned": money_out(s.dunned, s.currency), "disputed": money_out(s.disputed, s.currency),
            "recipients": s.recipients}


def collection_case_out(k: CollectionCase) -> dict[str, Any]:
    return {"id": k.pk, "number": k.number, "invoice": str(k.invoice), "amount": money_out(k.amount, k.currency),
            "opened_on": k.opened_on, "closed_on": k.closed_on, "status": k.status, "outcome": k.outcome}
