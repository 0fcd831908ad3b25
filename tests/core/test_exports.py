"""Exports of every list (opportunities, customers, requirements, leads) through core's one helper.

Each export honours the list's filters and the reader's scope, writes CSV as UTF-8 with a BOM and XLSX that
openpyxl reads back, and names its columns in the reader's language.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from m2c.core.money import Money
from m2c.insight import services as insight_services
from m2c.insight.states import RequirementSource
from tests.conftest import TEST_PASSWORD
from tests.factories import CustomerFactory
from tests.opportunities.factories import opportunity


def _client(user, language="en"):
    user.set_password(TEST_PASSWORD)
    user.save(update_fields=["password"])
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode()), "CSV starts with a UTF-8 BOM so Excel reads Chinese"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _xlsx(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def deals(org, users, lines):
    shanghai = CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai)
    beijing = CustomerFactory(legal_name="北辰医院", normalized_name="北辰医院", org_unit=org.beijing)
    return {
        "wifi": opportunity(owner=users.ar, customer=shanghai, lines=[lines.wlan], name="申江大学无线网络", amount="2800000"),
        "campus": opportunity(owner=users.ar, customer=shanghai, lines=[lines.campus], name="=HYPERLINK(\"x\")"),
        "north": opportunity(owner=users.ar_north, customer=beijing, lines=[lines.dc], name="北辰医院数据中心"),
    }


def test_opportunities_csv_honours_filters_and_neutralises_formulas(users, deals):
    rows = _csv(_client(users.ar).get("/opportunities/export/"))
    assert rows[0][:4] == ["Opportunity", "Customer", "Stage", "Amount"]
    names = sorted(row[0] for row in rows[1:])
    assert names == sorted(["申江大学无线网络", "'=HYPERLINK(\"x\")"])

    filtered = _csv(_client(users.ar).get("/opportunities/export/", {"offering_line": "wlan"}))
    assert [row[0] for row in filtered[1:]] == ["申江大学无线网络"]
    assert Decimal(filtered[1][3]) == Decimal("2800000")


def test_opportunities_scope_another_regions_user_gets_none_of_the_rows(users, deals):
    rows = _csv(_client(users.ar_north).get("/opportunities/export/"))
    assert [row[0] for row in rows[1:]] == ["北辰医院数据中心"]
    assert _csv(_client(users.partner).get("/opportunities/export/"))[1:] == []


def test_opportunities_xlsx_reads_back_with_chinese_headers_and_typed_numbers(users, deals):
    rows = _xlsx(_client(users.ar, "zh-hans").get("/opportunities/export/", {"format": "xlsx", "search": "无线"}))
    assert rows[0][:4] == ["机会点", "客户", "阶段", "金额"]
    assert len(rows) == 2
    assert rows[1][0] == "申江大学无线网络"
    assert rows[1][3] == 2800000 and rows[1][4] == "CNY"


def test_customers_export_filters_scope_and_language(org, users):
    CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai, industry="education")
    CustomerFactory(legal_name="浦东医院", normalized_name="浦东医院", org_unit=org.shanghai, industry="healthcare")
    CustomerFactory(legal_name="北辰医院", normalized_name="北辰医院", org_unit=org.beijing, industry="healthcare")

    everything = _csv(_client(users.admin).get("/customers/export/"))
    assert len(everything) == 4
    mine = _csv(_client(users.ar).get("/customers/export/", {"industry": "healthcare"}))
    assert [row[0] for row in mine[1:]] == ["浦东医院"]

    rows = _xlsx(_client(users.ar_north, "zh-hans").get("/customers/export/", {"format": "xlsx"}))
    assert rows[0][0] == "法定名称" and rows[0][1] == "信用代码"
    assert [row[0] for row in rows[1:]] == ["北辰医院"]
    assert rows[1][2] == "医疗"


def test_requirements_export_filters_scope_and_language(org, users, lines):
    for title, unit, line in (("支持 Wi-Fi 7", org.shanghai, lines.wlan), ("园区零信任", org.shanghai, lines.campus),
                              ("数据中心液冷", org.beijing, lines.dc)):
        insight_services.requirement_create(
            actor=users.admin, title=title, description="客户提出", source_type=RequirementSource.INSIGHT,
            offering_line=line, org_unit=unit, business_value=Money("500000", "CNY"),
        )
    rows = _csv(_client(users.ar).get("/insight/requirements/export/", {"offering_line": "wlan"}))
    assert rows[0][:2] == ["Number", "Title"]
    assert [row[1] for row in rows[1:]] == ["支持 Wi-Fi 7"]

    north = _xlsx(_client(users.ar_north, "zh-hans").get("/insight/requirements/export/", {"format": "xlsx"}))
    assert north[0][:2] == ["编号", "标题"]
    assert [row[1] for row in north[1:]] == ["数据中心液冷"]
    assert north[1][5] == 500000


def test_leads_export_runs_on_the_same_helper(users, lines, api):
    response = api(users.admin).post("/leads", {"customer_name": "申江大学", "contact_name": "王老师",
                                                "contact_email": "wang@example.edu.cn", "offering_lines": ["campus"]})
    assert response.status_code in (200, 201), response.content
    rows = _xlsx(_client(users.admin, "zh-hans").get("/leads/export.csv", {"format": "xlsx"}))
    assert len(rows) == 2 and rows[1][2] == "申江大学"
    assert _csv(_client(users.partner).get("/leads/export.csv"))[1:] == []


def test_anonymous_readers_are_sent_to_sign_in(db):
    for url in ("/opportunities/export/", "/customers/export/", "/insight/requirements/export/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
