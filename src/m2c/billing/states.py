"""Choices and transition tables of billing (domain.md 11.6 milestones, 11.7 invoices, 11.8 receipts,
11.9 disputes) and the dunning ladder of 6.3.

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


class DisputeStatus(models.TextChoices):
    OPEN = "OPEN", pgettext_lazy("dispute", "Open")
    INVESTIGATING = "INVESTIGATING", _("Investigating")
    PROPOSED = "PROPOSED", _("Resolution proposed")
    RESOLVED = "RESOLVED", _("Resolved")
    ESCALATED = "ESCALATED", _("Escalated")
    CLOSED = "CLOSED", pgettext_lazy("dispute", "Closed")


# Disputes whose amount is still contested: it is held on the invoice (``Invoice.disputed``) and not dunned.
CONTESTED_DISPUTE_STATUSES = (DisputeStatus.OPEN, DisputeStatus.INVESTIGATING, DisputeStatus.PROPOSED,
                              DisputeStatus.ESCALATED)


class DisputeCategory(models.TextChoices):
    ACCEPTANCE = "ACCEPTANCE", _("Acceptance")
    QUALITY = "QUALITY", _("Quality")
    PRICE = "PRICE", _("Price")
    DELAY_PENALTY = "DELAY_PENALTY", _("Delay penalty")
    TAX = "TAX", pgettext_lazy("dispute category", "Tax")


class DunningStepKind(models.TextChoices):
    """The ladder of domain.md 6.3: days past due at which each step fires."""

    D1 = "D1", _("D+1 notice to the account owner")
    D15 = "D15", _("D+15 reminder to the customer")
    D30 = "D30", _("D+30 escalation to the manager and finance")
    D90 = "D90", _("D+90 collection case")


DUNNING_LADDER = ((DunningStepKind.D1, 1), (DunningStepKind.D15, 15), (DunningStepKind.D30, 30),
                  (DunningStepKind.D90, 90))


class CollectionStatus(models.TextChoices):
    OPEN = "OPEN", pgettext_lazy("collection case", "Open")
    CLOSED = "CLOSED", pgettext_lazy("collection case", "Closed")


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
        # An approved contract change adds to a milestone already invoiced or settled (S12).
        t([M.SETTLED], M.PARTIALLY_INVOICED),
        # A credit note that frees a billed item moves a milestone back (drafts do not count: milestone_target).
        t([M.PARTIALLY_INVOICED, M.INVOICED], M.BILLABLE),
        t([M.PARTIALLY_INVOICED, M.INVOICED, M.BILLABLE], M.PARTIALLY_BILLABLE),
        t([M.PLANNED], M.CANCELLED),
        # A terminated contract cancels what was never invoiced (domain.md 11.5).
        t([M.PARTIALLY_BILLABLE, M.BILLABLE], M.CANCELLED),
        # ... and settles a partly invoiced milestone at what was invoiced and paid.
        t([M.PARTIALLY_INVOICED], M.SETTLED),
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

D = DisputeStatus
BEFORE_RESOLVED = [D.OPEN, D.INVESTIGATING, D.PROPOSED]
DISPUTE_MACHINE = StateMachine(
    name=_("Dispute"),
    labels=dict(DisputeStatus.choices),
    default_event=events.DISPUTE_STATUS_CHANGED,
    transitions=[
        t(D.OPEN, D.INVESTIGATING),
        t(D.INVESTIGATING, D.PROPOSED, event=events.DISPUTE_PROPOSED),
        # The customer turns the proposal down: back to the investigation.
        t(D.PROPOSED, D.INVESTIGATING),
        t(D.PROPOSED, D.RESOLVED, event=events.DISPUTE_RESOLVED),
        t(D.RESOLVED, D.CLOSED),
        # Old (> 30 days) or large disputes go up; the escalation decision sends them back to investigation.
        t(BEFORE_RESOLVED, D.ESCALATED, event=events.DISPUTE_ESCALATED),
        t(D.ESCALATED, D.INVESTIGATING, event=events.DISPUTE_ESCALATION_DECIDED),
    ],
    terminal=frozenset({D.CLOSED}),
)

CC = CollectionStatus
COLLECTION_MACHINE = StateMachine(
    name=_("Collection case"),
    labels=dict(CollectionStatus.choices),
    default_event=events.COLLECTION_CLOSED,
    transitions=[t(CC.OPEN, CC.CLOSED)],
    terminal=frozenset({CC.CLOSED}),
)
