"""Choices and transition tables of billing (domain.md 11.6 milestones, 11.7 invoices, 11.8 receipts).

Every status change goes through one of these machines (:meth:`StateMachine.apply`); milestone, invoice
and receipt states follow from billing items, allocations and credit notes, so the services compute the
target and the table says whether the move is allowed.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.state_machine import StateMachine, t

from . import events


class Trigger(models.TextChoices):
    SIGNATURE = "SIGNATURE", _("Contract signature (advance)")
    DELIVERY = "DELIVERY", _("Delivery")
    PAC = "PAC", _("Preliminary acceptance (PAC)")
    FAC = "FAC", _("Final acceptance (FAC)")
    TIME_AFTER_EVENT = "TIME_AFTER_EVENT", _("Days after an event")
    PERIODIC = "PERIODIC", _("Periodic")


class Scope(models.TextChoices):
    CONTRACT = "CONTRACT", _("Whole contract")
    PER_SITE = "PER_SITE", _("Pro rata per site")


class Period(models.TextChoices):
    MONTHLY = "MONTHLY", _("Monthly")
    QUARTERLY = "QUARTERLY", _("Quarterly")


class MilestoneStatus(models.TextChoices):
    PLANNED = "PLANNED", _("Planned")
    PARTIALLY_BILLABLE = "PARTIALLY_BILLABLE", _("Partially billable")
    BILLABLE = "BILLABLE", _("Billable")
    PARTIALLY_INVOICED = "PARTIALLY_INVOICED", _("Partially invoiced")
    INVOICED = "INVOICED", _("Invoiced")
    SETTLED = "SETTLED", _("Settled")
    CANCELLED = "CANCELLED", pgettext_lazy("status", "Cancelled")


class VatType(models.TextChoices):
    SPECIAL = "SPECIAL", _("VAT special invoice (专票)")
    NORMAL = "NORMAL", _("VAT normal invoice (普票)")


TAX_RATES = (Decimal("13"), Decimal("9"), Decimal("6"), Decimal("0"))


class InvoiceStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Requested")
    ISSUED = "ISSUED", _("Issued")
    PARTIALLY_PAID = "PARTIALLY_PAID", _("Partially paid")
    PAID = "PAID", _("Paid")
    DISPUTED = "DISPUTED", _("Disputed")
    CANCELLED = "CANCELLED", pgettext_lazy("status", "Cancelled")


# Invoices that carry a receivable (issued and not cancelled).
OPEN_INVOICE_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.DISPUTED)
LIVE_INVOICE_STATUSES = (*OPEN_INVOICE_STATUSES, InvoiceStatus.PAID)


class ReceiptStatus(models.TextChoices):
    RECEIVED = "RECEIVED", _("Received")
    PARTIALLY_APPLIED = "PARTIALLY_APPLIED", _("Partially applied")
    APPLIED = "APPLIED", _("Applied")
    REFUNDED = "REFUNDED", _("Refunded")


class RefundStatus(models.TextChoices):
    REQUESTED = "REQUESTED", _("Awaiting approval")
    APPROVED = "APPROVED", _("Approved")
    REJECTED = "REJECTED", _("Rejected")


class StatementFormat(models.TextChoices):
    MANUAL = "MANUAL", _("Entered by hand")
    TABLE = "TABLE", _("CSV or Excel statement")
    CAMT053 = "CAMT053", _("camt.053 XML")
    MT940 = "MT940", _("MT940")


M = MilestoneStatus
MILESTONE_MACHINE = StateMachine(
    name=_("Billing milestone"),
    labels=dict(MilestoneStatus.choices),
    default_event=events.MILESTONE_STATUS_CHANGED,
    transitions=[
        t([M.PLANNED], M.PARTIALLY_BILLABLE),
        t([M.PLANNED, M.PARTIALLY_BILLABLE], M.BILLABLE),
        t([M.PARTIALLY_BILLABLE, M.BILLABLE, M.INVOICED], M.PARTIALLY_INVOICED),
        t([M.BILLABLE, M.PARTIALLY_BILLABLE, M.PARTIALLY_INVOICED], M.INVOICED),
        t([M.INVOICED], M.SETTLED),
        t([M.SETTLED], M.INVOICED),
        # A credit note that frees a billed item, or a cancelled draft, moves a milestone back.
        t([M.PARTIALLY_INVOICED, M.INVOICED], M.BILLABLE),
        t([M.PARTIALLY_INVOICED, M.INVOICED, M.BILLABLE], M.PARTIALLY_BILLABLE),
        t([M.PLANNED], M.CANCELLED),
    ],
    terminal=frozenset({M.CANCELLED}),
)

INV = InvoiceStatus
INVOICE_MACHINE = StateMachine(
    name=_("Invoice"),
    labels=dict(InvoiceStatus.choices),
    default_event=events.INVOICE_STATUS_CHANGED,
    transitions=[
        t(INV.DRAFT, INV.ISSUED, event=events.INVOICE_ISSUED),
        t(INV.DRAFT, INV.CANCELLED),
        t(INV.ISSUED, INV.PARTIALLY_PAID),
        t([INV.ISSUED, INV.PARTIALLY_PAID], INV.PAID),
        t([INV.ISSUED, INV.PARTIALLY_PAID], INV.DISPUTED, event=events.INVOICE_DISPUTED),
        t(INV.DISPUTED, INV.ISSUED, event=events.INVOICE_DISPUTE_RESOLVED),
        t(INV.DISPUTED, INV.PARTIALLY_PAID, event=events.INVOICE_DISPUTE_RESOLVED),
        t(INV.DISPUTED, INV.PAID, event=events.INVOICE_DISPUTE_RESOLVED),
        # Only a full red-letter credit note cancels an issued invoice.
        t([INV.ISSUED, INV.DISPUTED], INV.CANCELLED),
    ],
    terminal=frozenset({INV.CANCELLED}),
)

R = ReceiptStatus
RECEIPT_MACHINE = StateMachine(
    name=_("Receipt"),
    labels=dict(ReceiptStatus.choices),
    default_event=events.RECEIPT_STATUS_CHANGED,
    transitions=[
        t(R.RECEIVED, R.PARTIALLY_APPLIED),
        t([R.RECEIVED, R.PARTIALLY_APPLIED], R.APPLIED),
        t([R.RECEIVED, R.PARTIALLY_APPLIED], R.REFUNDED, event=events.RECEIPT_REFUNDED),
    ],
    terminal=frozenset({R.REFUNDED}),
)
