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
