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


def test_the_enablement_center_lists_its_regions_certificates_about_to_expire(users, org, lines, client):
    from m2c.enablement import services as enablement

    center = OrgUnitFactory(code="east-enable", name="华东赋能中心", type=OrgUnit.Type.ENABLEMENT_CENTER, parent=org.east)
    today = timezone.localdate()
    expiring = enablement.certificate_issue(actor=None, system=True, offering_line=lines.campus, track="sales",
                                            level="associate", holder_user=users.ar, org_unit=org.shanghai,
                                            valid_from=today - dt.timedelta(days=700), validity_days=720)
    enablement.certificate_issue(actor=None, system=True, offering_line=lines.campus, track="sales",
                                 level="associate", holder_user=users.ar_north, org_unit=org.beijing,
                                 valid_from=today - dt.timedelta(days=700), validity_days=720)
    enablement.certificate_issue(actor=None, system=True, offering_line=lines.wlan, track="sales", level="associate",
                                 holder_user=users.sr, org_unit=org.east, valid_from=today)
    queue = selectors.center_queue(user=users.admin, center=center)
    assert [c.pk for c in queue["certificates_expiring"]] == [expiring.pk]  # East only, and only the one due
    client.force_login(users.admin)
    page = client.get(f"/insight/centers/{center.pk}/").content.decode()
    assert expiring.number in page
