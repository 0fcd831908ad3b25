"""Findings of walking the billing pages as finance does, in Chinese (issue 10 probe): each test failed
before its fix."""

from __future__ import annotations

import re

from django.test import Client

from m2c.billing.models import Invoice
from m2c.customers.models import Customer
from tests.clients import zh_client as _zh

from .conftest import handover, pac


def _billable(planned):
    handover(planned)
    north = planned.contract.sites.order_by("position").first()
    pac(planned, north, 10)
    page = _zh(planned.finance).get(f"/billing/contracts/{planned.contract.pk}/").content.decode()
    items = re.findall(r'name="items" value="([^"]+)"', page)
    assert len(items) == 2  # the advance and Campus North's PAC share
    return items


def test_unticking_every_item_is_refused_not_read_as_invoice_everything(planned):
    """With every billing item unticked, the request went through for *all* billable items."""
    _billable(planned)
    response = _zh(planned.finance).post(f"/billing/contracts/{planned.contract.pk}/", {
        "vat_type": "SPECIAL", "tax_rate": "13", "buyer_phone": "021-66668888", "buyer_bank": "工商银行 1001"})
    assert response.status_code == 400
    assert "请至少勾选一个开票项。" in response.content.decode()
    assert Invoice.objects.filter(contract=planned.contract).count() == 0


def test_a_refused_request_keeps_the_items_the_clerk_ticked(planned):
    """After a refusal every item came back ticked: correcting the form and sending it again invoiced the
    items the clerk had left out. The refusal names the taxpayer id and keeps the choice."""
    advance, north = _billable(planned)
    Customer.objects.filter(pk=planned.contract.customer_id).update(credit_code="")
    client = _zh(planned.finance)
    response = client.post(f"/billing/contracts/{planned.contract.pk}/", {
        "items": [north], "vat_type": "SPECIAL", "tax_rate": "13", "buyer_phone": "021-66668888",
        "buyer_bank": "工商银行上海分行 1001"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "纳税人识别号" in page
    assert re.search(rf'value="{north}" id="item-{north}" checked', page)
    assert not re.search(rf'value="{advance}" id="item-{advance}" checked', page)
    assert 'value="工商银行上海分行 1001"' in page
    assert Invoice.objects.filter(contract=planned.contract).count() == 0
    response = client.post(f"/billing/contracts/{planned.contract.pk}/", {
        "items": [north], "vat_type": "NORMAL", "tax_rate": "13", "buyer_bank": "工商银行上海分行 1001"})
    assert response.status_code == 302
    inv = Invoice.objects.get(contract=planned.contract)
    assert [str(i.pk) for i in inv.items.all()] == [north] and inv.buyer_bank == "工商银行上海分行 1001"


def test_the_request_reads_back_the_buyer_details_the_clerk_typed(planned):
    """The buyer's phone and bank account typed on the request were stored but shown nowhere before the
    PDF; and the invoice's lines were headed "合同行" (contract lines)."""
    _advance, north = _billable(planned)
    client = _zh(planned.finance)
    assert client.post(f"/billing/contracts/{planned.contract.pk}/", {
        "items": [north], "vat_type": "SPECIAL", "tax_rate": "13", "buyer_phone": "021-66668888",
        "buyer_bank": "工商银行上海分行 1001 2002"}).status_code == 302
    inv = Invoice.objects.get(contract=planned.contract)
    page = client.get(f"/billing/invoices/{inv.pk}/").content.decode()
    assert "021-66668888" in page and "工商银行上海分行 1001 2002" in page
    assert "购方电话" in page and "购方开户行及账号" in page and "购方名称" in page
    assert "发票明细" in page and "合同行" not in page


STATEMENT = """交易日期,交易流水号,对方户名,对方账号,借方发生额,贷方发生额,币种,摘要
2026-11-10,SEQ1001,申江大学,6222020200112233,,"3,000,000.00",人民币,发票 26312000000000000001 预付款
2026-11-11,SEQ1002,申江大学,6222020200112233,,1500.00,美元,服务费
2026-11-11,SEQ1003,上海某某贸易有限公司,6222020200998877,,三百万,RMB,金额写错的一行
"""


def test_a_statement_naming_the_currency_in_chinese_imports(planned):
    """Chinese banks write 人民币 / 美元 / RMB in the 币种 column; each such row was refused as "not a
    three-letter ISO code", so a real export imported nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from m2c.billing.models import Receipt

    client = _zh(planned.finance)
    response = client.post("/billing/receipts/statements/", {
        "file": SimpleUploadedFile("工行流水.csv", STATEMENT.encode("gbk"), content_type="text/csv")}, follow=True)
    page = response.content.decode()
    assert "已导入 2 笔回款" in page and "第 4 行" in page and "“三百万”不是数字。" in page
    assert sorted((r.bank_ref, r.currency, str(r.amount)) for r in Receipt.objects.all()) == [
        ("SEQ1001", "CNY", "3000000.0000"), ("SEQ1002", "USD", "1500.0000")]


def test_manual_allocation_preselects_no_invoice_and_shows_open_amounts_as_money(planned):
    """The manual allocation list preselected its first invoice (often another customer's) and showed
    the open amount as a raw database number (3000000.0000 CNY)."""
    from m2c.billing import services
    from m2c.billing.models import Allocation

    from .conftest import invoice

    inv = invoice(planned, 2, "26312000000000000001")
    receipt = services.receipt_record(actor=planned.finance, amount_="100", received_on=planned.day(20),
                                      payer_name="另一家公司")
    client = _zh(planned.finance)
    page = client.get(f"/billing/receipts/{receipt.pk}/").content.decode()
    listed = re.search(r'<select name="invoice".*?</select>', page, re.S).group(0)
    assert '<option value="" selected>—</option>' in listed
    assert "3,000,000.00 CNY" in listed and "3000000.0000" not in listed
    response = client.post(f"/billing/receipts/{receipt.pk}/allocate/", {"invoice": "", "amount": "100"})
    assert response.status_code == 400 and "此字段为必填项。" in response.content.decode()
    assert Allocation.objects.count() == 0
    assert client.post(f"/billing/receipts/{receipt.pk}/allocate/", {"invoice": str(inv.pk), "amount": "100"}
                       ).status_code == 302
    assert Allocation.objects.get().amount == 100


def test_the_receipt_list_pages_on_and_keeps_its_filter(planned):
    """The receipt list cut at 50 with no pager: receipt 51 on could only be found by searching."""
    from m2c.billing import services

    for n in range(53):
        services.receipt_record(actor=planned.finance, amount_=str(100 + n), received_on=planned.day(20),
                                payer_name="华东客户", bank_ref=f"SEQ{n:04d}")
    client = _zh(planned.finance)
    page = client.get("/billing/receipts/?search=华东客户").content.decode()
    assert "第 1 页，共 2 页" in page
    link = re.search(r'href="\?([^"]*page=2)"', page)
    assert link and "search=" in link.group(1)
    second = client.get("/billing/receipts/?" + link.group(1).replace("&amp;", "&")).content.decode()
    assert second.count('href="/billing/receipts/') >= 3 and 'value="华东客户"' in second


def test_a_marketing_user_of_the_contracts_region_reads_no_contract_or_invoice_through_the_api(planned):
    """The pages refused marketing users (403) but the API served them every contract and invoice of their
    org subtree: amounts, buyer tax ids, official numbers."""
    from m2c.core.models import Role
    from tests.factories import UserFactory

    from .conftest import invoice

    inv = invoice(planned, 2, "26312000000000000001")
    c = planned.contract
    marketer = UserFactory(username="mkt.east", roles=[Role.MARKETING], org_unit=c.org_unit)
    client = Client()
    client.force_login(marketer)
    assert client.get(f"/contracts/{c.pk}/").status_code == 403  # the page, as before
    listing = client.get("/api/v1/contracts")
    assert listing.status_code == 200 and listing.json()["count"] == 0
    assert client.get(f"/api/v1/contracts/{c.pk}").status_code == 404
    invoices = client.get("/api/v1/invoices")
    assert invoices.status_code == 200 and invoices.json()["count"] == 0
    assert client.get(f"/api/v1/invoices/{inv.pk}").status_code == 404
    body = client.get(f"/api/v1/invoices/{inv.pk}/timeline").content.decode()
    assert "26312000000000000001" not in body and c.number not in body
    # the account responsible of the same region still reads both
    ar = Client()
    ar.force_login(planned.deal.ar)
    assert ar.get("/api/v1/invoices").json()["count"] == 1 and ar.get(f"/api/v1/contracts/{c.pk}").status_code == 200


def test_an_aging_row_leads_to_the_customers_invoices(planned):
    """The aging table named the customers that owe but linked nowhere: the clerk retyped the name in the
    invoice search to see what was overdue."""
    from urllib.parse import unquote

    from .conftest import invoice

    invoice(planned, 2, "26312000000000000001")
    client = _zh(planned.finance)
    page = client.get("/billing/receivables/").content.decode()
    link = re.search(r'<a href="(/billing/invoices/\?search=[^"]+)" class="aging-customer">([^<]+)</a>', page)
    assert link and link.group(2) == planned.deal.customer.legal_name
    assert unquote(link.group(1).split("=", 1)[1]) == planned.deal.customer.legal_name
    listing = client.get(link.group(1)).content.decode()
    assert "26312000000000000001" in listing
