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
