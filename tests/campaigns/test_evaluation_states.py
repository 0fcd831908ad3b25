"""The evaluation's transition table (domain.md 11.1; brief `journey` gap 5): DUE → RECORDED goes through
core's transition helper with its event; anything else is refused and writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from m2c.campaigns import services
from m2c.campaigns.states_evaluations import EVALUATION_MACHINE
from m2c.core.errors import InvalidTransition, PermissionDenied
from m2c.core.models import Event
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(users):
    today = timezone.localdate()
    campaign = CampaignFactory(status="EXECUTED", start_date=today - dt.timedelta(days=60),
                               end_date=today - dt.timedelta(days=40), target_valid_leads=40,
                               actual_spend=Decimal("185000"), committed_amount=Decimal("200000"))
    services.evaluations_schedule(today=today)
    return campaign.evaluations.get(checkpoint="T30")


def test_recording_moves_due_to_recorded_through_the_table_with_its_event(due, users):
    assert EVALUATION_MACHINE.targets("DUE") == ["RECORDED"] and EVALUATION_MACHINE.is_terminal("RECORDED")
    services.evaluation_record(evaluation=due, actor=users.marketing, review="线索质量好，成本偏高")
    due.refresh_from_db()
    assert (due.status, due.recorded_by, due.review) == ("RECORDED", users.marketing, "线索质量好，成本偏高")
    event = Event.objects.get(event_type="campaigns.evaluation.recorded")
    assert (event.from_state, event.to_state, event.actor_id) == ("DUE", "RECORDED", users.marketing.pk)
    assert event.subject_id == str(due.campaign_id) and event.payload["checkpoint"] == "T30"
    assert event.payload["valid_leads"] == "0" and event.payload["cash_roi"] == "-1.000"


def test_an_illegal_evaluation_transition_is_refused_and_writes_nothing(due, users):
    services.evaluation_record(evaluation=due, actor=users.marketing, review="第一次评估")
    due.refresh_from_db()
    events_before = Event.objects.count()
    for target in ("DUE", "RECORDED"):  # back to due, or recorded a second time: not in the table
        with pytest.raises(InvalidTransition) as refused:
            EVALUATION_MACHINE.apply(due, target, actor=users.marketing, context={"review": "改写"},
                                     changes={"review": "改写"})
        assert refused.value.status == 409
    due.refresh_from_db()
    assert (due.status, due.review) == ("RECORDED", "第一次评估") and Event.objects.count() == events_before


def test_only_marketing_may_record_by_the_table(due, users):
    with pytest.raises(PermissionDenied):
        EVALUATION_MACHINE.apply(due, "RECORDED", actor=users.ar, context={"review": "x"})
    due.refresh_from_db()
    assert due.status == "DUE" and not Event.objects.filter(event_type="campaigns.evaluation.recorded").exists()
