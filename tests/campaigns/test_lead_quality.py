"""Lead-quality feedback per campaign and per source (domain.md 7.7): leads captured for a campaign through
the real capture, accepted, disqualified and converted by sales through the lead services; the counts,
reasons and rates on the selector, the campaign page (with its stacked bar), the report, the evaluation
snapshot and the API."""

import datetime as dt
import json

import pytest
from django.test import Client

from m2c.campaigns import services as campaign_services
from m2c.campaigns.lead_quality import campaign_lead_quality
from m2c.leads import services
from m2c.leads.models import Lead
from tests.leads.conftest import capture, roadshow, rules, territories  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcomes(users, org, roadshow, capture):  # noqa: F811
    """Five leads of the roadshow: converted, disqualified (no budget), invalid (no contact), assigned and
    not yet accepted, and a web-form lead that names the campaign too."""
    good = {"contact_phone": "13800138000", "contact_role": "decision_maker", "estimated_amount": "1000000",
            "expected_purchase_date": str(dt.date.today() + dt.timedelta(days=100)), "budget_status": "confirmed",
            "pain_confirmed": True, "region": "ro-shanghai", "source_campaign": roadshow.code}
    converted = capture(customer_name="申江大学", title="申江大学园区网", **good)
    services.lead_assign(lead=converted, actor=users.marketing, owner=users.ar)
    services.lead_accept(lead=Lead.objects.get(pk=converted.pk), actor=users.ar)
    services.lead_log_activity(lead=converted, actor=users.ar, type="call", subject="需求沟通")
    services.lead_convert(lead=Lead.objects.get(pk=converted.pk), actor=users.ar)
    dropped = capture(customer_name="浦江学院", title="浦江学院无线", **{**good, "contact_phone": "13900139000"})
    services.lead_assign(lead=dropped, actor=users.marketing, owner=users.ar)
    services.lead_accept(lead=Lead.objects.get(pk=dropped.pk), actor=users.ar)
    services.lead_disqualify(lead=Lead.objects.get(pk=dropped.pk), actor=users.ar, reason="no_budget")
    invalid = capture(customer_name="某学校", title="无联系人", source_campaign=roadshow.code, region="ro-shanghai")
    pending = capture(customer_name="东海大学", title="东海大学数据中心", **{**good, "contact_phone": "13700137000"})
    web = capture(customer_name="南湖大学", title="南湖大学官网咨询", source_type="web",
                  **{**good, "contact_phone": "13600136000"})
    leads = {k: Lead.objects.get(pk=v.pk) for k, v in
             {"converted": converted, "dropped": dropped, "invalid": invalid, "pending": pending, "web": web}.items()}
    assert [leads[k].status for k in leads] == ["CONVERTED", "DISQUALIFIED", "INVALID", "ASSIGNED", "ASSIGNED"]
    return leads


def test_accepted_rejected_with_reasons_and_converted_per_source(outcomes, roadshow):  # noqa: F811
    report = campaign_lead_quality(roadshow)
    rows = {row["key"]: row for row in report["rows"]}
    assert set(rows) == {"campaign", "web"}
    campaign = rows["campaign"]
    assert (campaign["leads"], campaign["accepted"], campaign["rejected"], campaign["converted"]) == (4, 2, 2, 1)
    assert (campaign["in_work"], campaign["pending"], campaign["invalid"], campaign["disqualified"]) == (0, 1, 1, 1)
    reasons = {(r["kind"], r["code"]): r["count"] for r in campaign["reasons"]}
    assert reasons[("disqualified", "no_budget")] == 1
    assert ("invalid", "no_contact") in reasons
    assert (str(campaign["acceptance_rate"]), str(campaign["rejection_rate"]), str(campaign["conversion_rate"]),
            str(campaign["accepted_conversion_rate"])) == ("0.500", "0.500", "0.250", "0.500")
    assert (rows["web"]["leads"], rows["web"]["pending"], rows["web"]["acceptance_rate"]) == (1, 1, 0)
    total = report["total"]
    assert (total["leads"], total["accepted"], total["rejected"], total["converted"]) == (5, 2, 2, 1)
    assert str(total["acceptance_rate"]) == "0.400"


def test_the_campaign_page_the_report_and_the_api_show_it_in_chinese(outcomes, roadshow, users, api):  # noqa: F811
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    page = client.get(f"/campaigns/{roadshow.pk}/").content.decode()
    assert "线索质量反馈" in page and "无预算" in page
    charts = json.loads(page.split('id="page-charts" type="application/json">')[1].split("</script>")[0])
    chart = charts["chart-lead-quality"]
    assert chart["stacked"] is True and len(chart["labels"]) == 2
    assert {s["name"]: s["data"] for s in chart["series"]}["已转化"] == [1, 0]
    report = client.get("/campaigns/lead-quality/").content.decode()
    assert roadshow.name in report and "按线索来源" in report
    body = api(users.executive).get(f"/campaigns/{roadshow.pk}/lead-quality").json()
    assert body["total"]["accepted"] == 2 and body["total"]["converted"] == 1
    by_campaign = api(users.executive).get("/lead-quality", {"group_by": "campaign"}).json()
    assert [(r["label"], r["leads"]) for r in by_campaign["rows"]] == [(roadshow.name, 5)]
    assert api(users.ar).get(f"/campaigns/{roadshow.pk}/lead-quality").status_code == 403


def test_the_evaluation_keeps_the_lead_quality_of_its_day(outcomes, roadshow, users):  # noqa: F811
    from django.utils import timezone

    roadshow.status, roadshow.end_date = "EXECUTED", timezone.localdate() - dt.timedelta(days=31)
    roadshow.save(update_fields=["status", "end_date"])
    campaign_services.evaluations_schedule()
    t30 = campaign_services.evaluation_record(evaluation=roadshow.evaluations.get(), actor=users.marketing,
                                              review="线索质量尚可，无预算是主要拒绝原因")
    quality = t30.figures["lead_quality"]
    assert (quality["leads"], quality["accepted"], quality["rejected"], quality["converted"]) == (5, 2, 2, 1)
    assert {"kind": "disqualified", "code": "no_budget", "count": 1} in quality["reasons"]
