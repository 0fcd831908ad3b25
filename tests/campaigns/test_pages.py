"""The campaign pages: marketing plans and moves campaigns in Chinese, executives read, others are refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from m2c.campaigns.models import Campaign
from m2c.core.models import Event
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _client(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["m2c_language"] = language
    client.force_login(user)
    return client


def _plan(lines, **overrides):
    data = {
        "code": "", "name": "2027 教育行业峰会", "level": "regional", "journey_stage": "interest", "org_unit": "",
        "start_date": "2027-03-23", "end_date": "2027-03-25", "target_valid_leads": "40", "target_opportunities": "10",
        "currency": "CNY", "target_pipeline": "20000000.00", "web_form_enabled": "on",
        "offering_lines": [str(lines.campus.pk), str(lines.wlan.pk)],
    }
    data.update(overrides)
    return data


def test_marketing_creates_a_campaign_in_chinese_and_reads_it_back(users, org, lines):
    client = _client(users.marketing)
    response = client.post("/campaigns/new/", _plan(lines, org_unit=str(org.east.pk)))
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(name="2027 教育行业峰会")
    assert response["Location"] == f"/campaigns/{campaign.pk}/"
    assert (campaign.level, campaign.journey_stage, campaign.org_unit, campaign.status) == (
        "regional", "interest", org.east, "DRAFT")
    assert (campaign.start_date, campaign.end_date) == (dt.date(2027, 3, 23), dt.date(2027, 3, 25))
    assert campaign.target_pipeline == Decimal("20000000") and campaign.currency == "CNY"
    assert sorted(campaign.offering_lines.values_list("code", flat=True)) == ["campus", "wlan"]
    assert campaign.code.endswith("-20270323")
    assert Event.objects.for_subject(campaign).get().event_type == "campaigns.campaign.created"
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "2027 教育行业峰会" in page and "草稿" in page and "园区网络" in page
    assert f"/leads/campaigns/{campaign.code}/" in page  # its lead outcomes
    assert 'id="do-submit"' in page and 'id="do-approve"' not in page  # only the moves the table allows


def test_marketing_edits_a_campaign_and_the_event_keeps_old_and_new(users, org, lines):
    campaign = CampaignFactory(name="春季路演", status="DRAFT", start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 3, 31))
    client = _client(users.marketing)
    form = client.get(f"/campaigns/{campaign.pk}/edit/").content.decode()
    assert 'value="2027-03-01"' in form  # the wire format in Chinese
    data = _plan(lines, name="春季路演（华东）", start_date="2027-03-01", end_date="2027-04-15", version=campaign.version)
    del data["code"]
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign.refresh_from_db()
    assert campaign.name == "春季路演（华东）" and campaign.end_date == dt.date(2027, 4, 15)
    event = Event.objects.for_subject(campaign).get(event_type="campaigns.campaign.updated")
    assert event.payload["changes"]["end_date"] == ["2027-03-31", "2027-04-15"]
    assert event.actor == users.marketing


def test_an_invalid_value_is_named_beside_its_field_and_nothing_is_written(users, lines):
    client = _client(users.marketing)
    response = client.post("/campaigns/new/", _plan(lines, end_date="2027-03-01"))
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field="end_date"' in page and "活动结束日期不能早于开始日期" in page
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("role", ["ar", "sr", "finance", "partner"])
def test_a_role_that_does_not_plan_is_refused_and_changes_nothing(users, lines, role):
    campaign = CampaignFactory(name="春季路演", status="DRAFT")
    client = _client(getattr(users, role))
    assert client.get("/campaigns/").status_code == 403
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 403
    assert client.post(f"/campaigns/{campaign.pk}/edit/", _plan(lines, name="改名")).status_code == 403
    assert client.post("/campaigns/new/", _plan(lines)).status_code == 403
    assert client.post(f"/campaigns/{campaign.pk}/do/cancel/", {"reason": "x"}).status_code == 403
    campaign.refresh_from_db()
    assert (campaign.name, campaign.status) == ("春季路演", "DRAFT")
    assert Campaign.objects.count() == 1 and not Event.objects.exists()


def test_an_executive_reads_but_sees_no_buttons_and_cannot_edit(users):
    campaign = CampaignFactory(name="春季路演", status="DRAFT")
    client = _client(users.executive)
    assert "春季路演" in client.get("/campaigns/").content.decode()
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "do-submit" not in page and "edit-campaign" not in page
    assert client.get(f"/campaigns/{campaign.pk}/edit/").status_code == 403


def test_buttons_move_the_campaign_through_the_table_and_a_guard_refusal_changes_nothing(users, east_budget):
    campaign = CampaignFactory(name="春季路演", status="DRAFT", target_valid_leads=0, target_opportunities=0,
                               target_pipeline=Decimal(0), budget=east_budget, budget_amount=Decimal("150000"))
    client = _client(users.marketing)
    response = client.post(f"/campaigns/{campaign.pk}/do/submit/", follow=True)
    assert "至少设定一个目标成果" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == "DRAFT"
    Campaign.objects.filter(pk=campaign.pk).update(target_valid_leads=40)
    client.post(f"/campaigns/{campaign.pk}/do/submit/")
    client.post(f"/campaigns/{campaign.pk}/do/approve/")
    refused = client.post(f"/campaigns/{campaign.pk}/do/cancel/", {"reason": ""}, follow=True)
    assert Campaign.objects.get(pk=campaign.pk).status == "APPROVED"
    assert "do-cancel" in refused.content.decode()
    client.post(f"/campaigns/{campaign.pk}/do/cancel/", {"reason": "预算冻结"})
    campaign.refresh_from_db()
    assert campaign.status == "CANCELLED"
    assert client.get(f"/campaigns/{campaign.pk}/edit/").status_code == 200  # the page opens; the service refuses
    response = client.post(f"/campaigns/{campaign.pk}/edit/", {"name": "x"})
    assert Campaign.objects.get(pk=campaign.pk).name == "春季路演"


def test_the_list_filters_by_status_and_search(users):
    CampaignFactory(name="春季路演", status="DRAFT")
    CampaignFactory(name="秋季峰会", status="APPROVED")
    client = _client(users.marketing)
    page = client.get("/campaigns/", {"status": "APPROVED"}).content.decode()
    assert "秋季峰会" in page and "春季路演" not in page
    page = client.get("/campaigns/", {"search": "春季"}, HTTP_HX_REQUEST="true").content.decode()
    assert "春季路演" in page and "秋季峰会" not in page and "<html" not in page
