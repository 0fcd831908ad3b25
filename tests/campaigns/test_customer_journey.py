"""The customer's buyer journey (brief `journey` gaps 1 and 2): the customer page shows the stage, the
responses that moved it and the next stage's campaign; the nurture list and the lead page suggest the
next stage's campaign from the CUSTOMER's stage, even when the lead was captured at an earlier one."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from m2c.campaigns.selectors_journey import customer_journey, next_campaign_for_lead, nurture_list
from m2c.campaigns.services.responses import response_create
from m2c.core.models import Role
from m2c.leads import services as lead_services
from m2c.leads.capture import load_settings
from m2c.leads.models import Lead
from tests.factories import CustomerFactory, UserFactory
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _campaign(code, name, stage, unit, lines, *, start=10, status="APPROVED"):
    today = timezone.localdate()
    c = CampaignFactory(code=code, name=name, journey_stage=stage, org_unit=unit, level="regional", status=status,
                        start_date=today + dt.timedelta(days=start), end_date=today + dt.timedelta(days=start + 2))
    c.offering_lines.set(lines)
    return c


@pytest.fixture
def journey(org, lines, users):
    """申江大学 (Shanghai, in the East region) responded to an interest-stage webinar, then asked for a
    meeting at an evaluation-stage workshop; its nurtured lead was captured at the interest stage."""
    load_settings()
    customer = CustomerFactory(legal_name="申江大学", org_unit=org.shanghai)
    webinar = _campaign("campus-webinar", "园区网络直播", "interest", org.east, [lines.campus], start=-20, status="IN_EXECUTION")
    workshop = _campaign("campus-workshop", "园区方案评估工作坊", "evaluation", org.east, [lines.campus], start=-5,
                         status="IN_EXECUTION")
    evaluation_next = _campaign("campus-eval-salon", "园区评估沙龙", "evaluation", org.east, [lines.campus], start=5)
    decision_next = _campaign("campus-decision", "华东园区决策研讨会", "decision", org.east, [lines.campus], start=20)
    contact = {"name": "王芳", "company": "申江大学", "email": "wang.fang@sju.edu.cn"}
    early = timezone.now() - dt.timedelta(days=20)
    response_create(campaign=webinar, type="registration", source="import", data=contact, responded_at=early)
    response_create(campaign=workshop, type="meeting_request", source="import", data=contact,
                    responded_at=early + dt.timedelta(days=15))
    lead, _ = lead_services.lead_create(actor=users.marketing, data={
        "customer_name": "申江大学", "contact_phone": "13800138000", "offering_lines": ["campus"], "region": "east"})
    Lead.objects.filter(pk=lead.pk).update(status="RECYCLED", journey_stage="interest", customer=customer, owner=None)
    lead.refresh_from_db()
    return {"customer": customer, "lead": lead, "webinar": webinar, "workshop": workshop,
            "evaluation_next": evaluation_next, "decision_next": decision_next}


def test_the_customer_journey_reads_stage_moves_and_next_campaign(journey):
    found = customer_journey(customer=journey["customer"])
    assert found["stage"] == "evaluation"
    assert [(m["campaign"], m["type"], m["from_stage"], m["to_stage"]) for m in found["moves"]] == [
        (journey["webinar"], "registration", "", "interest"),
        (journey["workshop"], "meeting_request", "interest", "evaluation")]
    assert found["moves"][0]["at"] < found["moves"][1]["at"]
    assert found["next_campaign"] == journey["decision_next"]
    assert [s["reached"] for s in found["stages"]] == [True, True, True, False, False]
    assert customer_journey(customer=CustomerFactory())["stage"] == "" and not customer_journey(
        customer=CustomerFactory())["moves"]


def test_the_customer_page_in_chinese_shows_the_journey(journey, users):
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    page = client.get(f"/customers/{journey['customer'].pk}/").content.decode()
    assert 'id="journey"' in page and "购买旅程" in page
    assert '<strong id="journey-stage">评估</strong>' in page
    moves = page.split('id="journey-moves"')[1].split("</table>")[0]
    assert "园区网络直播" in moves and "园区方案评估工作坊" in moves and "会议请求" in moves
    assert timezone.localdate(timezone.now() - dt.timedelta(days=20)).isoformat() in moves
    nxt = page.split('id="journey-next"')[1].split("</div>")[0]
    assert "华东园区决策研讨会" in nxt and "园区评估沙龙" not in nxt
    empty = client.get(f"/customers/{CustomerFactory(org_unit=journey['customer'].org_unit).pk}/").content.decode()
    assert 'id="journey-none"' in empty


def test_the_customers_stage_decides_the_suggestion_even_if_its_lead_says_otherwise(journey, users):
    lead = journey["lead"]
    assert lead.journey_stage == "interest"  # the lead alone would suggest the evaluation salon
    assert next_campaign_for_lead(lead) == journey["decision_next"]
    rows = nurture_list(user=users.marketing)
    (row,) = [r for r in rows if r["customer"] == journey["customer"]]
    assert (row["stage"], row["whose"], row["next_campaign"]) == ("evaluation", "customer", journey["decision_next"])
    assert row["leads"] == [lead]
    # The lead page says the same.
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert "华东园区决策研讨会" in page.split('id="next-campaign"')[1].split("</div>")[0]


def test_a_lead_without_a_customer_journey_keeps_its_own_stage(journey, users):
    lead, _ = lead_services.lead_create(actor=users.marketing, data={
        "customer_name": "钱塘学院", "contact_phone": "13900139000", "offering_lines": ["campus"], "region": "east"})
    Lead.objects.filter(pk=lead.pk).update(status="NURTURING", journey_stage="interest", customer=None)
    lead.refresh_from_db()
    assert next_campaign_for_lead(lead) == journey["evaluation_next"]
    (row,) = [r for r in nurture_list(user=users.marketing) if r["leads"] == [lead]]
    assert (row["whose"], row["next_campaign"]) == ("lead", journey["evaluation_next"])


def test_the_nurture_page_in_chinese_and_who_may_not_see_it(journey, users):
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    page = client.get("/campaigns/nurture/").content.decode()
    row = page.split(f'id="nurture-{journey["customer"].pk}"')[1].split("</tr>")[0]
    assert "申江大学" in row and "华东园区决策研讨会" in row and "评估" in row and "培育名单" in page
    client.force_login(users.ar)
    assert client.get("/campaigns/nurture/").status_code == 403
    client.force_login(users.ar_north)
    assert client.get("/campaigns/nurture/").status_code == 403


def test_the_api_gives_the_moves_and_the_next_campaign_and_hides_them_from_another_region(journey, api, users, org):
    body = api(users.marketing).get(f"/customers/{journey['customer'].pk}/journey").json()
    assert body["stage"] == "evaluation"
    assert [(m["campaign"], m["campaign_name"], m["response_type"], m["from_stage"], m["to_stage"])
            for m in body["moves"]] == [
        ("campus-webinar", "园区网络直播", "registration", "", "interest"),
        ("campus-workshop", "园区方案评估工作坊", "meeting_request", "interest", "evaluation")]
    assert body["next_campaign"]["code"] == "campus-decision" and body["next_campaign"]["journey_stage"] == "decision"
    north_marketing = UserFactory(username="mkt.north", roles=[Role.MARKETING], org_unit=org.north)
    hidden = api(north_marketing).get(f"/customers/{journey['customer'].pk}/journey")
    assert hidden.status_code == 404 and "园区" not in hidden.content.decode()
    assert api(users.ar).get(f"/customers/{journey['customer'].pk}/journey").status_code == 403  # not a campaign reader
