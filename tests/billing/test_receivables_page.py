"""The receivables page through the real view, in Chinese: aging by customer / region / owner, the KPI tiles,
the chart data, the Excel export read back, and who sees nothing."""

from __future__ import annotations

import io
import json
import re

from django.test import Client
from openpyxl import load_workbook

from .test_kpis import book  # noqa: F401 - the fixture


def _client(user, language="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    return c


def _chart(html: str) -> dict:
    found = re.search(r'<script id="receivables-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_finance_sees_aging_by_customer_region_and_owner_with_kpis(book, users, org):  # noqa: F811
    fin = _client(book.finance)
    on = book.day(150).isoformat()
    html = fin.get(f"/billing/receivables/?on={on}&start={book.day(91).isoformat()}").content.decode()
    assert "应收账款与账龄" in html and "申江大学" in html
    assert "1,965,432.11" in html and "400,000.00" in html and "3,765,432.10" in html  # 31-60, disputed, total
    assert "94.1" in html and "34.3%" in html and "62.8%" in html  # DSO, collection rate, overdue ratio
    chart = _chart(html)
    assert chart["groups"] == ["申江大学"] and chart["currency"] == "CNY" and len(chart["dso"]) == 12
    assert chart["values"][2] == [1965432.11] and chart["values"][-1] == [400000.0]
    by_region = fin.get(f"/billing/receivables/?on={on}&by=region").content.decode()
    assert _chart(by_region)["groups"] == ["华东地区部"]
    by_owner = fin.get(f"/billing/receivables/?on={on}&by=owner").content.decode()
    assert _chart(by_owner)["groups"] == [str(book.contract.owner)]
    north = fin.get(f"/billing/receivables/?on={on}&region={org.north.pk}").content.decode()
    assert _chart(north)["groups"] == [] and "申江大学" not in north
    # Excel: the same table, read back.
    export = fin.get(f"/billing/receivables/export/?on={on}&by=customer")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("客户", "币种", "未到期") and rows[1][0] == "申江大学"
    assert [float(v) for v in rows[1][2:]] == [1399999.99, 0, 1965432.11, 0, 0, 0, 0, 400000, 1965432.11, 3765432.10]


def test_other_regions_see_nothing_and_marketing_is_refused(book, users):  # noqa: F811
    page = _client(users.ar_north).get("/billing/receivables/")
    assert page.status_code == 200 and "申江大学" not in page.content.decode()
    assert _chart(page.content.decode())["groups"] == []
    export = _client(users.ar_north).get("/billing/receivables/export/")
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the header only
    assert _client(users.marketing).get("/billing/receivables/").status_code == 403
    assert _client(users.partner).get("/billing/receivables/").status_code == 403
    # The deal's own AR sees the receivables of the contract he owns.
    assert "申江大学" in _client(book.deal.ar).get("/billing/receivables/").content.decode()
