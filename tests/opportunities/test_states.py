"""Every transition not in a table is refused with 409 and writes nothing (domain.md 11.3, 11.4, 11.12)."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from m2c.core.errors import InvalidTransition
from m2c.core.models import Event
from m2c.insight.models import Requirement
from m2c.insight.states import REQUIREMENT_MACHINE, RequirementStatus
from m2c.opportunities import services
from m2c.opportunities.models import GateCondition, GateReview, Opportunity
from m2c.opportunities.states import (
    CONDITION_MACHINE,
    GATE_REVIEW_MACHINE,
    OPPORTUNITY_MACHINE,
    QUOTE_MACHINE,
    ConditionStatus,
    QuoteStatus,
    ReviewStatus,
    Stage,
)

from . import flows


def _walk(machine, obj, states, field, *, apply, extra=None):
    """Try every (from, to) pair the table does not declare; each must be refused and change nothing.

    ``states`` is walked in order, each source set once (a decided review cannot be updated even here,
    so DECIDED comes last); ``extra`` gives columns a source state needs.
    """
    model = type(obj)
    refused = 0
    for source in states:
        model.objects.filter(pk=obj.pk).update(**{field: source, **(extra or {}).get(source, {})})
        for target in states:
            if machine.find(source, target) is None:
                refused += _refused(machine, obj, field, target, apply)
    return refused


def _refused(machine, obj, field, target, apply):
    obj.refresh_from_db()
    before = (getattr(obj, field), getattr(obj, "version", None), Event.objects.count())
    with pytest.raises(InvalidTransition) as exc:
        apply(obj, target)
    assert exc.value.status == 409
    obj.refresh_from_db()
    assert (getattr(obj, field), getattr(obj, "version", None), Event.objects.count()) == before, target
    return 1


def test_every_stage_pair_outside_the_table_is_refused_through_the_board_command(deal):
    opp = flows.new_deal(deal)
    Opportunity.objects.filter(pk=opp.pk).update(previous_stage=Stage.O1_VALIDATE)
    refused = _walk(
        OPPORTUNITY_MACHINE, opp, Stage.values, "stage",
        apply=lambda o, target: services.opportunity_move(opportunity=o, actor=deal.ar, target=target, reason="x",
                                                          loss_reason="price", abandon_reason="customer_cancelled"),
    )
    # 8 stages: 64 pairs, of which the table declares 19 (self-moves are never declared).
    assert refused == 64 - sum(1 for a, b in itertools.product(Stage.values, Stage.values)
                               if OPPORTUNITY_MACHINE.find(a, b))


def test_closed_stages_are_terminal():
    for stage in (Stage.WON, Stage.LOST, Stage.ABANDONED):
        assert OPPORTUNITY_MACHINE.targets(stage) == []
    assert set(OPPORTUNITY_MACHINE.targets(Stage.ON_HOLD)) == {"O1_VALIDATE", "O2_SHAPE", "O3_BID", "O4_NEGOTIATE",
                                                               "ABANDONED"}


def test_every_gate_review_pair_outside_the_table_is_refused(deal):
    opp = flows.new_deal(deal)
    review = services.gate_review_create(opportunity=opp, actor=deal.ar, gate_type="ATI")
    states = ["DRAFT", "SUBMITTED", "IN_REVIEW", "WITHDRAWN", "DECIDED"]
    assert set(states) == set(ReviewStatus.values)
    _walk(GATE_REVIEW_MACHINE, review, states, "status",
          extra={"DECIDED": {"decided_at": review.created_at, "decision": "GO"}},
          apply=lambda r, target: GATE_REVIEW_MACHINE.apply(r, target, actor=deal.sdt_shanghai,
                                                            context={"actor": deal.sdt_shanghai}))
    assert GateReview.objects.get(pk=review.pk).status == "DECIDED"


def test_every_quote_pair_outside_the_table_is_refused(deal):
    opp = flows.to_o2(deal)
    quote = flows.quote(opp, deal, approve=False)
    _walk(QUOTE_MACHINE, quote, QuoteStatus.values, "status",
          apply=lambda q, target: QUOTE_MACHINE.apply(q, target, actor=deal.sr, context={"actor": deal.sr}))


def test_every_condition_pair_outside_the_table_is_refused(deal):
    opp = flows.new_deal(deal)
    review = flows.submit(opp, "ATI", deal.ar)
    flows.decide(review, deal.sdt_shanghai, "GO_WITH_CONDITIONS",
                 conditions=[{"text": "survey", "owner": deal.sr, "due_date": timezone.localdate(review.submitted_at)}])
    condition = GateCondition.objects.get()
    _walk(CONDITION_MACHINE, condition, ConditionStatus.values, "status",
          apply=lambda c, target: CONDITION_MACHINE.apply(c, target, actor=deal.sr,
                                                          context={"actor": deal.sr, "note": "n", "reason": "r"}))


def test_every_requirement_pair_outside_the_table_is_refused(deal, users):
    opp = flows.to_o2(deal)
    rr = services.opportunity_raise_requirement(opportunity=opp, actor=deal.ar, title="X", description="Need X")
    _walk(REQUIREMENT_MACHINE, rr, RequirementStatus.values, "status",
          apply=lambda r, target: REQUIREMENT_MACHINE.apply(r, target, actor=users.admin))
    assert Requirement.objects.filter(pk=rr.pk).exists()
