"""Many allocations in one command (a statement's confirmed matches): the same rules as one at a time, the
rows before counted, a bad row refusing the whole batch with nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from m2c.billing import services
from m2c.billing.models import Allocation, Invoice, Receipt
from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.core.models import Event

from .test_scenarios import _m, s9

pytestmark = pytest.mark.django_db


def _receipt(s, value, n, ref):
    return services.receipt_record(actor=s.finance, amount_=value, received_on=s.day(n), payer_name="申江大学",
                                   bank_ref=ref)


def test_a_statement_of_matches_is_applied_in_one_command(planned):
    inv1, inv2, inv3 = s9(planned)
    a, b = _receipt(planned, "5000000", 100, "B-100"), _receipt(planned, "4000000", 101, "B-101")
    made = services.receipts_allocate_many(actor=planned.finance, on=planned.day(102), rows=[
        {"receipt": a, "invoice": inv1},  # as much as both allow: 3.0M
        {"receipt": a.pk, "invoice": inv2.pk, "amount": "2000000"},
        {"receipt": b, "invoice": inv2},  # the 1.6M left open after the row before
        {"receipt": b, "invoice": inv3, "amount": "2400000.00"}])
    assert [m.amount for m in made] == [Decimal("3000000.00"), Decimal("2000000"), Decimal("1600000.00"),
                                        Decimal("2400000.00")]
    assert {i.number: (i.status, i.paid, i.paid_on) for i in Invoice.objects.all()} == {
        inv.number: ("PAID", inv.total, planned.day(102)) for inv in (inv1, inv2, inv3)}
    assert {r.bank_ref: (r.status, r.allocated) for r in Receipt.objects.all()} == {
        "B-100": ("APPLIED", Decimal("5000000.00")), "B-101": ("APPLIED", Decimal("4000000.00"))}
    assert Event.objects.filter(event_type="billing.receipt.allocated").count() == 4
    moves = Event.objects.filter(to_state="PAID", subject_type="billing.invoice").count()
    assert moves == 3 and Event.objects.filter(to_state="APPLIED", subject_type="billing.receipt").count() == 2
    assert _m(planned, 1).status == "SETTLED"  # milestones follow their invoices


def test_one_bad_row_refuses_the_batch_and_writes_nothing(planned):
    inv1, inv2, _inv3 = s9(planned)
    a = _receipt(planned, "4000000", 100, "B-100")
    events = Event.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.receipts_allocate_many(actor=planned.finance, on=planned.day(102), rows=[
            {"receipt": a, "invoice": inv1, "amount": "3000000"},
            {"receipt": a, "invoice": inv2, "amount": "1000000.01"},  # only 1.0M of the receipt is left
            {"receipt": a, "invoice": inv2, "amount": "-5"}])
    assert [e["field"] for e in refused.value.errors] == ["rows.1.amount", "rows.2.amount"]
    assert not Allocation.objects.exists() and Event.objects.count() == events
    a.refresh_from_db()
    inv1.refresh_from_db()
    assert (a.allocated, a.status, inv1.paid, inv1.status) == (0, "RECEIVED", 0, "ISSUED")
    with pytest.raises(ValidationFailed) as refused:  # before the money arrived
        services.receipts_allocate_many(actor=planned.finance, on=planned.day(99), rows=[{"receipt": a, "invoice": inv1}])
    assert refused.value.errors[0]["field"] == "rows.0.on"
    with pytest.raises(PermissionDenied):
        services.receipts_allocate_many(actor=planned.deal.ar, rows=[{"receipt": a, "invoice": inv1}])
