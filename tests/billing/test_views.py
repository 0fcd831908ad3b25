"""Billing pages through the real views: the invoice and receipt pages, one-click confirmation of a
suggestion, the request export for batch issuing, the tax platform import, the PDF, and refusals."""

from __future__ import annotations

import io
from decimal import Decimal

from django.test import Client
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from m2c.billing import services
from m2c.billing.models import Invoice

from .conftest import invoice


def _client(user, language="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    return c


def test_invoice_and_receipt_pages_confirm_a_suggestion_in_one_click(planned):
    inv1 = invoice(planned, 2, "26312000000000000001")
    fin = _client(planned.finance)
    page = fin.get("/billing/invoices/")
    assert page.status_code == 200 and "26312000000000000001" in page.content.decode()
    detail = fin.get(f"/billing/invoices/{inv1.pk}/").content.decode()
    assert "3,000,000.00" in detail and "红字发票" in detail  # Chinese shipped
    receipt = services.receipt_record(actor=planned.finance, amount_="3000000", received_on=planned.day(20),
                                      payer_name="申江大学", remittance="付 26312000000000000001")
    page = fin.get(f"/billing/receipts/{receipt.pk}/").content.decode()
    assert "confirm-suggestion" in page
    key = str(inv1.pk)
    response = fin.post(f"/billing/receipts/{receipt.pk}/confirm/", {"key": key})
    assert response.status_code == 302
    inv1.refresh_from_db()
    assert inv1.status == "PAID"


def test_outsiders_and_marketing_see_no_billing_page(planned, users):
    inv1 = invoice(planned, 2, "26312000000000000001")
    receipt = services.receipt_record(actor=planned.finance, amount_="1", received_on=planned.day(20),
                                      payer_name="x")
    assert _client(users.ar_north).get(f"/billing/invoices/{inv1.pk}/").status_code == 404
    assert _client(users.marketing).get("/billing/invoices/").status_code == 403
    assert _client(planned.deal.ar).get(f"/billing/receipts/{receipt.pk}/").status_code == 403
    assert _client(users.partner).get("/billing/receipts/").status_code == 403
    # An AR cannot record a credit note: the form shows the refusal and nothing changes.
    response = _client(planned.deal.ar, "en").post(f"/billing/invoices/{inv1.pk}/do/credit/", {"reason": "x"})
    assert response.status_code == 400 and "Only finance may do this." in response.content.decode()
    assert Invoice.objects.get(pk=inv1.pk).credited == 0


def test_request_export_platform_import_and_pdf(planned):
    req = services.invoice_request(contract=planned.contract, actor=planned.deal.ar)
    fin = _client(planned.finance)
    export = fin.get("/billing/invoices/export/?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content) if export.streaming else export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == req.number and Decimal(str(rows[1][-2])) == Decimal("3000000")
    book = Workbook()
    ws = book.active
    ws.append(["开票申请号", "发票号码", "开票日期"])
    ws.append([req.number, "26312000000000009999", planned.day(2).isoformat()])
    ws.append(["KP-1999-00001", "26312000000000009998", planned.day(2).isoformat()])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "platform.xlsx"
    response = fin.post("/billing/invoices/platform-import/", {"file": data})
    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.official_number, req.due_date) == ("ISSUED", "26312000000000009999", planned.day(32))
    for lang, word in (("zh-hans", "发票通知"), ("en", "Invoice notice")):
        pdf = fin.get(f"/billing/invoices/{req.pk}/pdf/?lang={lang}")
        text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().replace("\x00", "")
        assert word in text and "申江大学" in text


def test_a_refused_manual_allocation_shows_the_field_and_writes_nothing(planned):
    inv1 = invoice(planned, 2, "26312000000000000001")
    receipt = services.receipt_record(actor=planned.finance, amount_="100", received_on=planned.day(20),
                                      payer_name="申江大学")
    response = _client(planned.finance, "en").post(f"/billing/receipts/{receipt.pk}/allocate/",
                                                   {"invoice": str(inv1.pk), "amount": "200"})
    assert response.status_code == 400 and "of this receipt is unapplied" in response.content.decode()
    inv1.refresh_from_db()
    assert inv1.paid == 0
