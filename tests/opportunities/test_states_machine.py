"""Random walks through the opportunity's stage table (domain.md 11.3), driving the real services.

A Hypothesis state machine creates one deal per example and applies random board commands (advance,
hold, resume, lose, abandon, send back, win, a drop on any column) by random people, interleaved with
the work that opens gates (an ATI decision, a tender and a quote). After every command it checks that
the deal moved only along declared rows, one event per move, the version counting the moves, and that
a refused command changed nothing. Each example runs in a savepoint rolled back when it ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from m2c.core.errors import DomainError
from m2c.core.models import Event
from m2c.opportunities import services
from m2c.opportunities.models import Opportunity
from m2c.opportunities.states import CLOSED_STAGES, OPPORTUNITY_MACHINE, Stage, TeamRole

from . import flows


def _row(pk: Any) -> dict[str, Any]:
    return Opportunity.objects.filter(pk=pk).values().get()


def _events(pk: Any) -> Any:
    return Event.objects.filter(subject_type="opportunities.opportunity", subject_id=str(pk))


class DealWalk(RuleBasedStateMachine):
    deal: Any = None
    outsider: Any = None
    reached: set[str] = set()

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.opp = flows.new_deal(self.deal)
        self.ati = self.tender = False

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)

    def _who(self, who: str) -> Any:
        return self.outsider if who == "outsider" else getattr(self.deal, who)

    @property
    def stage(self) -> str:
        return Opportunity.objects.values_list("stage", flat=True).get(pk=self.opp.pk)

    def _do(self, call: Any) -> None:
        before, count = _row(self.opp.pk), _events(self.opp.pk).count()
        seen = set(_events(self.opp.pk).values_list("pk", flat=True))
        try:
            call(Opportunity.objects.get(pk=self.opp.pk))
        except DomainError:
            assert (_row(self.opp.pk), _events(self.opp.pk).count()) == (before, count), "a refusal changed the deal"
            return
        after = _row(self.opp.pk)
        moves = list(_events(self.opp.pk).exclude(pk__in=seen).exclude(to_state="").order_by("pk")
                     .values_list("from_state", "to_state"))
        assert moves, "a command that returned moved nothing"
        for move in moves:
            assert OPPORTUNITY_MACHINE.find(*move) is not None, f"undeclared move {move}"
        assert moves[0][0] == before["stage"] and moves[-1][1] == after["stage"]
        assert after["version"] == before["version"] + len(moves)
        self.reached.add(after["stage"])

    # --- the work that opens gates (not moves themselves) ---------------------------------------------

    @precondition(lambda self: not self.ati)
    @rule()
    def pass_ati(self) -> None:
        try:
            services.team_assign(opportunity=self.opp, actor=self.deal.ar, role=TeamRole.SR, user=self.deal.sr)
            flows.decide(flows.submit(self.opp, "ATI", self.deal.ar, margin_pct="30"), self.deal.sdt_shanghai, "GO")
            self.ati = True
        except DomainError:
            pass  # e.g. the deal is no longer in O1: a gate review is then refused, which is fine here

    @precondition(lambda self: not self.tender)
    @rule()
    def receive_tender(self) -> None:
        try:
            services.bid_record(opportunity=self.opp, actor=self.deal.ar, rfp_received_on=timezone.localdate(),
                                deadline=self.deal.deadline, reference="RFP-1")
            flows.quote(self.opp, self.deal, approve=False)
            self.tender = True
        except DomainError:
            pass

    # --- the board's commands --------------------------------------------------------------------------

    # Mostly the deal's AR; the SR is on the team once ATI is prepared; a partner user is never.
    WHO = st.sampled_from(["ar", "ar", "ar", "sr", "outsider"])

    @rule(who=WHO)
    def advance(self, who: str) -> None:
        self._do(lambda o: services.opportunity_advance(opportunity=o, actor=self._who(who)))

    @rule(who=WHO, until=st.sampled_from([None, 30]))
    def hold(self, who: str, until: int | None) -> None:
        date = timezone.localdate() + dt.timedelta(days=until) if until else None
        self._do(lambda o: services.opportunity_hold(opportunity=o, actor=self._who(who), hold_until=date,
                                                     reason="客户预算推迟"))

    @rule(who=WHO)
    def resume(self, who: str) -> None:
        self._do(lambda o: services.opportunity_resume(opportunity=o, actor=self._who(who), reason="预算到位"))

    @rule(who=WHO, why=st.sampled_from(["price", "competitor", "bogus"]))
    def lose(self, who: str, why: str) -> None:
        self._do(lambda o: services.opportunity_lose(opportunity=o, actor=self._who(who), loss_reason=why,
                                                     detail="价格偏高"))

    @rule(who=WHO, why=st.sampled_from(["customer_cancelled", "no_bid", "bogus"]))
    def abandon(self, who: str, why: str) -> None:
        self._do(lambda o: services.opportunity_abandon(opportunity=o, actor=self._who(who), abandon_reason=why))

    @rule(who=WHO, reason=st.sampled_from(["", "范围变更"]))
    def send_back(self, who: str, reason: str) -> None:
        self._do(lambda o: services.opportunity_send_back_to_bid(opportunity=o, actor=self._who(who), reason=reason))

    @rule(who=WHO)
    def win(self, who: str) -> None:
        self._do(lambda o: services.opportunity_win(opportunity=o, actor=self._who(who)))

    @rule(who=WHO, column=st.sampled_from(Stage.values))
    def drop_on_column(self, who: str, column: str) -> None:
        self._do(lambda o: services.opportunity_move(opportunity=o, actor=self._who(who), target=column, reason="拖动",
                                                     loss_reason="price", abandon_reason="customer_cancelled"))

    @invariant()
    def closed_deals_stay_closed(self) -> None:
        closing = _events(self.opp.pk).filter(to_state__in=CLOSED_STAGES).order_by("pk").first()
        if closing is not None:
            assert self.stage == closing.to_state
            assert not _events(self.opp.pk).filter(pk__gt=closing.pk).exclude(to_state="").exists()


WALKS = settings(max_examples=20, stateful_step_count=12, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def test_random_board_commands_follow_the_stage_table(deal: Any, users: Any) -> None:
    walk = type("Walk", (DealWalk,), {"deal": deal, "outsider": users.partner, "reached": set()})
    run_state_machine_as_test(walk, settings=WALKS)
    # The walks get somewhere: out of O1, on hold, and closed one way or another.
    assert {Stage.O2_SHAPE, Stage.ON_HOLD} <= walk.reached and walk.reached & set(CLOSED_STAGES), walk.reached
