"""The lead transition table (domain.md 11.2), walked pair by pair and driven at random through the services.

Every (from, to) pair the table does not declare is refused, by the table itself and by each verb
service that leads to the pair's target, and a refusal changes nothing: not the row, not the event log.
A Hypothesis state machine then drives one lead through the real services with random verbs and
actors and checks after every step that the lead only ever moved along declared rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from m2c.core.errors import Conflict, DomainError, InvalidTransition
from m2c.core.models import Event
from m2c.leads import services, states
from m2c.leads.models import Lead
from m2c.leads.states import LEAD_MACHINE, LeadStatus

S = LeadStatus
ALL = list(S.values)
UNDECLARED = [(a, b) for a, b in itertools.product(ALL, ALL) if LEAD_MACHINE.find(a, b) is None]

# Everything a sales conversation needs, so the lead routes to the named account's AR and could convert.
READY = {
    "customer_name": "申江大学", "contact_name": "林主任", "contact_phone": "13800138000", "contact_role": "decision_maker",
    "budget_status": "confirmed", "pain_confirmed": True, "estimated_amount": "800000",
    "offering_lines": ["campus"],
}


def _ready() -> dict[str, Any]:
    return {**READY, "expected_purchase_date": str(dt.date.today() + dt.timedelta(days=120))}


def _snapshot(lead: Lead) -> tuple[dict[str, Any], int]:
    """The whole stored row and the number of events about the lead."""
    return Lead.objects.filter(pk=lead.pk).values().get(), Event.objects.filter(subject_id=str(lead.pk)).count()


@pytest.fixture
def lead(capture: Any, university_a: Any, users: Any) -> Lead:
    lead = capture(**_ready())
    assert (lead.status, lead.owner) == (S.ASSIGNED, users.ar)
    return lead


def _put(lead: Lead, status: str) -> Lead:
    # The precondition of each pair is set directly; the move under test goes through the real code.
    Lead.objects.filter(pk=lead.pk).update(status=status)
    return Lead.objects.get(pk=lead.pk)


def test_the_table_is_what_domain_11_2_draws() -> None:
    assert LEAD_MACHINE.states() == set(ALL)
    # INVALID is left only by a correction (lead_revalidate, issue 9): the reasons a person can fix.
    assert {s for s in ALL if not LEAD_MACHINE.targets(s)} == {S.CONVERTED, S.DISQUALIFIED}
    assert LEAD_MACHINE.targets(S.INVALID) == [S.VALIDATING]
    # DUPLICATE is left only by the audited undo of a merge.
    assert all(row.guards for row in LEAD_MACHINE.transitions if S.DUPLICATE in row.source)
    # 121 pairs; 28 declared: 15 moves, 6 manual merges and 7 undos of a merge (one per state restored).
    assert len(UNDECLARED) == 121 - 28


def test_every_pair_outside_the_table_is_refused_and_changes_nothing(lead: Lead, users: Any) -> None:
    refused = 0
    for source, target in UNDECLARED:
        before = _snapshot(_put(lead, source))
        with pytest.raises(InvalidTransition) as exc:
            LEAD_MACHINE.apply(Lead.objects.get(pk=lead.pk), target, actor=users.admin, reason="walk")
        assert exc.value.status == 409
        assert exc.value.extra == {"from_state": source, "to_state": target}
        assert _snapshot(lead) == before, (source, target)
        refused += 1
    assert refused == len(UNDECLARED)


def _verbs(users: Any, other: Lead) -> dict[str, list[Any]]:
    """The services that move a stored lead, by the state they lead to (the administrator may do all)."""
    admin = users.admin
    return {
        S.ACCEPTED: [lambda x: services.lead_accept(lead=x, actor=admin)],
        S.QUALIFIED: [lambda x: services.lead_return(lead=x, actor=admin, reason="wrong region"),
                      lambda x: services.lead_requalify(lead=x, actor=admin)],
        S.ASSIGNED: [lambda x: services.lead_assign(lead=x, actor=admin, owner=users.ar)],
        S.RECYCLED: [lambda x: services.lead_recycle(lead=x, actor=admin, reason="not now")],
        S.DISQUALIFIED: [lambda x: services.lead_disqualify(lead=x, actor=admin, reason="no_budget")],
        S.CONVERTED: [lambda x: services.lead_convert(lead=x, actor=admin, owner=users.ar)],
        S.DUPLICATE: [lambda x: services.lead_merge(source=x, target=other, actor=admin, reason="same school")],
    }


# A manual assignment of an ASSIGNED or RECYCLED lead first takes it back to QUALIFIED (two declared rows).
COMPOSED = {(S.ASSIGNED, S.ASSIGNED), (S.RECYCLED, S.ASSIGNED)}


def test_every_verb_service_refuses_the_pairs_outside_the_table(lead: Lead, users: Any, capture: Any) -> None:
    other = capture(customer_name="东海理工大学", contact_phone="13900139000", offering_lines=["campus"])
    walked = 0
    for target, calls in _verbs(users, other).items():
        for source in ALL:
            if LEAD_MACHINE.find(source, target) is not None or (source, target) in COMPOSED:
                continue
            for call in calls:
                before = _snapshot(_put(lead, source))
                other_before = _snapshot(other)
                with pytest.raises(DomainError) as exc:
                    call(Lead.objects.get(pk=lead.pk))
                # Refused as a conflict with the lead's state (a merge refuses a closed lead before the table).
                assert isinstance(exc.value, Conflict), (source, target, exc.value)
                assert _snapshot(lead) == before, (source, target)
                assert _snapshot(other) == other_before, (source, target)
                walked += 1
    assert walked >= 50


def test_capture_paths_are_checked_against_the_table() -> None:
    assert states.check_path([S.NEW, S.VALIDATING, S.QUALIFIED, S.ASSIGNED]) == ["NEW", "VALIDATING", "QUALIFIED", "ASSIGNED"]
    for path in ([S.NEW, S.QUALIFIED], [S.VALIDATING, S.ASSIGNED], [S.NEW, S.VALIDATING, S.INVALID, S.QUALIFIED]):
        with pytest.raises(InvalidTransition):
            states.check_path(path)


def test_a_duplicate_leaves_only_through_the_undo_of_a_merge(lead: Lead, users: Any) -> None:
    _put(lead, S.DUPLICATE)
    before = _snapshot(lead)
    with pytest.raises(InvalidTransition):
        LEAD_MACHINE.apply(Lead.objects.get(pk=lead.pk), S.QUALIFIED, actor=users.admin)
    assert _snapshot(lead) == before


# --- random walks through the services --------------------------------------------------------------


class LeadWalk(RuleBasedStateMachine):
    """One captured lead per example, moved by random verbs of random people; rolled back afterwards."""

    users: Any = None
    capture: Any = None
    reached: set[str] = set()  # every state any example reached: shows the walks go somewhere

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.lead = type(self).capture(**_ready())
        self.moves: list[tuple[str, str]] = []

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)

    def _actor(self, who: str) -> Any:
        return getattr(self.users, who)

    def _do(self, call: Any) -> None:
        before = _snapshot(self.lead)
        seen = set(Event.objects.filter(subject_id=str(self.lead.pk)).values_list("pk", flat=True))
        try:
            call(Lead.objects.get(pk=self.lead.pk))
        except DomainError:
            assert _snapshot(self.lead) == before, "a refused command changed the lead"
            return
        moves = list(Event.objects.filter(subject_id=str(self.lead.pk)).exclude(pk__in=seen).exclude(to_state="")
                     .order_by("pk").values_list("from_state", "to_state"))
        status = Lead.objects.values_list("status", flat=True).get(pk=self.lead.pk)
        for move in moves:
            assert LEAD_MACHINE.find(*move) is not None, f"undeclared move {move}"
        if moves:
            assert moves[0][0] == before[0]["status"] and moves[-1][1] == status
        else:
            assert status == before[0]["status"]
        self.moves += moves
        self.reached.update(to for _from, to in moves)

    WORKERS = st.sampled_from(["ar", "ar_north", "sr", "marketing", "admin", "partner"])

    @rule(who=WORKERS)
    def accept(self, who: str) -> None:
        self._do(lambda x: services.lead_accept(lead=x, actor=self._actor(who)))

    @rule(who=WORKERS, reason=st.sampled_from(["", "wrong region"]))
    def give_back(self, who: str, reason: str) -> None:
        self._do(lambda x: services.lead_return(lead=x, actor=self._actor(who), reason=reason))

    @rule(who=WORKERS, owner=st.sampled_from(["ar", "ar_north", "finance"]))
    def assign(self, who: str, owner: str) -> None:
        self._do(lambda x: services.lead_assign(lead=x, actor=self._actor(who), owner=self._actor(owner)))

    @rule(who=WORKERS)
    def log_call(self, who: str) -> None:
        self._do(lambda x: services.lead_log_activity(lead=x, actor=self._actor(who), type="call", subject="电话沟通需求"))

    @rule(who=WORKERS)
    def recycle(self, who: str) -> None:
        self._do(lambda x: services.lead_recycle(lead=x, actor=self._actor(who), reason="明年再议"))

    @rule(who=WORKERS)
    def requalify(self, who: str) -> None:
        self._do(lambda x: services.lead_requalify(lead=x, actor=self._actor(who)))

    @rule(who=WORKERS, reason=st.sampled_from(["no_budget", "bogus"]))
    def disqualify(self, who: str, reason: str) -> None:
        self._do(lambda x: services.lead_disqualify(lead=x, actor=self._actor(who), reason=reason))

    @rule(who=st.sampled_from(["ar", "ar_north", "admin"]))
    def convert(self, who: str) -> None:
        self._do(lambda x: services.lead_convert(lead=x, actor=self._actor(who)))

    @invariant()
    def closed_leads_stay_closed(self) -> None:
        closed = [to for _from, to in self.moves if to in states.TERMINAL]
        if closed:
            assert self.moves[-1][1] == closed[0] and Lead.objects.get(pk=self.lead.pk).status == closed[0]


WALKS = settings(max_examples=24, stateful_step_count=10, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def test_random_walks_through_the_services_follow_the_table(users: Any, capture: Any, university_a: Any) -> None:
    walk = type("Walk", (LeadWalk,), {"users": users, "capture": staticmethod(capture), "reached": set()})
    run_state_machine_as_test(walk, settings=WALKS)
    # The walks get somewhere: past acceptance, and out again one way or another. Which further states they
    # reach depends on Hypothesis's exploration, which earlier tests in the same process were seen to change
    # (nurturing was reached alone, not after the billing tests), so only the non-vacuous part is asserted;
    # nurturing and its exits are covered step by step in test_scenarios.py, test_api.py and test_web.py.
    assert S.ACCEPTED in walk.reached and len(walk.reached) >= 4, walk.reached
