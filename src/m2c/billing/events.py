"""Event types of the billing app and their payloads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from m2c.core.events import EventPayload, NoPayload, register


class MilestonesPlanned(EventPayload):
    milestones: list[str]
    total: str
    currency: str


class ItemBillable(EventPayload):
    item: str
    milestone: str
    site: str | None = None
    amount: str
    billable_on: str
    certificate: str | None = None
    period: int | None = None  # the period of a periodic milestone


class InvoiceRequested(EventPayload):
    number: str
    contract: str
    total: str
    tax: str
    currency: str
    items: list[str]


class InvoiceIssued(EventPayload):
    official_number: str = ""
    issued_on: str = ""
    due_date: str = ""


class InvoiceAmount(EventPayload):
    amount: str = ""
    credit_note: str = ""
    reason: str = ""


class ReceiptRecorded(EventPayload):
    number: str
    amount: str
    currency: str
    received_on: str
    payer: str
    bank_ref: str = ""
    source: str


class AllocationMade(EventPayload):
    receipt: str
    invoice: str
    amount: str
    currency: str
    invoice_amount: str
    invoice_currency: str
    fx_rate: str = ""
    third_party: bool = False  # the payer is not the invoice's buyer (finance confirmed it)
    payer: str = ""
    buyer: str = ""


class RefundPayload(EventPayload):
    refund: str
    amount: str
    reason: str = ""


class StatementImported(EventPayload):
    format: str
    created: int
    duplicates: int
    errors: int


class MilestoneRecomputed(EventPayload):
    """A milestone's amount recomputed after an approved contract change (only what is not invoiced moves)."""

    milestone: str
    change: str
    before: str
    after: str
    currency: str


class DisputePayload(EventPayload):
    number: str = ""
    invoice: str = ""
    amount: str = ""
    credit: str = ""
    credit_note: str = ""
    reason: str = ""


class DunningStepPayload(EventPayload):
    step: str
    days_past_due: int
    dunned: str
    disputed: str
    currency: str
    recipients: list[str] = []


class CollectionPayload(EventPayload):
    number: str
    invoice: str
    amount: str = ""
    reason: str = ""


MILESTONES_PLANNED = register("billing.contract.milestones_planned", _("Billing milestones planned"), MilestonesPlanned)
MILESTONE_STATUS_CHANGED = register("billing.milestone.status_changed", _("Milestone status changed"), NoPayload)
ITEM_BILLABLE = register("billing.milestone.item_billable", _("Billing item became billable"), ItemBillable)
INVOICE_REQUESTED = register("billing.invoice.requested", _("Invoice requested"), InvoiceRequested)
INVOICE_ISSUED = register("billing.invoice.issued", _("Invoice issued"), InvoiceIssued)
INVOICE_STATUS_CHANGED = register("billing.invoice.status_changed", _("Invoice status changed"), InvoiceAmount)
INVOICE_DISPUTED = register("billing.invoice.disputed", _("Invoice disputed"), InvoiceAmount)
INVOICE_DISPUTE_RESOLVED = register("billing.invoice.dispute_resolved", _("Invoice dispute resolved"), InvoiceAmount)
INVOICE_CREDITED = register("billing.invoice.credited", _("Red-letter credit note issued"), InvoiceAmount)
RECEIPT_RECORDED = register("billing.receipt.recorded", _("Receipt recorded"), ReceiptRecorded)
RECEIPT_STATUS_CHANGED = register("billing.receipt.status_changed", _("Receipt status changed"), AllocationMade)
RECEIPT_ALLOCATED = register("billing.receipt.allocated", _("Receipt allocated to an invoice"), AllocationMade)
RECEIPT_REFUNDED = register("billing.receipt.refunded", _("Receipt remainder refunded"), RefundPayload)
REFUND_REQUESTED = register("billing.receipt.refund_requested", _("Refund requested"), RefundPayload)
REFUND_DECIDED = register("billing.receipt.refund_decided", _("Refund decided"), RefundPayload)
STATEMENT_IMPORTED = register("billing.statement.imported", _("Bank statement imported"), StatementImported)
MILESTONE_RECOMPUTED = register("billing.milestone.recomputed", _("Milestone recomputed after a contract change"),
                                MilestoneRecomputed)
DISPUTE_OPENED = register("billing.dispute.opened", _("Dispute opened"), DisputePayload)
DISPUTE_STATUS_CHANGED = register("billing.dispute.status_changed", _("Dispute status changed"), DisputePayload)
DISPUTE_PROPOSED = register("billing.dispute.proposed", _("Dispute resolution proposed"), DisputePayload)
DISPUTE_RESOLVED = register("billing.dispute.resolved", _("Dispute resolved"), DisputePayload)
DISPUTE_ESCALATED = register("billing.dispute.escalated", _("Dispute escalated"), DisputePayload)
DISPUTE_ESCALATION_DECIDED = register("billing.dispute.escalation_decided", _("Dispute escalation decided"),
                                      DisputePayload)
INVOICE_DUNNED = register("billing.invoice.dunned", _("Dunning step taken"), DunningStepPayload)
COLLECTION_OPENED = register("billing.collection.opened", _("Collection case opened"), CollectionPayload)
COLLECTION_CLOSED = register("billing.collection.closed", _("Collection case closed"), CollectionPayload)
