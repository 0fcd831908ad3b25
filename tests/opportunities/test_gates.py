"""Gate decisions: immutable, taken at the required level by a named member, conditions that block."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from m2c.core.calendar import add_working_days
from m2c.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event
from m2c.opportunities import services
from m2c.opportunities.models import (
    DecidedReviewIsImmutable,
    GateAnswer,
    GateCondition,
    GateReview,
    Opportunity,
)
from m2c.opportunities.states import TeamRole

from . import flows


def _state(review):
    review.refresh_from_db()
    return (review.status, review.version, review.decision, Event.objects.count(), GateCondition.objects.count())


def test_a_decision_cannot_be_edited(deal):
    opp = flows.new_deal(deal)
    review = flows.submit(opp, "ATI", deal.ar, margin_pct="30")
    flows.decide(review, deal.sdt_shanghai, "GO", rationale="Good fit")
    before = _state(review)

    with pytest.raises(Conflict) as exc:
        services.gate_review_update(review=review, actor=deal.ar, summary="rewritten")
    assert exc.value.code == "decision_immutable"
    with pytest.raises(Conflict):
        services.gate_decide(review=review, actor=deal.sdt_shanghai, decision="NO_GO", rationale="changed mind")
    with pytest.raises(Conflict):
        services.gate_review_withdraw(review=review, actor=deal.ar)
    review.rationale = "edited behind the service's back"
    with pytest.raises(DecidedReviewIsImmutable):
        review.save()
    # Not even raw SQL can rewrite it: a database trigger refuses.
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE opportunities_gatereview SET decision = 'NO_GO' WHERE id = %s", [review.pk.hex
                           if connection.vendor == "sqlite" else review.pk])
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        GateAnswer.objects.create(review=review, code="late", question="late answer", answer_type="text",
                                  value_text="x")
    assert _state(review) == before
    assert GateReview.objects.get(pk=review.pk).rationale == "Good fit"


def test_the_decision_records_the_authority_rule_version_it_used(deal, users):
    opp = flows.new_deal(deal)
    first = flows.submit(opp, "ATI", deal.ar, margin_pct="30")
    flows.decide(first, deal.sdt_shanghai, "HOLD", rehearing_date=timezone.localdate() + dt.timedelta(days=30))
    services.authority_matrix_publish(
        actor=users.admin, name="v2: every ATI regional",
        rules=[{"gate_type": "ATI", "dimension": "value", "operator": "gte", "threshold": "0", "required_level": "region"}],
    )
    second = flows.submit(opp, "ATI", deal.ar, margin_pct="30")
    assert (first.authority_rule_version, first.required_level) == (1, "rep_office")
    assert (second.authority_rule_version, second.required_level) == (2, "region")
    first.refresh_from_db()
    assert first.authority_rule_version == 1


def test_a_user_below_the_required_level_cannot_decide(deal):
    opp = flows.new_deal(deal)
    review = flows.submit(opp, "ATI", deal.ar, margin_pct="20")  # below the 25% target: regional SDT
    assert review.required_level == "region" and review.decision_body == deal.bodies.east
    before = _state(review)
    for person in (deal.sdt_shanghai, deal.ar, deal.sdt_beijing):
        with pytest.raises(PermissionDenied):
            flows.decide(review, person, "GO")
        assert _state(review) == before
    with pytest.raises(PermissionDenied) as exc:
        flows.decide(review, deal.sdt_shanghai, "GO")
    assert "rep_office" in exc.value.detail or "Representative" in exc.value.detail or "代表处" in exc.value.detail
    assert Opportunity.objects.get(pk=opp.pk).stage == "O1_VALIDATE"
    flows.decide(review, deal.sdt_east, "GO")
    assert _state(review)[0] == "DECIDED"


def test_a_body_below_the_required_level_cannot_take_the_review(deal):
    opp = flows.new_deal(deal, amount="60000000", name="Big")
    review = services.gate_review_submit(review=flows.prepare(opp, "ATI", deal.ar), actor=deal.ar)
    # HQ level: exactly one HQ body, so it is assigned at once.
    assert (review.required_level, review.decision_body) == ("hq", deal.bodies.hq)
    other = flows.new_deal(deal, amount="60000000", name="Big 2")
    deal.bodies.hq.active = False
    deal.bodies.hq.save()
    pending = services.gate_review_submit(review=flows.prepare(other, "ATI", deal.ar), actor=deal.ar)
    assert pending.status == "SUBMITTED" and pending.decision_body is None
    before = _state(pending)
    with pytest.raises(InvalidTransition) as exc:
        services.gate_review_assign(review=pending, actor=deal.sdt_east, body=deal.bodies.east)
    assert exc.value.code == "level_too_low"
    assert _state(pending) == before


def test_the_requester_cannot_decide_their_own_review(deal, users):
    from m2c.opportunities.models import DecisionBodyMember

    DecisionBodyMember.objects.create(body=deal.bodies.shanghai, user=deal.ar)
    opp = flows.new_deal(deal)
    review = flows.submit(opp, "ATI", deal.ar, margin_pct="30")
    with pytest.raises(PermissionDenied):
        flows.decide(review, deal.ar, "GO")


def test_a_condition_blocks_the_next_gate_until_closed_or_waived(deal):
    opp = flows.new_deal(deal)
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.SR, user=deal.sr)
    ati = flows.submit(opp, "ATI", deal.ar, margin_pct="30")
    today = timezone.localdate()
    flows.decide(ati, deal.sdt_shanghai, "GO_WITH_CONDITIONS", conditions=[
        {"text": "Site survey", "owner": deal.sr, "due_date": today + dt.timedelta(days=14)},
        {"text": "Reference visit", "owner": deal.ar, "due_date": today + dt.timedelta(days=60), "blocks": "none"},
    ])
    survey, visit = GateCondition.objects.order_by("due_date")
    services.opportunity_advance(opportunity=opp, actor=deal.ar)  # conditions block the next gate, not this move
    services.bid_record(opportunity=opp, actor=deal.ar, rfp_received_on=today, deadline=deal.deadline)
    flows.quote(opp, deal, approve=False)
    services.opportunity_advance(opportunity=opp, actor=deal.ar)
    flows.quote(opp, deal)
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.FR, user=deal.fr)
    atb = flows.prepare(opp, "ATB", deal.ar)
    before = _state(atb)
    with pytest.raises(InvalidTransition) as exc:
        services.gate_review_submit(review=atb, actor=deal.ar)
    assert exc.value.code == "conditions_open" and exc.value.extra["conditions"] == [str(survey.pk)]
    assert _state(atb) == before

    # Only its owner, the AR or the deciding body closes it, and says how.
    with pytest.raises(PermissionDenied):
        services.condition_close(condition=survey, actor=deal.fr, note="done")
    with pytest.raises(ValidationFailed):
        services.condition_close(condition=survey, actor=deal.sr, note="")
    with pytest.raises(PermissionDenied):
        services.condition_waive(condition=survey, actor=deal.ar, reason="not needed")
    services.condition_waive(condition=survey, actor=deal.sdt_shanghai, reason="Survey done at the pilot already")
    # A tracked-only condition blocks once it is overdue.
    GateCondition.objects.filter(pk=visit.pk).update(due_date=today - dt.timedelta(days=1))
    with pytest.raises(InvalidTransition):
        services.gate_review_submit(review=atb, actor=deal.ar)
    services.condition_close(condition=visit, actor=deal.ar, note="Visited the reference site")
    assert services.gate_review_submit(review=atb, actor=deal.ar).status == "IN_REVIEW"


def test_conditions_due_before_signing_block_won(deal):
    opp, _q = flows.to_o4(deal)
    atc = flows.submit(opp, "ATC", deal.ar)
    flows.decide(atc, deal.sdt_east, "GO_WITH_CONDITIONS", conditions=[
        {"text": "Signed delivery plan", "owner": deal.fr, "due_date": timezone.localdate() + dt.timedelta(days=5),
         "blocks": "signing"}])
    with pytest.raises(InvalidTransition) as exc:
        services.opportunity_win(opportunity=opp, actor=deal.ar)
    assert exc.value.code == "conditions_open"
    services.condition_close(condition=GateCondition.objects.get(review=atc), actor=deal.fr, note="Plan signed")
    assert services.opportunity_win(opportunity=opp, actor=deal.ar).stage == "WON"


def test_decisions_need_their_data(deal):
    opp = flows.new_deal(deal)
    review = flows.submit(opp, "ATI", deal.ar, margin_pct="30")
    before = _state(review)
    with pytest.raises(ValidationFailed) as exc:
        flows.decide(review, deal.sdt_shanghai, "GO_WITH_CONDITIONS")
    assert exc.value.errors[0]["field"] == "conditions"
    with pytest.raises(ValidationFailed) as exc:
        flows.decide(review, deal.sdt_shanghai, "HOLD")
    assert {e["field"] for e in exc.value.errors} == {"rehearing_date"}
    with pytest.raises(ValidationFailed):
        flows.decide(review, deal.sdt_shanghai, "MAYBE")
    assert _state(review) == before


def test_hold_puts_the_deal_on_hold_and_a_new_review_lets_it_resume(deal):
    opp = flows.new_deal(deal)
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.SR, user=deal.sr)
    review = flows.submit(opp, "ATI", deal.ar, margin_pct="30")
    flows.decide(review, deal.sdt_shanghai, "HOLD", rehearing_date=timezone.localdate() + dt.timedelta(days=20),
                 rationale="Budget not released yet")
    opp.refresh_from_db()
    assert (opp.stage, opp.previous_stage, opp.probability, opp.forecast_category) == ("ON_HOLD", "O1_VALIDATE", 0,
                                                                                       "omitted")
    with pytest.raises(InvalidTransition) as exc:
        services.opportunity_resume(opportunity=opp, actor=deal.ar, reason="customer called")
    assert exc.value.code == "re_review_missing"
    with pytest.raises(InvalidTransition):
        services.opportunity_move(opportunity=opp, actor=deal.ar, target="O2_SHAPE")
    again = flows.submit(opp, "ATI", deal.ar, margin_pct="30")
    flows.decide(again, deal.sdt_shanghai, "GO", probability_override=Decimal("15"))
    opp = services.opportunity_resume(opportunity=opp, actor=deal.ar)
    assert (opp.stage, opp.probability) == ("O1_VALIDATE", Decimal("15"))
    opp = services.opportunity_advance(opportunity=opp, actor=deal.ar)
    assert opp.probability == Decimal("15")  # the SDT-approved override stands until another decision


def test_atb_must_close_five_working_days_before_the_deadline(deal):
    opp = flows.to_o3(deal)
    flows.quote(opp, deal)
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.FR, user=deal.fr)
    bid = opp.bids.get()
    late = timezone.make_aware(dt.datetime.combine(add_working_days(timezone.localdate(), 3), dt.time(17)))
    bid.deadline = late
    bid.save()
    atb = flows.prepare(opp, "ATB", deal.ar)
    before = _state(atb)
    with pytest.raises(InvalidTransition) as exc:
        services.gate_review_submit(review=atb, actor=deal.ar)
    assert exc.value.code == "atb_too_late" and exc.value.extra["working_days_left"] == 3
    assert _state(atb) == before


def test_a_low_win_probability_needs_a_justification(deal):
    opp = flows.to_o3(deal)
    flows.quote(opp, deal)
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.FR, user=deal.fr)
    atb = flows.prepare(opp, "ATB", deal.ar, answers={"win_probability": "10"})
    with pytest.raises(ValidationFailed) as exc:
        services.gate_review_submit(review=atb, actor=deal.ar)
    assert exc.value.field == "answers.probability_justification"
    services.gate_review_update(review=atb, actor=deal.ar, answers={"probability_justification": "Strategic logo"})
    assert services.gate_review_submit(review=atb, actor=deal.ar).status == "IN_REVIEW"


def test_mandatory_items_must_be_answered(deal):
    opp = flows.new_deal(deal)
    review = services.gate_review_create(opportunity=opp, actor=deal.ar, gate_type="ATI")
    with pytest.raises(ValidationFailed) as exc:
        services.gate_review_submit(review=review, actor=deal.ar)
    assert exc.value.code == "checklist_incomplete"
    assert {e["field"] for e in exc.value.errors} == {"answers.strategic_fit", "answers.need_budget_timing",
                                                      "answers.decision_chain", "answers.competition"}
    flows.answer_all(review, deal.ar, decision_chain=False)
    with pytest.raises(ValidationFailed) as exc:
        services.gate_review_submit(review=review, actor=deal.ar)
    assert [e["field"] for e in exc.value.errors] == ["answers.decision_chain"]


def test_only_one_open_review_per_gate_and_only_in_its_stage(deal):
    opp = flows.new_deal(deal)
    services.gate_review_create(opportunity=opp, actor=deal.ar, gate_type="ATI")
    with pytest.raises(Conflict):
        services.gate_review_create(opportunity=opp, actor=deal.ar, gate_type="ATI")
    with pytest.raises(Conflict):
        services.gate_review_create(opportunity=opp, actor=deal.ar, gate_type="ATB")
    with pytest.raises(ValidationFailed):
        services.gate_review_create(opportunity=opp, actor=deal.ar, gate_type="ATAC")
    with pytest.raises(PermissionDenied):
        services.gate_review_create(opportunity=opp, actor=deal.sdt_shanghai, gate_type="ATI")
