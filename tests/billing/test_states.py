"""Billing's transition tables (domain.md 11.6 milestone, 11.7 invoice, 11.8 receipt, 11.9 dispute; the
collection case has no table in domain.md): each is the domain's, written out here as the domain states it,
plus the moves the code adds, each with its reason. Every other move is refused (409) and writes nothing,
walked on real rows of the S7–S9 contract."""

from __future__ import annotations

from m2c.billing import services
from m2c.billing.models import BillingMilestone
from m2c.billing.states import (
    COLLECTION_MACHINE,
    DISPUTE_MACHINE,
    INVOICE_MACHINE,
    MILESTONE_MACHINE,
    RECEIPT_MACHINE,
    CollectionStatus,
    DisputeStatus,
    InvoiceStatus,
    MilestoneStatus,
    ReceiptStatus,
)
from tests.state_tables import allowed, pairs, refusal_walk

from .conftest import invoice

M, INV, R, D, CC = MilestoneStatus, InvoiceStatus, ReceiptStatus, DisputeStatus, CollectionStatus

# 11.6: "Milestone status is derived: PARTIALLY_BILLABLE when some but not all scope is billable; BILLABLE when
# all of it is; PARTIALLY_INVOICED when some billable items are on issued invoices; INVOICED when every item of
# the full scope is; SETTLED when those invoices are paid. PLANNED → CANCELLED only via an approved change."
DOMAIN_11_6 = pairs(
    (M.PLANNED, M.PARTIALLY_BILLABLE), (M.PARTIALLY_BILLABLE, M.BILLABLE), (M.BILLABLE, M.PARTIALLY_INVOICED),
    (M.PARTIALLY_INVOICED, M.INVOICED), (M.INVOICED, M.SETTLED), (M.PLANNED, M.CANCELLED),
)
# What the code adds; the status is computed from the items in one step (``milestone_target``), so one
# release, invoice or credit note may skip or go back over states of the derived order.
MILESTONE_EXTRAS = {
    (M.PLANNED, M.BILLABLE): "one evidence makes the whole scope billable (the S8 advance at signature)",
    (M.PARTIALLY_BILLABLE, M.PARTIALLY_INVOICED): "some billable items invoiced before the rest of the scope is billable",
    (M.BILLABLE, M.INVOICED): "one invoice takes every item of the milestone",
    (M.PARTIALLY_BILLABLE, M.INVOICED): "no comment; milestone_target derives it if one sync sees the rest released and invoiced",
    (M.INVOICED, M.PARTIALLY_INVOICED): "an approved contract change adds to a milestone already invoiced (S12)",
    (M.SETTLED, M.PARTIALLY_INVOICED): "an approved contract change adds to a milestone already settled (S12)",
    (M.SETTLED, M.INVOICED): "no comment in states.py; no service path found that reaches it",
    (M.PARTIALLY_INVOICED, M.BILLABLE): "a credit note that frees a billed item moves a milestone back",
    (M.INVOICED, M.BILLABLE): "a credit note that frees a billed item moves a milestone back",
    (M.PARTIALLY_INVOICED, M.PARTIALLY_BILLABLE): "a credit note that frees a billed item moves a milestone back",
    (M.INVOICED, M.PARTIALLY_BILLABLE): "a credit note that frees a billed item moves a milestone back",
    (M.BILLABLE, M.PARTIALLY_BILLABLE): "an approved change raises the amount above what is billable (S12, a new site)",
    (M.PARTIALLY_BILLABLE, M.CANCELLED): "a terminated contract cancels what was never invoiced (11.5)",
    (M.BILLABLE, M.CANCELLED): "a terminated contract cancels what was never invoiced (11.5)",
    (M.PARTIALLY_INVOICED, M.SETTLED): "a terminated contract settles a partly invoiced milestone at what was invoiced",
}

# 11.7, as written.
DOMAIN_11_7 = pairs(
    (INV.DRAFT, INV.ISSUED), (INV.ISSUED, INV.PARTIALLY_PAID), ([INV.ISSUED, INV.PARTIALLY_PAID], INV.PAID),
    ([INV.ISSUED, INV.PARTIALLY_PAID], INV.DISPUTED), (INV.DISPUTED, [INV.ISSUED, INV.PARTIALLY_PAID]),
    (INV.DRAFT, INV.CANCELLED), (INV.ISSUED, INV.CANCELLED),
)
INVOICE_EXTRAS = {
    (INV.DISPUTED, INV.PAID): "the dispute resolved (a credit note for the customer's part) leaves nothing open",
    (INV.DISPUTED, INV.CANCELLED): "only a full red-letter credit note cancels an issued invoice, disputed or not",
}

# 11.8: "RECEIVED → PARTIALLY_APPLIED → APPLIED as allocations are made. RECEIVED/PARTIALLY_APPLIED → REFUNDED".
DOMAIN_11_8 = pairs(
    (R.RECEIVED, R.PARTIALLY_APPLIED), (R.PARTIALLY_APPLIED, R.APPLIED), ([R.RECEIVED, R.PARTIALLY_APPLIED], R.REFUNDED),
)
RECEIPT_EXTRAS = {(R.RECEIVED, R.APPLIED): "one allocation uses the whole receipt"}

# 11.9: "OPEN → INVESTIGATING → PROPOSED → RESOLVED → CLOSED. Any state before RESOLVED → ESCALATED → back to
# INVESTIGATING after the escalation decision."
DOMAIN_11_9 = pairs(
    (D.OPEN, D.INVESTIGATING), (D.INVESTIGATING, D.PROPOSED), (D.PROPOSED, D.RESOLVED), (D.RESOLVED, D.CLOSED),
    ([D.OPEN, D.INVESTIGATING, D.PROPOSED], D.ESCALATED), (D.ESCALATED, D.INVESTIGATING),
)
DISPUTE_EXTRAS = {(D.PROPOSED, D.INVESTIGATING): "the customer turns the proposal down: back to the investigation"}

# No table in domain.md (6.3 names the D+90 collection case): a case is opened OPEN and closed once.
COLLECTION_TABLE = pairs((CC.OPEN, CC.CLOSED))


def _is(table: set, extras: dict) -> set:
    assert not table & set(extras), "an extra is already the domain's"
    return {(str(a), str(b)) for a, b in table | set(extras)}


def test_the_milestone_table_is_domain_11_6_plus_its_listed_extras():
    assert allowed(MILESTONE_MACHINE, M.values) == _is(DOMAIN_11_6, MILESTONE_EXTRAS)
    assert MILESTONE_MACHINE.terminal == {M.CANCELLED}


def test_the_invoice_table_is_domain_11_7_plus_its_listed_extras():
    assert allowed(INVOICE_MACHINE, INV.values) == _is(DOMAIN_11_7, INVOICE_EXTRAS)
    assert INVOICE_MACHINE.terminal == {INV.CANCELLED}
    assert INVOICE_MACHINE.targets(INV.PAID) == []  # not declared terminal, but nothing leaves it


def test_the_receipt_table_is_domain_11_8_plus_its_listed_extras():
    assert allowed(RECEIPT_MACHINE, R.values) == _is(DOMAIN_11_8, RECEIPT_EXTRAS)
    assert RECEIPT_MACHINE.terminal == {R.REFUNDED}
    assert RECEIPT_MACHINE.targets(R.APPLIED) == []


def test_the_dispute_table_is_domain_11_9_plus_its_listed_extras():
    assert allowed(DISPUTE_MACHINE, D.values) == _is(DOMAIN_11_9, DISPUTE_EXTRAS)
    assert DISPUTE_MACHINE.terminal == {D.CLOSED}


def test_the_collection_case_opens_and_closes_once():
    assert allowed(COLLECTION_MACHINE, CC.values) == _is(COLLECTION_TABLE, {})
    assert COLLECTION_MACHINE.terminal == {CC.CLOSED}


def _refused(machine, values) -> int:
    return len(values) ** 2 - len(allowed(machine, values))


def test_every_billing_move_not_in_a_table_is_refused_and_writes_nothing(planned):
    """One milestone, invoice, receipt and dispute of the S8 advance, each walked through every undeclared pair."""
    s = planned
    milestone = BillingMilestone.objects.get(contract=s.contract, seq=1)
    inv = invoice(s, 2, "26312000000000000001")
    receipt = services.receipt_record(actor=s.finance, amount_="1000", received_on=s.day(3),
                                      payer_name=s.deal.customer.legal_name, bank_ref="B-3")
    dispute = services.dispute_open(invoice=inv, actor=s.deal.ar, amount_="1000", reason="walk",
                                    opened_on=s.day(4))
    context = {"reason": "walk"}
    for machine, row, values in ((MILESTONE_MACHINE, milestone, M.values), (INVOICE_MACHINE, inv, INV.values),
                                 (RECEIPT_MACHINE, receipt, R.values), (DISPUTE_MACHINE, dispute, D.values)):
        assert refusal_walk(machine, row, values, actor=s.finance, context=context) == _refused(machine, values)
    # 49 - 21, 36 - 12, 16 - 5 and 36 - 9 pairs.
    assert [_refused(m, v) for m, v in ((MILESTONE_MACHINE, M.values), (INVOICE_MACHINE, INV.values),
                                        (RECEIPT_MACHINE, R.values), (DISPUTE_MACHINE, D.values))] == [28, 24, 11, 27]
