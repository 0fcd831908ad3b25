"""The channel manager's channel-wide performance view (issue 12 item 8, domain.md 8 and the KPIs of 9): the
figures of two partners reconciled to the yuan against a hand-built scenario, the page and the API refused to a
partner user and to an AR, the page read in Chinese, and a query count that does not grow with the partners."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from m2c.billing import services as billing
from m2c.contracts.models import Contract
from m2c.core.models import FxRate
from m2c.core.money import Money
from m2c.leads import services as lead_services
from m2c.leads.models import Lead
from m2c.opportunities import services as opportunity_services
from m2c.opportunities.models import Opportunity
from m2c.partners import services
from m2c.partners.models import IncentiveAccrual, LeadOffer
from m2c.partners.performance_channel import channel_performance, period_bounds
from tests.billing.conftest import TERMS, invoice, pay
from tests.clients import zh_client as _zh
from tests.contracts.conftest import deal, rates, two_site_quote  # noqa: F401 - fixtures reused
from tests.leads.conftest import capture, rules, territories  # noqa: F401 - fixtures reused
from tests.leads.factories import CampaignFactory

from .conftest import certified_partner, register
from .test_registered_deal import policies, win_registered

pytestmark = pytest.mark.django_db
PERIOD = "last_4_quarters"  # holds the days the scenario uses (up to ten days back) whatever today is


def _proof(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 proof", content_type="application/pdf")


@pytest.fixture
def scenario(channel, deal, users):  # noqa: F811
    """P1 wins University A (10.0M, its advance invoice of 3.0M paid 1.0M) and spends MDF on a campaign; P2's
    registration of the same customer is refused as a conflict, its hospital deal is approved and stays open."""
    today = timezone.localdate()
    policies(channel)  # campus rebate 2% and a 50,000 reward: accrue on the won deal
    won = register(channel, channel.p1, channel.p1_user, name="申江大学")
    services.registration_approve(registration=won, actor=channel.cm)
    services.registration_convert(registration=won, actor=channel.cm)
    refused = register(channel, channel.p2, channel.p2_user, name="申江大学")
    assert refused.status == "REJECTED" and refused.rejection == "conflict"
    hospital = register(channel, channel.p2, channel.p2_user)  # 上海市第一人民医院, budget 3.0M
    services.registration_approve(registration=hospital, actor=channel.cm)
    services.registration_convert(registration=hospital, actor=channel.cm)
    won.refresh_from_db()
    hospital.refresh_from_db()
    contract = Contract.objects.get(opportunity=win_registered(deal, won.opportunity))
    day0 = today - dt.timedelta(days=10)
    # MDF: P1's roadshow on a campaign that sourced the hospital deal and (carried on it) the won contract.
    campaign = CampaignFactory(code="p1-roadshow", name="伙伴巡展")
    Contract.objects.filter(pk=contract.pk).update(signed_on=day0, campaign=campaign)
    Opportunity.objects.filter(pk=hospital.opportunity_id).update(source_campaign=campaign)
    contract.refresh_from_db()
    s = SimpleNamespace(contract=contract, deal=deal, finance=users.finance, day=lambda n: day0 + dt.timedelta(days=n))
    billing.milestone_plan(contract=contract, actor=users.finance, rows=TERMS)
    pay(s, invoice(s, 2, "26312000000000000001"), "1000000", 5, "B-5")  # the 3.0M advance, partly collected
    services.quota_set(actor=channel.cm, partner=channel.p1, period_start=today - dt.timedelta(days=30),
                       period_end=today + dt.timedelta(days=300), amount="100000")
    app = services.mdf_apply(actor=channel.p1_user, partner=channel.p1, activity="园区网络巡展", activity_date=today,
                             budget="30000", objective_leads=20, objective_opportunities=4,
                             late_reason="活动已举办", submit=True)
    services.mdf_approve(actor=channel.cm, application=app, amount="25000")
    services.mdf_execute(actor=channel.p1_user, application=app, campaign=campaign)
    services.mdf_claim(actor=channel.p1_user, application=app, lines=[
        {"expense_type": "venue", "description": "场地", "amount": "18000", "evidence": _proof("场地.pdf")},
        {"expense_type": "travel", "description": "差旅", "amount": "4000", "evidence": _proof("差旅.pdf")}])
    services.mdf_reimburse(actor=channel.cm, application=app)  # the venue only: 18,000
    return SimpleNamespace(contract=contract, won=won, refused=refused, hospital=hospital, campaign=campaign)


def _row(data, partner):
    return next(r for r in data["rows"] if r["id"] == partner.pk)


def test_the_figures_reconcile_to_the_yuan(channel, scenario):
    data = channel_performance(period=PERIOD)
    assert data["currency"] == "CNY" and (data["start"], data["end"]) == period_bounds(PERIOD, timezone.localdate())
    p1, p2 = _row(data, channel.p1), _row(data, channel.p2)
    # P1: the won deal is booked (no longer pipeline), 1.0M of it collected; its registration won.
    assert p1["bookings"] == Decimal("10000000.00") and p1["bookings_count"] == 1
    assert p1["pipeline"] == Decimal("0.00") and p1["cash"] == Decimal("1000000.00")
    assert (p1["submitted"], p1["approved"], p1["converted"], p1["won"]) == (1, 1, 1, 1)
    assert p1["conversion_pct"] == Decimal("100.00")
    # Its MDF: 18,000 reimbursed (the travel line is not eligible); the campaign sourced the open 3.0M hospital
    # deal and the 10.0M contract: ROI 166.67 on pipeline, 555.56 on bookings.
    assert p1["mdf_reimbursed"] == Decimal("18000.00")
    assert p1["mdf_pipeline"] == Decimal("3000000.00") and p1["mdf_bookings"] == Decimal("10000000.00")
    assert p1["mdf_roi_pipeline"] == Decimal("166.67") and p1["mdf_roi_bookings"] == Decimal("555.56")
    # Incentives: the 2% rebate (200,000) and the 50,000 reward accrued; nothing paid while the invoice is open.
    assert p1["accrued"] == Decimal("250000.00") and p1["paid"] == Decimal("0.00")
    assert {a.status for a in IncentiveAccrual.objects.all()} == {"ACCRUED"}
    # P2: two registrations, the conflict rejected, the hospital approved and converted: 3.0M open, none won.
    assert p2["pipeline"] == Decimal("3000000.00") and p2["pipeline_count"] == 1
    assert p2["bookings"] == p2["cash"] == p2["mdf_reimbursed"] == Decimal("0.00")
    assert (p2["submitted"], p2["approved"], p2["converted"], p2["won"]) == (2, 1, 1, 0)
    assert p2["conversion_pct"] == Decimal("0.00") and p2["mdf_roi_pipeline"] is None
    # Totals, and the share: every booking of the period came through a registered partner.
    t = data["totals"]
    assert t["pipeline"] == Decimal("3000000.00") and t["bookings"] == Decimal("10000000.00")
    assert (t["submitted"], t["approved"], t["won"]) == (3, 2, 1) and t["conversion_pct"] == Decimal("50.00")
    assert t["cash"] == Decimal("1000000.00") and t["accrued"] == Decimal("250000.00")
    assert data["all_bookings"] == Decimal("10000000.00") and data["share_pct"] == Decimal("100.00")
    # Ordered by bookings: P1 first. The charts carry the same figures, as floats.
    assert data["rows"][0]["id"] == channel.p1.pk
    bars = data["charts"]["chart-pipeline-bookings"]
    assert bars["labels"][0] == channel.p1.legal_name and bars["series"][1]["data"][0] == 10000000.0
    funnel = [d["value"] for d in data["charts"]["chart-registration-funnel"]["data"]]
    assert funnel == [3, 2, 2, 1]
    # Filtered to silver partners: P2 alone, and its share of all bookings is nil.
    silver = channel_performance(period=PERIOD, tier="SILVER")
    assert [r["id"] for r in silver["rows"]] == [channel.p2.pk]
    assert silver["all_bookings"] == Decimal("10000000.00") and silver["share_pct"] == Decimal("0.00")
    # The period counts: the registrations were all submitted today, none last quarter.
    assert channel_performance(period="this_quarter")["totals"]["submitted"] == 3
    assert channel_performance(period="last_quarter")["totals"]["submitted"] == 0


def test_the_api_says_the_same_and_refuses_partners_and_ars(channel, scenario, users):
    body = _zh(channel.cm).get(f"/api/v1/partner-performance?period={PERIOD}&sort=pipeline").json()
    assert body["rows"][0]["partner"]["id"] == str(channel.p2.pk)  # by pipeline: P2's open 3.0M first
    p1 = next(r for r in body["rows"] if r["code"] == "p1")
    assert Decimal(p1["bookings"]) == Decimal("10000000.00") and Decimal(p1["cash"]) == Decimal("1000000.00")
    assert Decimal(p1["mdf_roi_bookings"]) == Decimal("555.56") and Decimal(body["share_pct"]) == 100
    assert p1["tiers"] == [{"category": "Campus Network", "tier": "GOLD"}]
    assert _zh(channel.cm).get("/api/v1/partner-performance?period=next_year").status_code == 422
    for user in (channel.p1_user, users.ar):
        assert _zh(user).get("/api/v1/partner-performance").status_code == 403
        assert _zh(user).get("/partners/performance/").status_code == 403


def test_the_page_reads_in_chinese(channel, scenario, users):
    html = _zh(channel.cm).get(f"/partners/performance/?period={PERIOD}").content.decode()
    for text in ("合作伙伴业绩", "伙伴来源收入占比", "报备转化率", "MDF 投资回报", "合计",
                 'id="chart-pipeline-bookings"', 'id="chart-registration-funnel"', 'id="chart-mdf-return"'):
        assert text in html, text
    assert channel.p1.legal_name in html and "10,000,000.00" in html and "555.56" in html
    # Linked from the partners list; executives read it too.
    assert 'href="/partners/performance/"' in _zh(channel.cm).get("/partners/").content.decode()
    assert _zh(users.executive).get("/partners/performance/?period=this_year&tier=GOLD").status_code == 200


def test_the_blacklisted_partner_is_shown_last_and_greyed(channel, scenario):
    services.partner_blacklist(partner=channel.p1, actor=channel.cm, reason="串货")
    data = channel_performance(period=PERIOD)
    assert data["rows"][-1]["id"] == channel.p1.pk and data["rows"][-1]["status"] == "BLACKLISTED"
    assert channel.p1.legal_name not in data["charts"]["chart-pipeline-bookings"]["labels"]
    html = _zh(channel.cm).get(f"/partners/performance/?period={PERIOD}").content.decode()
    assert 'data-partner="p1" class="text-body-tertiary"' in html


def _queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as seen:
        channel_performance(period=PERIOD, **kwargs)
    return len(seen.captured_queries)


def test_the_queries_do_not_grow_with_the_partners(channel, scenario):
    few = _queries()
    for n in range(6):
        partner = certified_partner(channel.cm, f"more{n}", f"新增伙伴{n}号有限公司", "SILVER",
                                   supplier=channel.distributor)
        register(channel, partner, channel.cm, name=f"新增客户{n}号有限公司")
    many = _queries()
    assert many == few <= 14, (few, many)


def test_the_partner_page_and_api_show_its_conversion_and_mdf_roi(channel, scenario):
    html = _zh(channel.cm).get(f"/partners/{channel.p1.pk}/").content.decode()
    assert 'id="partner-ratios"' in html and "报备转化率" in html and "MDF 回报（签约）" in html
    assert ">100%<" in html and ">166.67<" in html and ">555.56<" in html
    body = _zh(channel.p1_user).get(f"/api/v1/partners/{channel.p1.pk}/performance").json()
    assert (body["registrations_approved"], body["registrations_won"]) == (1, 1)
    assert Decimal(body["conversion_pct"]) == 100 and Decimal(body["mdf_reimbursed"]) == Decimal("18000")
    assert Decimal(body["mdf_roi_pipeline"]) == Decimal("166.67") and Decimal(body["mdf_roi_bookings"]) == Decimal("555.56")
    p2 = _zh(channel.p2_user).get(f"/api/v1/partners/{channel.p2.pk}/performance").json()
    assert Decimal(p2["conversion_pct"]) == 0 and p2["mdf_roi_pipeline"] is None
    # The partner's own user reads its figures, not the comparison of partners.
    assert "对比各伙伴" not in _zh(channel.p1_user).get(f"/partners/{channel.p1.pk}/").content.decode()


def test_pipeline_of_leads_a_partner_submitted_or_accepted_at_the_dated_rate(channel, users, capture, rates):  # noqa: F811
    """A lead P1's user submitted and a lead routed to P2 that P2 accepted, each become an open opportunity: P1's
    in yuan, P2's in dollars valued at the rate of the as-of day (7.00 since five days, not the older 7.20)."""
    today = timezone.localdate()
    FxRate.objects.create(currency_id="USD", quote_currency_id="CNY", valid_on=today - dt.timedelta(days=5),
                          rate=Decimal("7.0"))
    FxRate.objects.create(currency_id="USD", quote_currency_id="CNY", valid_on=today + dt.timedelta(days=1),
                          rate=Decimal("9.9"))  # tomorrow's: not yet
    submitted = capture(actor=channel.p1_user, customer_name="浦东新区人民医院", contact_phone="13800138001")
    assert submitted.source_partner_id == channel.p1.pk
    lead_services.routing_rule_create(actor=users.admin, name="伙伴 p2", priority=10, target="partner",
                                      target_partner_id=channel.p2.pk, offering_line=channel.campus)
    routed = capture(customer_name="临港新片区管委会", contact_phone="13800138002", budget_status="confirmed",
                     pain_confirmed=True, region="east")
    services.offer_accept(offer=LeadOffer.objects.get(lead=routed, partner=channel.p2), actor=channel.p2_user)
    made = {}
    for lead, amount in ((submitted, Money(Decimal("1000000"), "CNY")), (routed, Money(Decimal("100000"), "USD"))):
        made[lead.pk] = opportunity_services.opportunity_create(
            actor=users.ar, customer=channel.hospital, name=f"{lead.title} 商机", amount=amount,
            offering_lines=[channel.campus], owner=users.ar)
        Lead.objects.filter(pk=lead.pk).update(converted_opportunity=made[lead.pk])  # as lead_convert leaves it
    data = channel_performance(period="this_quarter")
    p1, p2 = _row(data, channel.p1), _row(data, channel.p2)
    assert (p1["pipeline"], p1["pipeline_count"]) == (Decimal("1000000.00"), 1)
    assert (p2["pipeline"], p2["pipeline_count"]) == (Decimal("700000.00"), 1)
    # A registered partner on the opportunity claims it first; a closed one is no pipeline.
    Opportunity.objects.filter(pk=made[routed.pk].pk).update(registered_partner_id=channel.p1.pk)
    Opportunity.objects.filter(pk=made[submitted.pk].pk).update(stage="LOST")
    data = channel_performance(period="this_quarter")
    assert _row(data, channel.p1)["pipeline"] == Decimal("700000.00") and _row(data, channel.p2)["pipeline"] == 0
