"""Scenarios S8–S11 of domain.md 13 on the billing side, with its numbers to the fen: a 10.0M contract over
Campus North (60%) and Campus South (40%), payment terms 30% at signature / 60% at PAC per site / 10% at FAC."""

from __future__ import annotations

from decimal import Decimal

import pytest

from m2c.billing import selectors, services
from m2c.billing.models import BillingItem, Invoice
from m2c.contracts import selectors as contract_selectors
from m2c.contracts import services as contract_services
from m2c.contracts.models import Contract
from m2c.core.errors import Conflict, InvalidTransition, ValidationFailed
from m2c.core.models import Event

from .conftest import M, handover, invoice, pac, pay


def _m(planned, seq):
    return planned.contract.milestones.get(seq=seq)


def s8(s):
    inv1 = invoice(s, 2, "26312000000000000001")
    c = handover(s)
    return inv1, c


def s9(s):
    inv1, c = s8(s)
    north, south = c.sites.all()
    contract_services.shipment_record(contract=c, actor=s.deal.ar, site=north.pk, description="6,000 APs",
                                      shipped_on=s.day(20))
    contract_services.shipment_record(contract=c, actor=s.deal.ar, site=south.pk, description="4,000 APs",
                                      shipped_on=s.day(35))
    pac(s, north, 60)
    inv2 = invoice(s, 62, "26312000000000000002")
    pac(s, south, 95)
    inv3 = invoice(s, 97, "26312000000000000003")
    return inv1, inv2, inv3


def test_s8_m1_is_billable_at_signature_and_inv1_of_3m_is_due_on_day_32(planned):
    m1 = _m(planned, 1)
    assert [(m.seq, m.amount, m.status) for m in planned.contract.milestones.all()] == [
        (1, Decimal("3000000.00"), "BILLABLE"), (2, Decimal("6000000.00"), "PLANNED"),
        (3, Decimal("1000000.00"), "PLANNED")]
    item = m1.items.get()
    assert (item.amount, item.billable_on, item.site) == (3 * M, planned.day0, None)
    inv1, c = s8(planned)
    assert (inv1.total, inv1.issued_on, inv1.due_date, inv1.status) == (
        Decimal("3000000.00"), planned.day(2), planned.day(32), "ISSUED")
    # 13 % VAT on a tax-inclusive 3.0M line, rounded on the line to the fen.
    assert (inv1.net, inv1.tax) == (Decimal("2654867.26"), Decimal("345132.74"))
    assert inv1.buyer_name == "申江大学" and inv1.buyer_tax_id == planned.deal.customer.credit_code
    assert _m(planned, 1).status == "INVOICED" and c.status == "IN_EXECUTION"
    assert contract_selectors.billed_by_contract([c.pk]) == {c.pk: 3 * M}
    # Nothing more is billable: a second request is refused and writes nothing.
    with pytest.raises(ValidationFailed) as exc:
        services.invoice_request(contract=c, actor=planned.deal.ar)
    assert exc.value.errors[0]["field"] == "items" and Invoice.objects.count() == 1


def test_s9_pac_per_site_releases_3_6m_then_2_4m_and_m2_becomes_invoiced(planned):
    inv1, c = s8(planned)
    north, south = c.sites.all()
    pac(planned, north, 60)
    m2 = _m(planned, 2)
    assert m2.status == "PARTIALLY_BILLABLE"
    assert list(m2.items.values_list("site__name", "amount", "billable_on")) == [
        ("北校区 Campus North", Decimal("3600000.00"), planned.day(60))]
    inv2 = invoice(planned, 62, "26312000000000000002")
    assert (inv2.total, inv2.due_date) == (Decimal("3600000.00"), planned.day(107))
    assert _m(planned, 2).status == "PARTIALLY_INVOICED"
    pac(planned, south, 95)
    inv3 = invoice(planned, 97, "26312000000000000003")
    assert (inv3.total, inv3.due_date) == (Decimal("2400000.00"), planned.day(142))
    assert _m(planned, 2).status == "INVOICED" and _m(planned, 3).status == "PLANNED"
    assert selectors.unbilled(c.pk) == 0
    # Issued invoices are never edited; an item is on one invoice only.
    with pytest.raises(ValidationFailed):
        services.invoice_request(contract=c, actor=planned.deal.ar, items=[inv2.items.get().pk])


def test_s10_partial_payments_allocation_and_aging(planned):
    inv1, inv2, inv3 = s9(planned)
    r1 = pay(planned, inv1, "2000000", 25, "B-25")
    assert (inv1.status, inv1.open_amount, r1.status) == ("PARTIALLY_PAID", 1 * M, "APPLIED")
    aging45 = selectors.aging(Invoice.objects.filter(pk=inv1.pk), on=planned.day(45))["CNY"]
    assert aging45["1-30"] == Decimal("1000000.00") and (planned.day(45) - inv1.due_date).days == 13
    pay(planned, inv1, "1000000", 70, "B-70")
    assert (inv1.status, inv1.paid_on, inv1.days_late) == ("PAID", planned.day(70), 38)
    aging120 = selectors.aging(Invoice.objects.all(), on=planned.day(120))["CNY"]
    assert aging120["1-30"] == Decimal("3600000.00") and aging120["not_due"] == Decimal("2400000.00")
    pay(planned, inv3, "2400000", 140, "B-140")
    assert (inv3.status, inv3.days_late) == ("PAID", 0)
    # DSO over the first quarter (days 0-90, 91 days): INV-1 and INV-2 invoiced (6.6M), INV-2 open (3.6M).
    invoices = Invoice.objects.filter(contract=planned.contract)
    assert selectors.receivable_on(invoices, planned.day(90)) == Decimal("3600000.00")
    assert selectors.dso(invoices, planned.day(0), planned.day(90)) == Decimal("49.6")  # 3.6 / 6.6 x 91
    assert selectors.dso_count_back(invoices, planned.day(90)) > 0
    assert _m(planned, 1).status == "SETTLED"


def test_s11_dispute_holds_0_4m_then_cn1_of_0_1m_and_inv2_is_paid(planned):
    _inv1, inv2, _inv3 = s9(planned)
    inv2 = services.invoice_dispute_open(invoice=inv2, actor=planned.deal.ar, amount_="400000",
                                         reason="Missing access points at North", opened_on=planned.day(125))
    assert (inv2.status, inv2.disputed) == ("DISPUTED", Decimal("400000.00"))
    assert inv2.open_amount - inv2.disputed == Decimal("3200000.00")  # what dunning may still chase
    pay(planned, inv2, "3200000", 130, "B-130")
    assert (inv2.status, inv2.open_amount) == ("DISPUTED", Decimal("400000.00"))
    inv2 = services.invoice_dispute_resolve(invoice=inv2, actor=planned.finance, credit="100000",
                                            reason="Customer upheld for 100 APs", on=planned.day(150))
    note = inv2.credit_notes.get()
    assert (note.total, note.issued_on, inv2.status, inv2.disputed) == (
        Decimal("100000.00"), planned.day(150), "PARTIALLY_PAID", 0)
    assert note.net + note.tax == note.total and note.tax == Decimal("11504.42")
    pay(planned, inv2, "300000", 160, "B-160")
    assert (inv2.status, inv2.paid, inv2.credited, inv2.open_amount) == (
        "PAID", Decimal("3500000.00"), Decimal("100000.00"), 0)
    kinds = list(Event.objects.for_subject(inv2).values_list("event_type", flat=True))
    assert kinds.count("billing.invoice.credited") == 1 and "billing.invoice.disputed" in kinds


def test_over_payment_stays_unapplied_and_a_refund_needs_another_finance_user(planned):
    inv1, _c = s8(planned)
    receipt = services.receipt_record(actor=planned.finance, amount_="3500000", received_on=planned.day(20),
                                      payer_name="申江大学", bank_ref="OVER-1")
    assert receipt.customer == planned.deal.customer  # payer resolved through identity resolution
    services.receipt_allocate(receipt=receipt, invoice=inv1, actor=planned.finance, on=planned.day(20))
    receipt.refresh_from_db()
    assert (receipt.status, receipt.unapplied) == ("PARTIALLY_APPLIED", Decimal("500000.00"))
    with pytest.raises(Conflict):  # the invoice is paid: nothing more goes on it
        services.receipt_allocate(receipt=receipt, invoice=inv1, actor=planned.finance)
    refund = services.refund_request(receipt=receipt, actor=planned.finance, reason="Paid twice")
    with pytest.raises(Exception) as exc:
        services.refund_decide(refund=refund, actor=planned.finance, approve=True)
    assert getattr(exc.value, "status", None) == 403
    receipt.refresh_from_db()
    assert receipt.status == "PARTIALLY_APPLIED" and receipt.refunded == 0
    services.refund_decide(refund=refund, actor=planned.finance2, approve=True)
    receipt.refresh_from_db()
    assert (receipt.status, receipt.refunded, receipt.unapplied) == ("REFUNDED", Decimal("500000.00"), 0)


def test_currency_mismatch_is_refused_unless_the_rate_is_recorded(planned):
    inv1, _c = s8(planned)
    usd = services.receipt_record(actor=planned.finance, amount_="100000", currency="USD",
                                  received_on=planned.day(10), payer_name="申江大学")
    with pytest.raises(ValidationFailed) as exc:
        services.receipt_allocate(receipt=usd, invoice=inv1, actor=planned.finance)
    assert exc.value.errors[0]["field"] == "fx_rate" if exc.value.errors else exc.value.field == "fx_rate"
    usd.refresh_from_db()
    inv1.refresh_from_db()
    assert (usd.allocated, inv1.paid) == (0, 0)
    alloc = services.receipt_allocate(receipt=usd, invoice=inv1, actor=planned.finance, fx_rate="7.1")
    inv1.refresh_from_db()
    assert (alloc.amount, alloc.invoice_amount, alloc.fx_rate, inv1.paid) == (
        Decimal("100000.00"), Decimal("710000.00"), Decimal("7.1"), Decimal("710000.00"))


def test_a_full_credit_note_cancels_an_unpaid_invoice_and_frees_its_item(planned):
    inv1, c = s8(planned)
    with pytest.raises(ValidationFailed) as exc:
        services.credit_note_issue(invoice=inv1, actor=planned.finance, amount_="3000000.01", reason="too much")
    assert exc.value.errors[0]["field"] == "amount"
    services.credit_note_issue(invoice=inv1, actor=planned.finance, reason="Wrong buyer bank")
    inv1.refresh_from_db()
    assert (inv1.status, inv1.credited) == ("CANCELLED", 3 * M)
    assert BillingItem.objects.get(milestone__seq=1, contract=c).invoice_id is None
    assert _m(planned, 1).status == "BILLABLE"
    again = services.invoice_request(contract=c, actor=planned.deal.ar)
    assert again.total == 3 * M


def test_a_refused_issue_changes_nothing(planned):
    inv = services.invoice_request(contract=planned.contract, actor=planned.deal.ar)
    with pytest.raises(ValidationFailed) as exc:
        services.invoice_issue(invoice=inv, actor=planned.finance, official_number="12AB", issued_on=planned.day(2))
    assert exc.value.errors[0]["field"] == "official_number"
    inv.refresh_from_db()
    assert (inv.status, inv.official_number, inv.due_date) == ("DRAFT", "", None)
    with pytest.raises(Exception) as denied:
        services.invoice_issue(invoice=inv, actor=planned.deal.ar, official_number="26312000000000000001",
                               issued_on=planned.day(2))
    assert getattr(denied.value, "status", None) == 403
    with pytest.raises(InvalidTransition):
        services.invoice_dispute_open(invoice=inv, actor=planned.deal.ar, amount_="1", reason="x")


def test_milestones_beyond_the_contract_value_are_refused(signed):
    rows = [{"name": "A", "percent": "70", "trigger": "SIGNATURE"}, {"name": "B", "percent": "40", "trigger": "FAC"}]
    with pytest.raises(ValidationFailed) as exc:
        services.milestone_plan(contract=signed.contract, actor=signed.finance, rows=rows)
    assert exc.value.errors[0]["field"] == "milestones" and not signed.contract.milestones.exists()


def test_percent_milestones_adding_up_to_100_bill_exactly_the_contract_value_to_the_fen(signed):
    """30 % + 60 % + 10 % of 1,200,146.66 rounded one by one is 1,200,146.67: rounded cumulatively it is exact."""
    Contract.objects.filter(pk=signed.contract.pk).update(total_value=Decimal("1200146.66"))
    signed.contract.refresh_from_db()
    rows = [{"name": "A", "percent": "30", "trigger": "SIGNATURE"}, {"name": "B", "percent": "60", "trigger": "PAC"},
            {"name": "C", "percent": "10", "trigger": "FAC"}]
    milestones = services.milestone_plan(contract=signed.contract, actor=signed.finance, rows=rows)
    amounts = [m.amount for m in milestones]
    assert amounts == [Decimal("360044.00"), Decimal("720087.99"), Decimal("120014.67")]
    assert sum(amounts) == Decimal("1200146.66")
