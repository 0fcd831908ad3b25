"""The year's campaign plan: swim lanes by level × journey stage over the months, filtered by region and
offering line, with the budget used per level; only marketing, executives and administrators see it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(user)
    return client


def test_the_plan_shows_each_campaign_in_its_lane_and_month(users, org, lines):
    launch = CampaignFactory(name="2027 新品发布会", level="corporate", journey_stage="awareness", org_unit=org.hq,
                             start_date=dt.date(2027, 3, 20), end_date=dt.date(2027, 3, 21), status="APPROVED",
                             committed_amount=Decimal("1200000"))
    east = CampaignFactory(name="华东智慧园区巡展", level="regional", journey_stage="evaluation", org_unit=org.east,
                           start_date=dt.date(2027, 5, 10), end_date=dt.date(2027, 7, 2), status="DRAFT")
    north = CampaignFactory(name="华北教育峰会", level="regional", journey_stage="interest", org_unit=org.north,
                            start_date=dt.date(2026, 12, 1), end_date=dt.date(2027, 1, 15), status="APPROVED")
    CampaignFactory(name="已取消的活动", level="regional", org_unit=org.east, start_date=dt.date(2027, 2, 1),
                    end_date=dt.date(2027, 2, 2), status="CANCELLED")
    east.offering_lines.set([lines.campus])
    page = _client(users.marketing).get("/campaigns/plan/", {"year": "2027"}).content.decode()
    assert "2027 年营销活动规划" in page and "已取消的活动" not in page
    assert f'style="grid-column: 3 / 4" href="/campaigns/{launch.pk}/"' in page  # March
    assert f'style="grid-column: 5 / 8" href="/campaigns/{east.pk}/"' in page  # May to July
    assert f'style="grid-column: 1 / 2" href="/campaigns/{north.pk}/"' in page  # from last year into January
    assert "120万 CNY" in page  # the corporate level's commitment beside the plan
    filtered = _client(users.marketing).get("/campaigns/plan/", {"year": "2027", "region": "north"}).content.decode()
    assert "华北教育峰会" in filtered and "2027 新品发布会" in filtered and "华东智慧园区巡展" not in filtered
    by_line = _client(users.marketing).get("/campaigns/plan/", {"year": "2027", "offering_line": "campus"}).content.decode()
    assert "华东智慧园区巡展" in by_line and "华北教育峰会" not in by_line


@pytest.mark.parametrize("who", ["ar", "finance", "partner"])
def test_other_roles_do_not_see_the_plan(users, who):
    assert _client(getattr(users, who)).get("/campaigns/plan/").status_code == 403
