"""Aging in one SQL query and the cash KPIs of domain.md 9, with numbers computed by hand to the fen.

The S8/S9 contract (10.0M; INV-1 3.0M issued day 2 due 32; INV-2 3.6M issued day 62 due 107) with the
South PAC on day 95 invoiced late, on day 130 (INV-3 2.4M, due 175). Paid: INV-1 2.0M on day 25 and 1.0M
on day 70; INV-2 1,234,567.89 on day 120; INV-3 1,000,000.01 on day 140. INV-2 then has 400,000 disputed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from m2c.billing import selectors, services
from m2c.billing.models import BillingItem, Invoice
from m2c.contracts import services as contract_services

from .conftest import handover, invoice, pac, pay

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def book(planned):
    s = planned
    inv1 = invoice(s, 2, "26312000000000000001")
    c = handover(s)
    north, south = c.sites.all()
    contract_services.shipment_record(contract=c, actor=s.deal.ar, site=north.pk, description="6,000 APs",
                                      shipped_on=s.day(20))
    pac(s, north, 60)
    inv2 = invoice(s, 62, "26312000000000000002")
    pac(s, south, 95)
    s.unbilled_before_inv3 = selectors.unbilled_by_currency(BillingItem.objects.all())
    inv3 = invoice(s, 130, "26312000000000000003")
    pay(s, inv1, "2000000", 25, "B-25")
    pay(s, inv1, "1000000", 70, "B-70")
    pay(s, inv2, "1234567.89", 120, "B-120")
    pay(s, inv3, "1000000.01", 140, "B-140")
    services.invoice_dispute_open(invoice=inv2, actor=s.deal.ar, amount_="400000", reason="Missing APs at North")
    s.inv = (inv1, inv2, inv3)
    return s


def test_aging_is_one_query_with_the_disputed_part_apart(book):
    invoices = Invoice.objects.all()
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.aging_rows(invoices, on=book.day(150), by="customer")
    assert len(queries) == 1
    (row,) = rows
    assert row["key"] == book.deal.customer.pk and row["currency"] == "CNY"
    # INV-2: 43 days past due, 2,365,432.11 open of which 400,000.00 disputed; INV-3 not due, 1,399,999.99.
    assert {k: row[k] for k in (*selectors.BUCKET_LABELS, "disputed", "overdue", "total")} == {
        "not_due": D("1399999.99"), "1-30": 0, "31-60": D("1965432.11"), "61-90": 0, "91-180": 0, "181-365": 0,
        ">365": 0, "disputed": D("400000.00"), "overdue": D("1965432.11"), "total": D("3765432.10")}
    # The bucket edges: 60 days past due is still 31-60, 61 is 61-90; 365 is 181-365, 366 is >365.
    inv2_due = book.inv[1].due_date
    edge = {n: selectors.aging(Invoice.objects.filter(pk=book.inv[1].pk), on=inv2_due + __import__(
        "datetime").timedelta(days=n))["CNY"] for n in (0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366)}
    assert [next(k for k, v in edge[n].items() if v and k != "disputed") for n in edge] == [
        "not_due", "1-30", "1-30", "31-60", "31-60", "61-90", "61-90", "91-180", "91-180", "181-365", "181-365",
        ">365"]
    by_owner = selectors.aging_rows(invoices, on=book.day(150), by="owner")
    assert [(r["key"], r["total"]) for r in by_owner] == [(book.contract.owner_id, D("3765432.10"))]


def test_cash_kpis_to_the_fen(book):
    invoices, items = Invoice.objects.all(), BillingItem.objects.all()
    start, end = book.day(91), book.day(150)
    # Falling due in days 91-150: INV-1 and INV-2 (due 32 and 107): 6.6M less 3.0M paid before day 91.
    # Collected in the period on them: 1,234,567.89 (INV-3's payment is not due until day 175).
    assert selectors.collection_rate(invoices, start, end) == (D("1234567.89"), D("3600000.00"), D("34.3"))
    # On day 150 (running totals): INV-2 overdue 2,365,432.11 of 3,765,432.10 open.
    assert selectors.overdue_ratio(invoices, end) == (D("2365432.11"), D("3765432.10"), D("62.8"))
    # DSO: receivables at day 150 = 9.0M - 5,234,567.90 = 3,765,432.10; revenue days 91-150 = INV-3 2.4M.
    assert selectors.dso(invoices, start, end) == D("94.1")  # 3,765,432.10 / 2,400,000 x 60
    # Before INV-3 was requested, South's 2.4M was billable and not invoiced; now nothing is unbilled.
    assert book.unbilled_before_inv3 == {"CNY": D("2400000.00")}
    assert selectors.unbilled_by_currency(items) == {}
    # Items billable in days 0-150: M1 (invoiced day 2) and North (day 62) on time, South (95 → 130) late.
    timely = selectors.billing_timeliness(items, book.day(0), end)["CNY"]
    assert (timely.items, timely.on_time, timely.rate) == (3, 2, D("66.7"))
    (k,) = selectors.cash_kpis(invoices, items, start=start, end=end)
    # In days 91-150 only South became billable, and it was invoiced late.
    assert (k.currency, k.dso, k.collection_rate, k.overdue_ratio, k.unbilled, k.timeliness.rate) == (
        "CNY", D("94.1"), D("34.3"), D("62.8"), 0, D("0.0"))
    assert k.dso_count_back is not None and k.dso_count_back > 0


def test_dso_trend_has_twelve_months(book):
    trend = selectors.dso_trend(Invoice.objects.all(), book.day(200))
    assert len(trend) == 12 and trend[-1][0] == book.day(200).replace(day=1)
    assert all(start.day == 1 for start, _v in trend)
