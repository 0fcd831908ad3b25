"""The five flows of a contract and the finance workbench, on the S7–S11 contract (10.0M, North 60% /
South 40%, terms 30/60/10), with the numbers to the fen, through the real views."""

from __future__ import annotations

import json
from decimal import Decimal

from django.test import Client

from m2c.billing import selectors, services
from m2c.contracts import services as contract_services

from .conftest import handover, invoice, pac, pay


def _client(user, language="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    return c


def _story(s):
    """INV-1 (advance 3.0M) issued; handover; both sites delivered; North accepted (PAC) and INV-2 of 3.6M;
    INV-1 paid 2.0M; INV-2 disputed 0.4M and resolved with a 0.1M red-letter credit note."""
    inv1 = invoice(s, 2, "26312000000000000001")
    c = handover(s)
    north, south = c.sites.all()
    for site, n in ((north, 30), (south, 40)):
        contract_services.shipment_record(contract=c, actor=s.deal.ar, description="AP", shipped_on=s.day(n - 5),
                                          site=site.pk, delivered_on=s.day(n))
    flows_delivered = selectors.five_flows(c)
    pac(s, north, 60)
    inv2 = invoice(s, 62, "26312000000000000002")
    pay(s, inv1, "2000000", 70, "B-70")
    services.invoice_dispute_open(invoice=inv2, actor=s.deal.ar, amount_="400000", reason="Missing APs",
                                  opened_on=s.day(75))
    return c, flows_delivered, inv1, inv2


def test_five_flows_reconcile_to_the_fen(planned):
    c, delivered_only, _inv1, inv2 = _story(planned)
    f = delivered_only
    assert (f.contract, f.delivered, f.accepted, f.invoiced, f.paid) == (
        Decimal("10000000.00"), Decimal("10000000.00"), 0, Decimal("3000000.00"), 0)
    f = selectors.five_flows(c)
    assert [v for _k, v in f.flows()] == [Decimal("10000000.00"), Decimal("10000000.00"), Decimal("6000000.00"),
                                          Decimal("6600000.00"), Decimal("2000000.00")]
    assert dict(f.gaps()) == {"delivered_not_accepted": Decimal("4000000.00"),
                              # the 3.0M advance was billed before acceptance: nothing accepted waits
                              "accepted_not_invoiced": Decimal("0"),
                              "invoiced_not_paid": Decimal("4600000.00")}
    assert (f.disputed, f.billable, f.unbilled) == (Decimal("400000.00"), Decimal("6600000.00"), 0)
    services.invoice_dispute_resolve(invoice=inv2, actor=planned.finance, credit="100000", reason="Upheld",
                                     on=planned.day(80))
    f = selectors.five_flows(c)
    # The credit note reduces what is invoiced and what is open; its billing item stays billed.
    assert (f.invoiced, f.invoiced_not_paid, f.disputed) == (Decimal("6500000.00"), Decimal("4500000.00"), 0)
    south = c.sites.get(name__contains="South")
    pac(planned, south, 95)
    f = selectors.five_flows(c)
    assert (f.accepted, f.delivered_not_accepted, f.accepted_not_invoiced, f.unbilled) == (
        Decimal("10000000.00"), 0, Decimal("3500000.00"), Decimal("2400000.00"))


def test_five_flows_page_in_chinese_and_refused_to_outsiders(planned):
    c, _f, _inv1, _inv2 = _story(planned)
    page = _client(planned.deal.ar).get(f"/billing/contracts/{c.pk}/flows/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<td>已验收</td>" in html and "已开票未回款" in html and "4,600,000.00" in html
    chart = json.loads(html.split('id="flows-data" type="application/json">')[1].split("</script>")[0])
    assert chart["values"] == ["10000000.00", "10000000.00", "6000000.00", "6600000.00", "2000000.00"]
    assert f"/billing/contracts/{c.pk}/flows/" in _client(planned.deal.ar).get(f"/contracts/{c.pk}/").content.decode()
    # An AR of another region gets nothing; marketing has no access to invoices.
    assert _client(planned.users.ar_north).get(f"/billing/contracts/{c.pk}/flows/").status_code == 404
    assert _client(planned.users.marketing).get(f"/billing/contracts/{c.pk}/flows/").status_code == 403


def test_workbench_lists_the_four_queues_for_finance_only(planned):
    c, _f, inv1, inv2 = _story(planned)
    services.receipt_record(actor=planned.finance, amount_="1000000", received_on=planned.day(100),
                            payer_name="申江大学", remittance="26312000000000000001")
    south = c.sites.get(name__contains="South")
    pac(planned, south, 95)  # releases South's 2.4M
    bench = selectors.workbench()
    assert (bench.to_invoice.count, bench.to_invoice.totals) == (1, {"CNY": Decimal("2400000.00")})
    assert bench.to_invoice.rows[0]["contract__number"] == c.number
    # INV-1 (due day 32) has 1.0M open; INV-2 (due day 107) is disputed and overdue as well.
    assert [i.pk for i in bench.overdue.rows] == [inv1.pk, inv2.pk]
    assert bench.overdue.totals == {"CNY": Decimal("4600000.00")}
    assert (bench.disputed.count, bench.disputed.totals) == (1, {"CNY": Decimal("400000.00")})
    assert bench.unmatched.count == 1 and bench.unmatched.rows[0].suggestions >= 1
    html = _client(planned.finance).get("/billing/workbench/").content.decode()
    assert "财务工作台" in html and "待开票" in html and c.number in html
    assert "workbench-data" in html
    assert _client(planned.deal.ar).get("/billing/workbench/").status_code == 403
    assert _client(planned.users.marketing).get("/billing/workbench/").status_code == 403


def test_flows_and_workbench_through_the_api(planned):
    from tests.conftest import ApiClient

    c, _f, inv1, inv2 = _story(planned)
    body = ApiClient(planned.deal.ar).get(f"/contracts/{c.pk}/flows").json()
    assert (body["invoiced"], body["paid"], body["invoiced_not_paid"]) == ("6600000.00", "2000000.00", "4600000.00")
    assert ApiClient(planned.users.ar_north).get(f"/contracts/{c.pk}/flows").status_code == 404
    assert ApiClient(planned.users.marketing).get(f"/contracts/{c.pk}/flows").status_code in (403, 404)
    bench = ApiClient(planned.finance).get("/billing/workbench").json()
    assert bench["overdue"]["ids"] == [str(inv1.pk), str(inv2.pk)] and bench["disputed"]["count"] == 1
    assert ApiClient(planned.deal.ar).get("/billing/workbench").status_code == 403
