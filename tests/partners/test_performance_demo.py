"""The demo data feeds the partner performance view and routes a lead to the gold partner (issue 12 item 8):
a PARTNER routing rule offers the East China education customer's campus lead to the gold partner, whose
portal user finds it; several partners have figures on the channel manager's page."""

from __future__ import annotations

from typing import Any

import pytest

from m2c.core.models import User
from m2c.leads.models import Lead, RoutingRule
from m2c.partners.models import LeadOffer, Partner
from m2c.partners.performance_channel import channel_performance
from tests import demo_data
from tests.clients import zh_client as _zh


@pytest.fixture
def demo(transactional_db: Any) -> None:
    demo_data.load(customers=12)  # the walks' copy (tests/demo_data.py)


def test_the_demo_routes_a_lead_to_the_gold_partner_and_fills_the_performance_page(demo):
    gold = Partner.objects.get(code="gold-huaxin")
    rule = RoutingRule.objects.get(target=RoutingRule.Target.PARTNER)
    assert rule.target_partner_id == gold.pk and rule.offering_line.code == "campus"
    lead = Lead.objects.get(external_ref__endswith="demo-partner-routed")
    offer = LeadOffer.objects.get(lead=lead)
    assert offer.partner == gold and offer.status == "OFFERED" and lead.status == "ASSIGNED" and lead.owner_id is None
    assert lead.routing_rule_id == rule.pk
    # The gold partner's portal user sees it; the silver partner's does not.
    assert "浦江师范学院" in _zh(User.objects.get(username="partner.p1")).get("/partners/leads/").content.decode()
    assert "浦江师范学院" not in _zh(User.objects.get(username="partner.p2")).get("/partners/leads/").content.decode()
    # The channel manager's page has figures for several partners.
    data = channel_performance()
    busy = [r for r in data["rows"] if r["pipeline"] or r["bookings"]]
    assert len(busy) >= 2, [(r["code"], r["pipeline"], r["bookings"]) for r in data["rows"]]
    assert data["totals"]["bookings"] > 0 and data["totals"]["submitted"] >= 3 and data["share_pct"] > 0
    page = _zh(User.objects.get(username="cm.zhou")).get("/partners/performance/")
    assert page.status_code == 200 and gold.legal_name in page.content.decode()
