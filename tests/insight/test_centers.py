"""The front-line centers: each center's home shows its region's queue; other regions see nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from m2c.core.models import OrgUnit
from m2c.insight import selectors, services
from tests.factories import OrgUnitFactory


def test_the_strategy_center_queue_and_its_scope(users, org, deal, client):
    center = OrgUnitFactory(code="east-strategy", name="华东市场策略中心", type=OrgUnit.Type.STRATEGY_CENTER,
                            parent=org.east)
    campaign_center = OrgUnitFactory(code="east-campaign", name="华东营销活动中心",
                                     type=OrgUnit.Type.CAMPAIGN_CENTER, parent=org.east)
    today = timezone.localdate()
    due = services.insight_report_create(actor=users.marketing, title="行业洞察", report_type="industry",
                                         org_unit=org.east, due_on=today + dt.timedelta(days=5))
    services.insight_report_create(actor=users.marketing, title="明年再说", report_type="self", org_unit=org.east,
                                   due_on=today + dt.timedelta(days=90))
    queue = selectors.center_queue(user=users.marketing, center=center)
    assert [r.pk for r in queue["reports_due"]] == [due.pk] and queue["region"] == org.east
    assert "campaigns_to_plan" in selectors.center_queue(user=users.marketing, center=campaign_center)
    assert set(selectors.center_list(user=users.marketing)) == {center, campaign_center}
    assert not selectors.center_queryset(users.ar_north).exists()
    client.force_login(users.marketing)
    page = client.get(f"/insight/centers/{center.pk}/").content.decode()
    assert "行业洞察" in page and 'id="reports-due"' in page
    client.force_login(users.ar_north)
    assert client.get(f"/insight/centers/{center.pk}/").status_code == 404
