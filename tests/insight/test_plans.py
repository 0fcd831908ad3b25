"""Business plans tracked against live bookings, and key-account plans with the customer's decision chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event
from m2c.insight import selectors, services
from m2c.insight.models import KeyAccountPlan
from m2c.opportunities.models import Opportunity
from tests.opportunities import flows

M = Decimal(1_000_000)


def test_period_ranges():
    assert selectors.period_range("2026") == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert selectors.period_range("2026Q1") == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert selectors.period_range("2026Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


@pytest.fixture
def plan(deal, users, org):
    year = str(timezone.localdate().year)
    return services.business_plan_create(actor=users.marketing, name="华东园区网", org_unit=org.east,
                                         offering_line=deal.lines.campus, period=year, revenue_target="1000000",
                                         currency="USD", margin_target_pct="28.5")


def test_a_business_plan_is_tracked_against_won_deals_in_its_period(plan, deal, users):
    # Target 1M USD × 7.2 = 7.2M CNY. A won 3M deal and an open 2M deal expected this year.
    won = flows.new_deal(deal, name="Won deal", amount="3000000",
                         expected_sign_date=timezone.localdate())
    Opportunity.objects.filter(pk=won.pk).update(stage="WON", closed_at=timezone.now())
    flows.new_deal(deal, name="Open deal", amount="2000000", expected_sign_date=timezone.localdate())
    progress = selectors.business_plan_progress(user=users.executive, plan=plan)
    assert (progress.target, progress.booked, progress.pipeline, progress.won_count) == (
        Decimal("7200000.00"), 3 * M, 2 * M, 1)
    assert progress.attainment_pct == Decimal("41.7") and progress.gap == Decimal("4200000.00")
    # The North AR sees none of the East deals: the same plan reads zero for them.
    assert selectors.business_plan_queryset(users.ar_north).count() == 0


def test_business_plans_are_marketing_s_and_checked(plan, deal, users, org):
    with pytest.raises(PermissionDenied):
        services.business_plan_update(plan=plan, actor=users.ar, revenue_target="5")
    with pytest.raises(ValidationFailed) as exc:
        services.business_plan_create(actor=users.marketing, name="x", org_unit=org.east,
                                      offering_line=deal.lines.campus, period="2026H1", revenue_target="-1")
    assert {e["field"] for e in exc.value.errors} == {"period"}
    with pytest.raises(ValidationFailed) as exc:
        services.business_plan_create(actor=users.marketing, name="again", org_unit=org.east,
                                      offering_line=deal.lines.campus, period=plan.period, revenue_target="1")
    assert [e["field"] for e in exc.value.errors] == ["period"]
    plan = services.business_plan_update(plan=plan, actor=users.marketing, revenue_target="2000000")
    assert plan.revenue_target == 2 * M
    assert Event.objects.filter(subject_id=str(plan.pk), event_type="insight.business_plan.updated").count() == 1


def test_a_key_account_plan_maps_the_decision_chain_and_its_actions(deal, users):
    ar = deal.ar
    kap = services.key_account_plan_create(actor=ar, customer=deal.customer, year=2027, goals="成为首选网络供应商",
                                           revenue_goal="12000000")
    cio = services.key_account_contact_add(plan=kap, actor=ar, name="王主任", title="信息中心主任",
                                           role="decision_maker", influence="high", attitude="supporter",
                                           our_owner=ar)
    engineer = services.key_account_contact_add(plan=kap, actor=ar, name="刘工", role="technical_evaluator",
                                                influence="medium", attitude="sceptic", our_owner=deal.sr,
                                                reports_to=cio)
    opp = flows.new_deal(deal, name="Library Wi-Fi")
    services.key_account_link_add(plan=kap, actor=ar, opportunity=opp)
    with pytest.raises(ValidationFailed):
        services.key_account_link_add(plan=kap, actor=ar, opportunity=opp)
    action = services.key_account_action_add(plan=kap, actor=ar, description="安排高层拜访", owner=deal.sr,
                                             due_on=dt.date(2027, 3, 1))
    services.key_account_action_done(action=action, actor=deal.sr, done_on=dt.date(2027, 2, 20))
    detail = selectors.key_account_detail(user=ar, plan=kap)
    assert [(depth, c.name) for depth, c in detail["chain"]] == [(0, "王主任"), (1, "刘工")]
    assert [link.opportunity for link in detail["deals"]] == [opp]
    assert detail["actions"][0].done_on == dt.date(2027, 2, 20)
    # The SR owns a contact and an action: the plan is in their view; the North AR's is empty.
    assert list(selectors.key_account_queryset(deal.sr)) == [kap]
    assert not selectors.key_account_queryset(users.ar_north).exists()
    assert engineer.reports_to == cio

    kap = services.key_account_plan_activate(plan=kap, actor=ar)
    kap = services.key_account_plan_close(plan=kap, actor=ar)
    with pytest.raises(InvalidTransition):
        services.key_account_plan_activate(plan=kap, actor=ar)
    with pytest.raises(ValidationFailed):
        services.key_account_contact_add(plan=kap, actor=ar, name="x")
    assert KeyAccountPlan.objects.get(pk=kap.pk).contacts.count() == 2
    with pytest.raises(PermissionDenied):
        services.key_account_plan_create(actor=users.ar_north, customer=deal.customer, year=2028, goals="x",
                                         owner=ar)


def test_plan_pages_render_and_the_detail_takes_commands(plan, deal, users, client):
    client.force_login(users.marketing)
    page = client.get("/insight/plans/").content.decode()
    assert "华东园区网" in page and 'id="plans-chart"' in page
    assert client.get(f"/insight/plans/{plan.pk}/edit/").status_code == 200
    client.force_login(deal.ar)
    response = client.post("/insight/accounts/new/", {"customer": str(deal.customer.pk), "year": "2027",
                                                      "goals": "成为首选供应商", "currency": "CNY",
                                                      "revenue_goal": "1000000"})
    kap = KeyAccountPlan.objects.get(customer=deal.customer, year=2027)
    assert response.status_code == 302 and kap.owner == deal.ar
    url = f"/insight/accounts/{kap.pk}/"
    client.post(url, {"action": "contact", "name": "王主任", "title": "主任", "role": "decision_maker",
                      "influence": "high", "attitude": "champion", "our_owner": str(deal.ar.pk)})
    client.post(url, {"action": "action", "description": "高层拜访", "owner": str(deal.sr.pk), "due_on": "2027-03-01"})
    client.post(url, {"action": "activate"})
    kap.refresh_from_db()
    assert kap.status == "ACTIVE" and kap.contacts.get().our_owner == deal.ar and kap.actions.get().owner == deal.sr
    page = client.get(url).content.decode()
    assert "王主任" in page and 'id="decision-chain"' in page
    client.force_login(users.ar_north)
    assert client.get(url).status_code == 404


def test_plans_api(api, plan, deal, users):
    body = api(users.marketing).get(f"/business-plans/{plan.pk}").json()
    assert Decimal(body["target_reporting"]["amount"]) == Decimal("7200000") and body["period"] == plan.period
    assert api(users.ar_north).get(f"/business-plans/{plan.pk}").status_code == 404
    created = api(deal.ar).post("/key-account-plans", {"customer": str(deal.customer.pk), "year": 2027,
                                                       "goals": "Top supplier", "revenue_goal": "1000000"})
    assert created.status_code == 201, created.json()
    pid = created.json()["id"]
    body = api(deal.ar).post(f"/key-account-plans/{pid}/contacts", {"name": "Wang", "role": "decision_maker",
                                                                     "influence": "high", "our_owner": "ar.li"}).json()
    boss = body["contacts"][0]["id"]
    body = api(deal.ar).post(f"/key-account-plans/{pid}/contacts", {"name": "Liu", "reports_to": boss}).json()
    assert [(c["name"], c["reports_to"]) for c in body["contacts"]] == [("Wang", None), ("Liu", boss)]
    bad = api(deal.ar).post(f"/key-account-plans/{pid}/actions", {"description": "Visit", "owner": "nobody",
                                                                   "due_on": "2027-03-01"})
    assert bad.status_code == 422
    assert api(users.ar_north).get(f"/key-account-plans/{pid}").status_code == 404
