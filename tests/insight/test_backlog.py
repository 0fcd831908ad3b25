"""The requirement loop (domain.md 7.6, 11.12): deals linked to a requirement give its business value in the
reporting currency with dated FX, duplicates roll up, the backlog ranks by value × urgency weight, and it
leaves as CSV, XLSX and over the API. Numbers are worked by hand in each test."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from m2c.core.errors import InvalidTransition, ValidationFailed
from m2c.core.models import FxRate, Role
from m2c.core.money import Money
from m2c.core.notifications import Notification
from m2c.insight import selectors, services
from m2c.insight.models import Requirement
from m2c.opportunities import services as opportunity_services
from tests.factories import UserFactory
from tests.opportunities import flows

M = Decimal(1_000_000)


@pytest.fixture
def analyst(org):
    return UserFactory(username="mi.analyst", roles=[Role.MARKETING], org_unit=org.east)


@pytest.fixture
def loop(deal, analyst):
    """A 4M CNY deal lost for a solution gap raises RR1 (medium); a 100k USD deal (7.2 → 720k CNY) also needs it."""
    lost = flows.to_o2(deal, name="Provincial Museum", amount="4000000")
    lost = opportunity_services.opportunity_lose(opportunity=lost, actor=deal.ar, loss_reason="solution",
                                                 detail="missing feature X", raise_requirement=True)
    usd = flows.new_deal(deal, name="Museum annex", amount="100000", currency="USD")
    return lost, usd, Requirement.objects.get(opportunity=lost)


def test_linked_deals_give_the_value_in_the_reporting_currency_and_the_score(loop, deal):
    lost, usd, rr = loop
    assert (rr.business_value, rr.urgency) == (4 * M, "medium")
    services.requirement_link_opportunity(requirement=rr, actor=deal.ar, opportunity=usd)
    rr.refresh_from_db()
    assert (rr.business_value, rr.currency) == (Decimal("4720000.00"), "CNY")  # 4,000,000 + 100,000 × 7.2
    row = selectors.requirement_value(rr)
    assert (row.value, row.weight, row.score) == (Decimal("4720000.00"), 2, Decimal("9440000.00"))
    assert [o.name for o in row.deals] == ["Museum annex", "Provincial Museum"]
    with pytest.raises(ValidationFailed) as exc:
        services.requirement_link_opportunity(requirement=rr, actor=deal.ar, opportunity=lost)
    assert exc.value.field == "opportunity"


def test_the_fx_rate_is_the_one_valid_on_the_valuation_day(loop, deal):
    _lost, usd, rr = loop
    services.requirement_link_opportunity(requirement=rr, actor=deal.ar, opportunity=usd)
    today = timezone.localdate()
    FxRate.objects.create(currency_id="USD", quote_currency_id="CNY", valid_on=today - dt.timedelta(days=10),
                          rate=Decimal("7.0"))
    assert selectors.requirement_value(rr).value == Decimal("4700000.00")  # 100,000 × 7.0 today
    earlier = today - dt.timedelta(days=30)
    assert selectors.requirement_value(rr, on=earlier).value == Decimal("4720000.00")  # 100,000 × 7.2 then


def test_a_duplicate_rolls_up_and_the_backlog_ranks_by_value_times_urgency(loop, deal, analyst, users):
    _lost, usd, rr = loop
    # RR2: no deal, an estimate of 1M CNY, critical (× 5) → score 5M.
    rr2 = services.requirement_raise(actor=deal.ar, title="Offline mode", description="Works without network",
                                     source_type="lead", urgency="critical", estimate=Money("1000000", "CNY"))
    # RR3: raised from the 100k USD deal, low (× 1) → score 720k; then found to duplicate RR1.
    rr3 = services.requirement_raise(actor=deal.ar, title="Feature X again", description="Same as RR1",
                                     source_type="opportunity", urgency="low", opportunities=[usd])
    assert rr3.business_value == Decimal("720000.00")
    ranked = [(row.rank, row.requirement.number, row.score) for row in selectors.backlog(user=users.executive)]
    assert ranked == [(1, rr.number, 8 * M), (2, rr2.number, 5 * M), (3, rr3.number, Decimal("720000.00"))]

    services.requirement_start_analysis(requirement=rr3, actor=analyst)
    rr3 = Requirement.objects.get(pk=rr3.pk)
    Notification.objects.all().delete()
    services.requirement_dispose(requirement=rr3, actor=analyst, disposition="DUPLICATE", duplicate_of=rr)
    rows = selectors.backlog(user=users.executive)
    assert [(row.requirement.number, row.value, row.score) for row in rows] == [
        (rr.number, Decimal("4720000.00"), Decimal("9440000.00")), (rr2.number, M, 5 * M)]
    assert [d.number for d in rows[0].duplicates] == [rr3.number]
    rr.refresh_from_db()
    assert rr.business_value == Decimal("4720000.00")  # stored value follows the roll-up
    notified = set(Notification.objects.filter(subject_id=str(rr3.pk)).values_list("recipient__username", flat=True))
    assert notified == {"ar.li", "mi.analyst"}


def test_a_closed_requirement_takes_no_more_deals_and_nothing_is_written(loop, deal, analyst):
    _lost, usd, rr = loop
    services.requirement_start_analysis(requirement=rr, actor=analyst)
    services.requirement_dispose(requirement=Requirement.objects.get(pk=rr.pk), actor=analyst,
                                 disposition="REJECTED", note="out of scope")
    with pytest.raises(InvalidTransition):
        services.requirement_link_opportunity(requirement=Requirement.objects.get(pk=rr.pk), actor=deal.ar,
                                              opportunity=usd)
    assert not Requirement.objects.get(pk=rr.pk).links.exists()


def test_raising_checks_the_source(deal):
    with pytest.raises(ValidationFailed) as exc:
        services.requirement_raise(actor=deal.ar, title="T", description="D", source_type="email")
    assert exc.value.field == "source_type"
    with pytest.raises(ValidationFailed) as exc:
        services.requirement_raise(actor=deal.ar, title="T", description="D", source_type="lead", source_id="nope")
    assert exc.value.field == "source_id"
    assert not Requirement.objects.exists()


def test_backlog_exports_csv_and_xlsx_in_rank_order(loop, deal, client, users):
    _lost, _usd, rr = loop
    rr2 = services.requirement_raise(actor=deal.ar, title="Offline mode", description="D", source_type="lead",
                                     urgency="critical", estimate=Money("1000000", "CNY"))
    client.force_login(users.executive)
    body = b"".join(client.get("/insight/requirements/backlog/export/").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert [r[1] for r in rows[1:]] == [rr.number, rr2.number]
    assert rows[1][0] == "1" and Decimal(rows[1][10]) == 8 * M
    response = client.get("/insight/requirements/backlog/export/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [sheet.cell(row=n, column=2).value for n in (2, 3)] == [rr.number, rr2.number]


def test_backlog_page_shows_the_rule_the_ranking_and_the_gap_chart(loop, client, users):
    _lost, _usd, rr = loop
    client.force_login(users.executive)
    page = client.get("/insight/requirements/backlog/").content.decode()
    assert "× urgency weight" in page and rr.number in page and 'id="gaps-chart"' in page


def test_api_raise_link_and_backlog_with_scoping(api, loop, deal, users):
    _lost, usd, rr = loop
    body = api(deal.ar).post("/requirements", {"title": "Export to PDF", "description": "Needed by the museum",
                                               "source_type": "contract", "urgency": "high",
                                               "opportunities": [str(usd.pk)]})
    assert body.status_code == 201, body.json()
    assert Decimal(body.json()["business_value"]["amount"]) == Decimal("720000")
    linked = api(deal.ar).post(f"/requirements/{rr.pk}/links", {"opportunity": str(usd.pk)})
    assert linked.status_code == 200 and Decimal(linked.json()["business_value"]["amount"]) == Decimal("4720000")
    rows = api(users.executive).get("/requirement-backlog").json()
    assert [(r["rank"], r["requirement"]["number"], Decimal(r["priority_score"]["amount"])) for r in rows] == [
        (1, rr.number, Decimal("9440000")), (2, body.json()["number"], Decimal("2160000"))]  # 720k × high (3)
    assert api(users.ar_north).get("/requirement-backlog").json() == []
    assert api(users.ar_north).post(f"/requirements/{rr.pk}/links", {"opportunity": str(usd.pk)}).status_code == 404


def test_raising_from_a_deal_page_in_chinese_links_the_deal(loop, deal, client):
    _lost, usd, _rr = loop
    client.force_login(deal.ar)
    client.cookies["m2c_language"] = "zh-hans"
    url = f"/insight/requirements/new/?source_type=opportunity&source_id={usd.pk}&opportunity={usd.pk}"
    page = client.get(url).content.decode()
    assert "提出需求" in page
    response = client.post(url, {"title": "支持离线导出", "description": "博物馆要求断网时也能导出报表",
                                 "source_type": "opportunity", "urgency": "high", "currency": "CNY", "estimate": "0",
                                 "source_id": str(usd.pk)})
    assert response.status_code == 302
    rr = Requirement.objects.get(title="支持离线导出")
    assert (rr.description, rr.source_type, rr.source_id, rr.opportunity, rr.urgency, rr.business_value) == (
        "博物馆要求断网时也能导出报表", "opportunity", usd.pk, usd, "high", Decimal("720000.00"))
    bad = client.post(url, {"title": "", "description": "x", "source_type": "opportunity", "urgency": "high",
                            "currency": "CNY"})
    assert bad.status_code == 200 and Requirement.objects.count() == 2


def test_the_backlog_costs_the_same_queries_for_twenty_rows_as_for_one(deal, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.backlog(user=users.executive)
        return len(ctx.captured_queries)

    services.requirement_raise(actor=deal.ar, title="one", description="d", source_type="lead",
                               estimate=Money("1", "CNY"))
    one = cost()
    for n in range(19):
        services.requirement_raise(actor=deal.ar, title=f"more {n}", description="d", source_type="lead",
                                   estimate=Money("1", "USD"))
    assert cost() <= one + 1  # one more FX lookup for the second currency
