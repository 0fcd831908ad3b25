"""Fixtures of the leads tests: campaigns, customers of the small organisation, a capture helper."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from m2c.customers.demo import load_territories
from m2c.leads import services
from m2c.leads.capture import load_settings
from tests.factories import CustomerFactory

from .factories import CampaignFactory


@pytest.fixture
def roadshow(org: SimpleNamespace, lines: SimpleNamespace) -> Any:
    campaign = CampaignFactory(code="smart-campus-roadshow", name="Smart Campus Roadshow", level="regional",
                               org_unit=org.east, target_valid_leads=40, actual_spend=Decimal("185000"))
    campaign.offering_lines.set([lines.campus, lines.wlan])
    return campaign


@pytest.fixture
def launch(org: SimpleNamespace) -> Any:
    return CampaignFactory(code="corporate-launch", name="Corporate Launch Event", level="corporate", org_unit=org.hq)


@pytest.fixture
def rules(db: Any) -> Any:
    return load_settings()


@pytest.fixture(autouse=True)
def territories(request: pytest.FixtureRequest) -> int:
    """The demo territories (province → region, industry → customer group) over the test organisation."""
    if "org" not in request.fixturenames:
        return 0
    request.getfixturevalue("org")
    return load_territories()


@pytest.fixture
def university_a(org: SimpleNamespace, users: SimpleNamespace) -> Any:
    return CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai,
                           customer_group=org.education, industry="education", tier="named", ar_owner=users.ar)


@pytest.fixture
def capture(users: SimpleNamespace, lines: SimpleNamespace, rules: Any) -> Any:
    """``capture(**fields)`` captures one lead through the API service as marketing (or ``actor``)."""

    def make(actor: Any = None, **data: Any) -> Any:
        data.setdefault("offering_lines", ["campus"])
        lead, _outcome = services.lead_create(actor=actor or users.marketing, data=data)
        return lead

    return make
