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
    assert "第 2 行" in page and "开票日期" in page and "2026年13月45日" in page
    req.refresh_from_db()
    assert req.status == "DRAFT" and req.official_number == ""
    en = _client(planned.finance, "en").post("/billing/invoices/platform-import/",
                                             {"file": _platform_file([[req.number, "X1", "yesterday"]])}, follow=True)
    text = en.content.decode()
    assert "Row 2" in text and "开票日期" in text and "yesterday" in text
