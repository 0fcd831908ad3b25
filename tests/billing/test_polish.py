"""Small finance fixes found by a user walk (issue 10): each test failed before its fix."""

from __future__ import annotations

import io

from django.test import Client
from openpyxl import Workbook

from m2c.billing import services


def _client(user, language="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    return c


def _platform_file(rows):
    book = Workbook()
    ws = book.active
    ws.append(["开票申请号", "发票号码", "开票日期"])
    for row in rows:
        ws.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "platform.xlsx"
    return data


def test_the_platform_import_date_error_names_the_column_and_the_row(planned):
    req = services.invoice_request(contract=planned.contract, actor=planned.deal.ar)
    data = _platform_file([[req.number, "26312000000000009999", "2026年13月45日"]])
    response = _client(planned.finance).post("/billing/invoices/platform-import/", {"file": data}, follow=True)
    page = response.content.decode()
    assert "第 2 行：开票日期 列：“2026年13月45日”不是日期（YYYY-MM-DD）。" in page
    req.refresh_from_db()
    assert req.status == "DRAFT" and req.official_number == ""
    en = _client(planned.finance, "en").post("/billing/invoices/platform-import/",
                                             {"file": _platform_file([[req.number, "X1", "yesterday"]])}, follow=True)
    text = en.content.decode()
    assert "Row 2: column 开票日期: “yesterday” is not a date (YYYY-MM-DD)." in text


def _resolved_dispute(planned, fin):
    """A dispute opened, proposed with a 20,000 credit and resolved by finance working in Chinese."""
    from m2c.billing.models import Dispute

    from .conftest import invoice

    inv1 = invoice(planned, 2, "26312000000000000001")
    ar = _client(planned.deal.ar)
    assert ar.post(f"/billing/invoices/{inv1.pk}/do/dispute/", {
        "amount": "50000", "category": "QUALITY", "reason": "北校区 AP 无法上电",
        "opened_on": str(planned.day(10))}).status_code == 302
    d = Dispute.objects.get()
    assert ar.post(f"/billing/disputes/{d.pk}/do/investigate/", {"note": "已派工程师"}).status_code == 302
    assert ar.post(f"/billing/disputes/{d.pk}/do/propose/", {"credit": "20000",
                                                             "proposal": "补偿 2 万元"}).status_code == 302
    assert fin.post(f"/billing/disputes/{d.pk}/do/resolve/", {"resolution": "",
                                                              "on": str(planned.day(20))}).status_code == 302
    d.refresh_from_db()
    return inv1, d


def test_the_dispute_page_links_its_credit_note_to_the_invoice_page(planned):
    fin = _client(planned.finance)
    inv1, d = _resolved_dispute(planned, fin)
    note = d.credit_note
    page = fin.get(f"/billing/disputes/{d.pk}/").content.decode()
    href = f'/billing/invoices/{inv1.pk}/#credit-note-{note.number}'
    assert f'<a href="{href}" id="dispute-credit-note">{note.number}</a>' in page
    invoice_page = fin.get(href.split("#")[0]).content.decode()
    assert f'id="credit-note-{note.number}"' in invoice_page


def test_the_dispute_credit_note_reason_reads_in_the_readers_language(planned, api):
    fin = _client(planned.finance)  # finance resolves in Chinese
    inv1, d = _resolved_dispute(planned, fin)
    note = d.credit_note
    english = _client(planned.finance, "en").get(f"/billing/invoices/{inv1.pk}/").content.decode()
    assert f"Dispute {d.number}: 补偿 2 万元" in english and "争议 " + d.number not in english
    chinese = fin.get(f"/billing/invoices/{inv1.pk}/").content.decode()
    assert f"争议 {d.number}：补偿 2 万元" in chinese
    body = api(planned.finance).get(f"/invoices/{inv1.pk}").json()
    assert [n["reason"] for n in body["credit_notes"]] == [f"Dispute {d.number}: 补偿 2 万元"]
    assert note.number in fin.get(f"/billing/disputes/{d.pk}/").content.decode()


def test_a_stored_system_text_fits_its_column_and_typed_text_reads_as_typed(db):
    from django.utils import translation

    from m2c.billing import texts

    stored = texts.store("Dispute %(n)s: %(r)s", n="ZY-2026-00001", r="长" * 300)
    assert len(stored) <= 300
    with translation.override("zh-hans"):
        assert texts.read(stored).startswith("争议 ZY-2026-00001：长")
    assert texts.read("客户要求退货") == "客户要求退货" and texts.read('{"m": broken') == '{"m": broken'


def test_a_request_refused_on_the_vat_type_and_an_item_shows_both_messages(planned):
    import uuid

    from m2c.billing.models import Invoice
    from m2c.billing.services.invoices import billable_items

    customer = planned.contract.customer
    type(customer).objects.filter(pk=customer.pk).update(credit_code=None)
    item = billable_items(planned.contract)[0]
    response = _client(planned.deal.ar).post(f"/billing/contracts/{planned.contract.pk}/", {
        "items": [str(item.pk), str(uuid.uuid4())], "vat_type": "SPECIAL", "tax_rate": "13"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "纳税人识别号" in page, "the VAT type message"
    assert "该项目当前不可开票，或已经开票。" in page, "the item message"
    assert not Invoice.objects.exists()


def test_a_third_party_payment_is_warned_confirmed_and_recorded_never_auto_allocated(planned):
    from m2c.billing.models import Allocation, Invoice
    from m2c.billing.selectors import receipt_suggestions
    from m2c.core.models import Event
    from tests.factories import CustomerFactory

    from .conftest import invoice

    inv1 = invoice(planned, 2, "26312000000000000001")
    buyer = inv1.buyer_name
    group = CustomerFactory(legal_name="申江教育投资集团有限公司")
    receipt = services.receipt_record(actor=planned.finance, amount_=str(inv1.open_amount),
                                      received_on=planned.day(20), payer_name=group.legal_name,
                                      customer=group.pk, remittance="代付 26312000000000000001")
    assert receipt.customer_id == group.pk
    # The remittance quotes the invoice, but the payer is another customer: no confident match.
    quoted = [s for s in receipt_suggestions(receipt) if inv1 in s.invoices]
    assert quoted and not any(s.confident for s in quoted)
    fin = _client(planned.finance)
    page = fin.get(f"/billing/receipts/{receipt.pk}/").content.decode()
    assert "第三方付款" in page and group.legal_name in page
    # One click on the suggestion allocates nothing across customers.
    fin.post(f"/billing/receipts/{receipt.pk}/confirm/", {"key": quoted[0].key})
    assert not Allocation.objects.exists()
    # By hand: the form comes back with a warning naming both parties, nothing written.
    refused = fin.post(f"/billing/receipts/{receipt.pk}/allocate/", {"invoice": str(inv1.pk), "amount": ""})
    text = refused.content.decode()
    assert refused.status_code == 400 and 'id="third-party-warning"' in text
    warning = text[text.index('id="third-party-warning"'):][:600]
    assert group.legal_name in warning and buyer in warning and "第三方付款" in warning
    assert not Allocation.objects.exists() and Invoice.objects.get(pk=inv1.pk).paid == 0
    # Confirmed: allocated and recorded as a third-party payment, on the allocation, its event and the page.
    done = fin.post(f"/billing/receipts/{receipt.pk}/allocate/", {"invoice": str(inv1.pk), "amount": "",
                                                                  "third_party": "on"})
    assert done.status_code == 302, done.content.decode()[:2000]
    allocation = Allocation.objects.get()
    assert allocation.third_party and Invoice.objects.get(pk=inv1.pk).status == "PAID"
    event = Event.objects.filter(event_type="billing.receipt.allocated").get()
    assert (event.payload["third_party"], event.payload["payer"], event.payload["buyer"]) == (
        True, group.legal_name, buyer)
    page = fin.get(f"/billing/receipts/{receipt.pk}/").content.decode()
    listed = page[page.index('id="receipt-allocations"'):][:1500]
    assert "第三方付款" in listed and group.legal_name in listed and buyer in listed


def test_a_payment_by_the_buyer_itself_is_not_a_third_party_payment(planned):
    from m2c.billing.models import Allocation

    from .conftest import invoice

    inv1 = invoice(planned, 2, "26312000000000000001")
    receipt = services.receipt_record(actor=planned.finance, amount_="100", received_on=planned.day(20),
                                      payer_name=inv1.buyer_name, customer=inv1.customer_id)
    services.receipt_allocate(receipt=receipt, invoice=inv1, actor=planned.finance)
    assert Allocation.objects.get().third_party is False
