"""One journey (issue 11 item 3): a nurtured lead is pointed to the next buyer-journey stage's campaign in
its region and offering line, not to a random event."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from m2c.campaigns.selectors import next_campaign_for, next_stage
from m2c.leads import services as lead_services
from m2c.leads.capture import load_settings
from m2c.leads.models import Lead
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _campaign(name, stage, unit, lines, *, start=10, level="regional", status="APPROVED", ended=False):
    today = timezone.localdate()
    c = CampaignFactory(name=name, journey_stage=stage, org_unit=unit, level=level, status=status,
                        start_date=today + dt.timedelta(days=start),
                        end_date=today - dt.timedelta(days=1) if ended else today + dt.timedelta(days=start + 2))
    c.offering_lines.set(lines)
    return c


def test_the_next_stage_campaign_is_the_soonest_in_the_region_and_line(org, lines):
    assert [next_stage(s) for s in ("awareness", "interest", "evaluation", "decision", "loyalty")] == [
        "interest", "evaluation", "decision", "loyalty", None]
    east = _campaign("华东决策研讨会", "decision", org.east, [lines.campus], start=20)
    corporate = _campaign("总部客户高层会", "decision", org.hq, [lines.campus], start=30, level="corporate")
    _campaign("华北决策研讨会", "decision", org.north, [lines.campus], start=5)  # another region
    _campaign("已结束的决策会", "decision", org.east, [lines.campus], start=-10, ended=True)
    _campaign("华东评估沙龙", "evaluation", org.east, [lines.campus], start=3)  # the same stage, not the next
    _campaign("数据中心决策会", "decision", org.east, [lines.dc], start=4)  # another offering line
    _campaign("草稿决策会", "decision", org.east, [lines.campus], start=2, status="DRAFT")
    assert next_campaign_for(stage="evaluation", offering_line_ids=[lines.campus.pk], region=org.east) == east
    assert next_campaign_for(stage="evaluation", offering_line_ids=[lines.campus.pk], region=org.beijing) == corporate
    assert next_campaign_for(stage="loyalty", offering_line_ids=[lines.campus.pk], region=org.east) is None


def test_a_nurtured_lead_page_names_its_next_campaign_in_chinese(users, org, lines):
    load_settings()
    east = _campaign("华东决策研讨会", "decision", org.east, [lines.campus], start=20)
    lead, _ = lead_services.lead_create(actor=users.marketing, data={
        "customer_name": "申江大学", "contact_phone": "13800138000", "offering_lines": ["campus"], "region": "east"})
    Lead.objects.filter(pk=lead.pk).update(status="RECYCLED", journey_stage="evaluation", owner=None)
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert 'id="next-campaign"' in page and "华东决策研讨会" in page and "购买旅程的下一步" in page
    Lead.objects.filter(pk=lead.pk).update(status="ASSIGNED", owner=users.ar)
    assert 'id="next-campaign"' not in client.get(f"/leads/{lead.pk}/").content.decode()
    assert east.status == "APPROVED"
