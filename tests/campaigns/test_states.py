"""The campaign life cycle (domain.md 11.1): the table, its guards, its events, and every refused move."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from m2c.campaigns import selectors, services
from m2c.campaigns.models import Campaign
from m2c.campaigns.states import CAMPAIGN_MACHINE, TERMINAL, CampaignStatus
from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db
S = CampaignStatus
TODAY = dt.date(2026, 11, 28)


def _campaign(status=S.DRAFT, **fields):
    fields.setdefault("target_valid_leads", 40)
    fields.setdefault("start_date", TODAY - dt.timedelta(days=10))
    fields.setdefault("end_date", TODAY - dt.timedelta(days=1))
    return CampaignFactory(status=status, **fields)


def test_the_whole_life_cycle_records_one_event_per_move(users, east_budget):
    campaign = _campaign(budget=east_budget, budget_amount=Decimal("200000"))
    actor = users.marketing
    services.campaign_submit(campaign=campaign, actor=actor)
    services.campaign_reject(campaign=campaign, actor=actor, reason="预算说明不足")
    services.campaign_submit(campaign=campaign, actor=actor)
    services.campaign_approve(campaign=campaign, actor=actor)
    services.campaign_prepare(campaign=campaign, actor=actor)
    services.campaign_start(campaign=campaign, actor=None, today=TODAY)
    services.campaign_finish(campaign=campaign, actor=None, today=TODAY)
    with pytest.raises(ValidationFailed):  # the T+30 evaluation comes first
        services.campaign_evaluate(campaign=campaign, actor=actor)
    assert services.evaluations_schedule(today=TODAY + dt.timedelta(days=29)) == 1  # T+30 of the end (day -1)
    services.evaluation_record(evaluation=campaign.evaluations.get(), actor=actor, review="线索质量好，数量不足")
    with pytest.raises(ValidationFailed):  # before T+180, a close needs a reason
        services.campaign_close(campaign=campaign, actor=actor, reason="")
    services.campaign_close(campaign=campaign, actor=actor, reason="提前关闭：预算年度结束")
    campaign.refresh_from_db()
    assert campaign.status == S.CLOSED
    moves = list(Event.objects.for_subject(campaign).order_by("id").values_list("event_type", "from_state", "to_state"))
    assert moves == [
        ("campaigns.campaign.submitted", "DRAFT", "SUBMITTED"),
        ("campaigns.campaign.rejected", "SUBMITTED", "DRAFT"),
        ("campaigns.campaign.submitted", "DRAFT", "SUBMITTED"),
        ("campaigns.campaign.approved", "SUBMITTED", "APPROVED"),
        ("campaigns.campaign.preparing", "APPROVED", "PREPARING"),
        ("campaigns.campaign.started", "PREPARING", "IN_EXECUTION"),
        ("campaigns.campaign.executed", "IN_EXECUTION", "EXECUTED"),
        ("campaigns.evaluation.due", "", ""),
        ("campaigns.evaluation.recorded", "DUE", "RECORDED"),  # through the evaluation table
        ("campaigns.campaign.evaluated", "EXECUTED", "EVALUATED"),
        ("campaigns.campaign.closed", "EVALUATED", "CLOSED"),
    ]
    east_budget.refresh_from_db()
    assert (east_budget.committed, campaign.committed_amount) == (0, 0)  # nothing spent: all released
    assert Event.objects.for_subject(campaign).get(event_type="campaigns.campaign.rejected").reason == "预算说明不足"
    assert not campaign.accepts_responses


ALL = list(S.values)


@pytest.mark.parametrize(("source", "target"), [
    (a, b) for a, b in itertools.product(ALL, ALL) if CAMPAIGN_MACHINE.find(a, b) is None
])
def test_every_undeclared_move_is_refused_and_changes_nothing(source, target):
    campaign = _campaign(status=source)
    with pytest.raises(InvalidTransition):
        CAMPAIGN_MACHINE.apply(campaign, target, context={"reason": "x", "today": TODAY})
    campaign.refresh_from_db()
    assert campaign.status == source
    assert not Event.objects.exists()


def test_terminal_states_have_no_way_out():
    for state in TERMINAL:
        assert CAMPAIGN_MACHINE.targets(state) == []


def test_an_incomplete_draft_cannot_be_submitted(users):
    campaign = _campaign(target_valid_leads=0, end_date=TODAY - dt.timedelta(days=20))
    with pytest.raises(ValidationFailed) as refused:
        services.campaign_submit(campaign=campaign, actor=users.marketing)
    assert {e["field"] for e in refused.value.errors} == {"target_valid_leads", "end_date", "budget", "budget_amount"}
    campaign.refresh_from_db()
    assert campaign.status == S.DRAFT and not Event.objects.exists()


def test_dates_guard_the_start_and_the_end(users):
    future = _campaign(status=S.PREPARING, start_date=TODAY + dt.timedelta(days=2), end_date=TODAY + dt.timedelta(days=9))
    with pytest.raises(ValidationFailed):
        services.campaign_start(campaign=future, actor=None, today=TODAY)
    running = _campaign(status=S.IN_EXECUTION, end_date=TODAY)
    with pytest.raises(ValidationFailed):
        services.campaign_finish(campaign=running, actor=None, today=TODAY)
    assert not Event.objects.exists()


def test_cancelling_needs_a_reason_and_is_only_before_execution(users):
    draft = _campaign()
    with pytest.raises(ValidationFailed):
        services.campaign_cancel(campaign=draft, actor=users.marketing, reason="  ")
    services.campaign_cancel(campaign=draft, actor=users.marketing, reason="活动取消")
    assert Campaign.objects.get(pk=draft.pk).status == S.CANCELLED
    running = _campaign(status=S.IN_EXECUTION)
    with pytest.raises(InvalidTransition):
        services.campaign_cancel(campaign=running, actor=users.marketing, reason="太晚了")


@pytest.mark.parametrize("who", ["ar", "finance", "executive", "partner"])
def test_only_marketing_moves_a_campaign(users, who):
    campaign = _campaign()
    with pytest.raises(PermissionDenied):
        services.campaign_submit(campaign=campaign, actor=getattr(users, who))
    campaign.refresh_from_db()
    assert campaign.status == S.DRAFT and not Event.objects.exists()


def test_selectors_find_campaigns_by_code_or_id_and_list_those_taking_responses(lines):
    open_one = _campaign(status=S.IN_EXECUTION, code="open-one")
    closed = _campaign(status=S.CLOSED, code="closed-one")
    open_one.offering_lines.set([lines.wlan, lines.campus])
    assert selectors.campaign_by_ref("open-one") == open_one
    assert selectors.campaign_by_ref(str(closed.pk)) == closed
    assert selectors.campaign_by_ref("no-such") is None and selectors.campaign_by_ref("") is None
    assert list(selectors.campaign_options(accepting_responses=True)) == [open_one]
    assert selectors.campaign_offering_line_ids(campaign=open_one) == [lines.campus.pk, lines.wlan.pk]
