"""Two approvals racing for the last of a budget (PostgreSQL, two connections in two threads): the
budget row lock lets one commit and refuses the other; the budget is never over-committed."""

from decimal import Decimal

import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)

from m2c.campaigns import services
from m2c.campaigns.models import BudgetEntry, Campaign
from tests.racing import race

from .test_budgets import _plan

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite runs one write transaction at a time"),
]


def test_two_approvals_racing_for_the_last_budget_never_over_commit(users, east_budget):
    first = _plan(east_budget, users.marketing, "巡展 A", "1200000")
    second = _plan(east_budget, users.marketing, "巡展 B", "1200000")
    for campaign in (first, second):
        services.campaign_submit(campaign=campaign, actor=users.marketing)
    outcomes = race(
        lambda: services.campaign_approve(campaign=Campaign.objects.get(pk=first.pk), actor=users.marketing),
        lambda: services.campaign_approve(campaign=Campaign.objects.get(pk=second.pk), actor=users.marketing),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Campaign", "ValidationFailed"]
    east_budget.refresh_from_db()
    assert east_budget.committed == Decimal("1200000") and east_budget.available == Decimal("800000")
    assert sorted(Campaign.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == [
        "APPROVED", "SUBMITTED"]
    assert BudgetEntry.objects.filter(budget=east_budget, kind="commit").count() == 1
