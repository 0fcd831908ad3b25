"""The allocation hot path (benchmarks/receivables.py): the receipt and invoice rows are locked once and each
written once, status changes included, with the same events as before."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from m2c.billing import services
from m2c.core.models import Event

from .test_scenarios import s9

pytestmark = pytest.mark.django_db


def test_an_allocation_locks_and_writes_each_row_once(planned):
    _inv1, inv2, _inv3 = s9(planned)
    receipt = services.receipt_record(actor=planned.finance, amount_="1000000", received_on=planned.day(100),
                                      payer_name="申江大学")
    before = Event.objects.count()
    with CaptureQueriesContext(connection) as queries:
        services.receipt_allocate(receipt=receipt, invoice=inv2, actor=planned.finance)
    sql = [q["sql"] for q in queries.captured_queries]
    locks = [s for s in sql if "FOR UPDATE" in s]
    updates = [s for s in sql if s.startswith("UPDATE")]
    assert len(locks) <= 2 or connection.vendor == "sqlite"  # SQLite has no FOR UPDATE; the rows are the same
    assert len([s for s in updates if "billing_receipt" in s]) == 1
    assert len([s for s in updates if "billing_invoice" in s]) == 1
    receipt.refresh_from_db()
    inv2.refresh_from_db()
    assert (receipt.status, receipt.allocated, receipt.version) == ("APPLIED", Decimal("1000000.00"), 2)
    assert (inv2.status, inv2.paid) == ("PARTIALLY_PAID", Decimal("1000000.00"))
    # The allocation, the receipt's move to APPLIED and the invoice's move to PARTIALLY_PAID.
    assert list(Event.objects.order_by("occurred_at", "id").values_list("event_type", flat=True)[before:]) == [
        "billing.receipt.allocated", "billing.receipt.status_changed", "billing.invoice.status_changed"]
    # Transaction, 2 locks, allocation, 3 events, 2 updates, the milestone sync of a status change (3): 13;
    # it was 21 before the state machine could use the caller's lock (a second lock, read and update of
    # each row, each in its own savepoint).
    assert len(sql) <= 13, sql
