"""Fixtures for the contracts tests: University A's deal of S7 won on a two-site quote (North 60%, South 40%)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from m2c.contracts.models import Contract
from m2c.opportunities import services
from m2c.opportunities.states import TeamRole
from tests.opportunities import conftest as opportunity_fixtures
from tests.opportunities import flows

M = Decimal(1_000_000)
# The deal of S5–S7 (University A, its iron triangle, the three SDTs) is the opportunities tests' fixture.
deal = opportunity_fixtures.deal
rates = opportunity_fixtures.rates


def two_site_quote(opp: Any, deal: Any) -> Any:
    """10.0M net: 6,000 access points for Campus North and 4,000 for Campus South (list 1,000, cost 700)."""
    q = services.quote_create(opportunity=opp, actor=deal.sr, price_list=deal.price_list)
    services.quote_line_add(quote=q, actor=deal.sr, product=deal.products.ap, quantity="6000", site="北校区 Campus North")
    services.quote_line_add(quote=q, actor=deal.sr, product=deal.products.ap, quantity="4000", site="南校区 Campus South")
    q = services.quote_request_approval(quote=q, actor=deal.sr)
    q.refresh_from_db()
    return q


def to_o4_two_sites(deal: Any, **kwargs: Any) -> tuple[Any, Any]:
    opp = flows.to_o3(deal, **kwargs)
    q = two_site_quote(opp, deal)
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.FR, user=deal.fr)
    review = flows.submit(opp, "ATB", deal.ar)
    flows.decide(review, deal.sdt_shanghai, "GO", floor_price=Decimal("9400000"))
    services.bid_submit(bid=opp.bids.get(), actor=deal.ar, quote=q)
    return services.opportunity_advance(opportunity=opp, actor=deal.ar), q


def win(deal: Any, **kwargs: Any) -> tuple[Any, Any, Contract]:
    opp, q = to_o4_two_sites(deal, **kwargs)
    review = flows.submit(opp, "ATC", deal.ar, answers={"credit_used": "1000000", "retention_pct": "10"})
    flows.decide(review, deal.sdt_east, "GO")
    opp = services.opportunity_win(opportunity=opp, actor=deal.ar)
    return opp, q, Contract.objects.get(opportunity=opp)


@pytest.fixture
def won(deal: Any) -> SimpleNamespace:
    opp, quote, contract = win(deal)
    return SimpleNamespace(opp=opp, quote=quote, contract=contract, deal=deal, today=timezone.localdate())
