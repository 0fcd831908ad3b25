"""Two sessions allocating the same receipt, or invoicing the same milestone, at the same moment
(PostgreSQL, two connections in two threads): the row locks let one through and refuse the other."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)

from m2c.billing import services
from m2c.billing.models import Allocation, Invoice, Receipt
from tests.racing import race

from .test_scenarios import s8, s9

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite runs one write transaction at a time"),
]


def test_two_sessions_allocating_the_same_receipt_never_over_allocate(planned):
    _inv1, inv2, inv3 = s9(planned)
    receipt = services.receipt_record(actor=planned.finance, amount_="2400000", received_on=planned.day(100),
                                      payer_name="申江大学")
    outcomes = race(
        lambda: services.receipt_allocate(receipt=receipt, invoice=inv2, actor=planned.finance, amount_="2400000"),
        lambda: services.receipt_allocate(receipt=receipt, invoice=inv3, actor=planned.finance, amount_="2400000"),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Allocation", "Conflict"]
    receipt.refresh_from_db()
    assert receipt.allocated == Decimal("2400000.00") and Allocation.objects.count() == 1
    assert sum(Invoice.objects.values_list("paid", flat=True)) == Decimal("2400000.00")
    assert Receipt.objects.get().status == "APPLIED"


def test_two_sessions_invoicing_the_same_milestone_never_over_invoice(planned):
    s8(planned)  # M1 invoiced; now the North PAC releases 3.6M of M2
    from .conftest import pac

    north = planned.contract.sites.first()
    pac(planned, north, 60)
    outcomes = race(
        lambda: services.invoice_request(contract=planned.contract, actor=planned.deal.ar),
        lambda: services.invoice_request(contract=planned.contract, actor=planned.deal.ar),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Invoice", "ValidationFailed"]
    assert Invoice.objects.filter(total=Decimal("3600000.00")).count() == 1


def test_two_workers_sweeping_the_dunning_ladder_at_once_take_each_step_once(planned):
    from m2c.billing.models import CollectionCase, DunningStep
    from m2c.billing.services.dunning import dunning_sweep

    inv1, inv2, _inv3 = s9(planned)
    outcomes = race(lambda: dunning_sweep(on=planned.day(122)), lambda: dunning_sweep(on=planned.day(122)))
    taken = sorted(step for o in outcomes for _n, step in o.steps)
    assert taken == ["D1", "D1", "D15", "D15", "D30", "D90"]  # INV-1 to D+90, INV-2 (due day 107) to D+15
    assert DunningStep.objects.filter(invoice=inv1).count() == 4 and DunningStep.objects.filter(invoice=inv2).count() == 2
    assert CollectionCase.objects.count() == 1
