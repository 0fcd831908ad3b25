"""Campaign fixtures: the East region's FY regional marketing budget of S1 (2.0M CNY)."""

from decimal import Decimal

import pytest

from m2c.campaigns import services


@pytest.fixture
def east_budget(org, users):
    """The HQ corporate budget, and the East regional budget allocated 2.0M from it (S1)."""
    hq = services.budget_create(actor=users.admin, name="2026 公司级市场预算", level="corporate", org_unit=org.hq,
                                fiscal_year=2026, amount=Decimal("10000000"))
    east = services.budget_create(actor=users.admin, name="2026 华东区域市场预算", level="regional", org_unit=org.east,
                                  fiscal_year=2026, parent=hq)
    services.budget_allocate(parent=hq, child=east, actor=users.admin, amount="2000000.00")
    east.refresh_from_db()
    return east


@pytest.fixture
def event(org, lines, users):
    """A regional evaluation-stage seminar in execution, promoting the campus line (issue 11 items 4, 5)."""
    import datetime as dt

    from django.utils import timezone

    from m2c.leads.capture import load_settings
    from tests.leads.factories import CampaignFactory

    load_settings()
    today = timezone.localdate()
    campaign = CampaignFactory(code="east-campus-seminar", name="华东园区网络研讨会", journey_stage="interest",
                               org_unit=org.east, start_date=today, end_date=today + dt.timedelta(days=1),
                               created_by=users.marketing)
    campaign.offering_lines.set([lines.campus])
    return campaign
