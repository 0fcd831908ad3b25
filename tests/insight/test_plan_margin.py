"""Issue 13 gap 2: a business plan's margin target is measured against live bookings. The margin of a won deal
is its contract's price − cost (the ATC-approved quote's totals, as the contracts app exposes them), converted
at the rate of the day it was won; it is shown beside revenue attainment, on the page and over the API."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from m2c.insight import selectors, services
from tests.contracts.conftest import win
from tests.opportunities import flows


def _plan(deal, users, org):
    # 1,234,567.89 USD × 7.2 = 8,888,888.808 → 8,888,888.81 CNY; × 28.5 % = 2,533,333.31085 → 2,533,333.31 CNY.
    return services.business_plan_create(actor=users.marketing, name="华东园区网", org_unit=org.east,
                                         offering_line=deal.lines.campus, period=str(timezone.localdate().year),
                                         revenue_target="1234567.89", currency="USD", margin_target_pct="28.5")


def test_margin_attainment_is_measured_from_the_won_contracts_to_the_fen(deal, users, org, api, client):
    plan = _plan(deal, users, org)
    empty = selectors.business_plan_progress(user=users.executive, plan=plan)
    assert (empty.margin_target, empty.margin_booked, empty.margin_attainment_pct, empty.booked_margin_pct) == (
        Decimal("2533333.31"), Decimal(0), Decimal("0.0"), None)
    # S7's deal won on the two-site quote: 10,000 access points at 1,000 net, cost 700 → price 10,000,000.00,
    # cost 7,000,000.00, margin 3,000,000.00 CNY (30.00 %). An open deal adds pipeline but no margin.
    _opp, _quote, contract = win(deal)
    assert (contract.total_value, contract.total_cost) == (Decimal("10000000"), Decimal("7000000"))
    flows.new_deal(deal, name="Open deal", amount="2000000", expected_sign_date=timezone.localdate())
    progress = selectors.business_plan_progress(user=users.executive, plan=plan)
    assert (progress.target, progress.booked, progress.attainment_pct) == (
        Decimal("8888888.81"), Decimal("10000000"), Decimal("112.5"))
    assert (progress.margin_target, progress.margin_booked, progress.margin_revenue, progress.margin_deals) == (
        Decimal("2533333.31"), Decimal("3000000.00"), Decimal("10000000.00"), 1)
    # 3,000,000.00 / 2,533,333.31 = 118.42…% ; 3,000,000 / 10,000,000 = 30.00 %.
    assert (progress.margin_attainment_pct, progress.booked_margin_pct) == (Decimal("118.4"), Decimal("30.00"))
    # The North AR sees none of the East deals: the same plan has no margin for them.
    north = selectors.business_plan_progress(user=users.ar_north, plan=plan)
    assert (north.margin_booked, north.margin_deals) == (Decimal(0), 0)

    body = api(users.executive).get(f"/business-plans/{plan.pk}").json()
    assert body["margin_target"] == {"amount": "2533333.31", "currency": "CNY"}
    assert body["margin_booked"] == {"amount": "3000000.00", "currency": "CNY"}
    assert (body["margin_attainment_pct"], body["booked_margin_pct"], body["attainment_pct"]) == (
        "118.4", "30.00", "112.5")

    client.force_login(users.executive)
    client.cookies["m2c_language"] = "zh-hans"
    page = client.get("/insight/plans/").content.decode()
    assert "毛利达成率" in page and "118.4%" in page and "112.5%" in page
    assert "3,000,000.00" in page and "2,533,333.31" in page and "(30.00%)" in page
