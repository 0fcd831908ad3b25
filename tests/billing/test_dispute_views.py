"""Dispute and dunning pages through the real views, in Chinese: a dispute opened from the invoice page and
walked to its resolution is read back; the invoice shows its dunning and collection case; outsiders see nothing."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from m2c.billing.models import Dispute, Invoice
from m2c.billing.services.dunning import dunning_sweep

from .conftest import invoice


def _client(user, language="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    return c


def test_a_dispute_saved_in_chinese_is_read_back_and_walked_to_its_resolution(planned):
    inv1 = invoice(planned, 2, "26312000000000000001")
    ar, fin = _client(planned.deal.ar), _client(planned.finance)
    response = ar.post(f"/billing/invoices/{inv1.pk}/do/dispute/", {
        "amount": "120000.50", "category": "QUALITY", "reason": "北校区 50 台 AP 无法上电",
        "opened_on": str(planned.day(10))})
    assert response.status_code == 302, response.content.decode()[:3000]
    d = Dispute.objects.get()
    assert (d.amount, d.category, d.reason, d.opened_on, d.owner, d.status) == (
        Decimal("120000.50"), "QUALITY", "北校区 50 台 AP 无法上电", planned.day(10), planned.deal.ar, "OPEN")
    page = ar.get(f"/billing/disputes/{d.pk}/").content.decode()
    facts = page[page.index('id="dispute-facts"'):]
    for text in ("北校区 50 台 AP 无法上电", "120,000.50", "质量", "开始调查"):
        assert text in facts, text
    assert ar.post(f"/billing/disputes/{d.pk}/do/investigate/", {"note": "已派工程师"}).status_code == 302
    # A proposal above the disputed amount is refused beside its field, in Chinese, and nothing changes.
    refused = ar.post(f"/billing/disputes/{d.pk}/do/propose/", {"credit": "120000.51", "proposal": "全部退款"})
    assert refused.status_code == 400 and "争议金额" in refused.content.decode()
    assert Dispute.objects.get().status == "INVESTIGATING"
    assert ar.post(f"/billing/disputes/{d.pk}/do/propose/", {"credit": "20000",
                                                             "proposal": "更换 50 台并补偿 2 万元"}).status_code == 302
    assert fin.post(f"/billing/disputes/{d.pk}/do/resolve/", {"resolution": "",
                                                              "on": str(planned.day(20))}).status_code == 302
    d.refresh_from_db()
    assert (d.status, d.proposed_credit, d.proposal, d.resolved_on, d.credit_note.total) == (
        "RESOLVED", Decimal("20000.00"), "更换 50 台并补偿 2 万元", planned.day(20), Decimal("20000.00"))
    inv1.refresh_from_db()
    assert (inv1.status, inv1.disputed, inv1.credited) == ("ISSUED", 0, Decimal("20000.00"))
    listed = fin.get("/billing/disputes/?status=RESOLVED").content.decode()
    assert d.number in listed and "已解决" in listed
    assert d.number not in fin.get("/billing/disputes/?status=OPEN").content.decode()


def test_the_invoice_page_shows_the_dunning_history_and_the_collection_case(planned):
    inv1 = invoice(planned, 2, "26312000000000000001")
    dunning_sweep(on=planned.day(122), invoices=Invoice.objects.filter(pk=inv1.pk))
    page = _client(planned.finance).get(f"/billing/invoices/{inv1.pk}/").content.decode()
    assert 'id="collection-case"' in page and "催收案件" in page and page.count("逾期 90 天") == 4
    assert page.count("3,000,000.00 CNY") >= 4 and "D+90" in page
    contract_page = _client(planned.finance).get(f"/billing/contracts/{planned.contract.pk}/").content.decode()
    assert "催收案件" in contract_page


def test_outsiders_and_marketing_see_no_dispute(planned, users):
    inv1 = invoice(planned, 2, "26312000000000000001")
    ar = _client(planned.deal.ar)
    ar.post(f"/billing/invoices/{inv1.pk}/do/dispute/", {"amount": "1000", "category": "PRICE", "reason": "价格"})
    d = Dispute.objects.get()
    north = _client(users.ar_north)
    assert north.get(f"/billing/disputes/{d.pk}/").status_code == 404
    assert d.number not in north.get("/billing/disputes/").content.decode()
    assert north.post(f"/billing/disputes/{d.pk}/do/investigate/", {}).status_code == 404
    assert _client(users.marketing).get("/billing/disputes/").status_code == 403
    assert Dispute.objects.get().status == "OPEN"
