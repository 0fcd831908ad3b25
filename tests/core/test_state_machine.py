import pytest
from django.db import transaction

from m2c.core import events
from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event, Role
from m2c.core.state_machine import StateMachine, t
from tests.testapp.models import Gadget

APPROVED = events.register("testapp.gadget.approved", "Gadget approved")


def needs_amount(obj, context):
    if context.get("amount", 0) <= 0:
        raise ValidationFailed("an amount is required", field="amount")


MACHINE = StateMachine(
    name="Gadget",
    transitions=[
        t("DRAFT", "SUBMITTED"),
        t("SUBMITTED", "APPROVED", guards=[needs_amount], roles=[Role.FINANCE], event=APPROVED),
        t(["DRAFT", "SUBMITTED"], "CANCELLED"),
    ],
    terminal=frozenset({"CANCELLED"}),
)


@pytest.fixture
def gadget(db):
    return Gadget.objects.create(status="DRAFT")


def _snapshot(gadget):
    gadget.refresh_from_db()
    return gadget.status, gadget.version, Event.objects.count()


def test_a_declared_transition_writes_the_state_and_one_event(gadget, users):
    MACHINE.apply(gadget, "SUBMITTED", actor=users.ar, reason="ready")
    gadget.refresh_from_db()
    assert gadget.status == "SUBMITTED"
    assert gadget.version == 2
    event = Event.objects.for_subject(gadget).get()
    assert (event.from_state, event.to_state, event.actor, event.reason) == ("DRAFT", "SUBMITTED", users.ar, "ready")


def test_an_undeclared_transition_is_refused_with_409_and_writes_nothing(gadget, users):
    before = _snapshot(gadget)
    with pytest.raises(InvalidTransition) as exc:
        MACHINE.apply(gadget, "APPROVED", actor=users.admin, context={"amount": 5})
    assert exc.value.status == 409
    assert exc.value.code == "invalid_transition"
    assert _snapshot(gadget) == before


def test_a_failing_guard_refuses_and_writes_nothing(gadget, users):
    MACHINE.apply(gadget, "SUBMITTED")
    before = _snapshot(gadget)
    with pytest.raises(ValidationFailed) as exc:
        MACHINE.apply(gadget, "APPROVED", actor=users.finance, context={"amount": 0})
    assert exc.value.field == "amount"
    assert _snapshot(gadget) == before


def test_a_role_restricted_transition_refuses_other_roles(gadget, users):
    MACHINE.apply(gadget, "SUBMITTED")
    before = _snapshot(gadget)
    with pytest.raises(PermissionDenied):
        MACHINE.apply(gadget, "APPROVED", actor=users.ar, context={"amount": 10})
    assert _snapshot(gadget) == before
    MACHINE.apply(gadget, "APPROVED", actor=users.finance, context={"amount": 10}, changes={"approved_amount": 10})
    gadget.refresh_from_db()
    assert (gadget.status, gadget.approved_amount) == ("APPROVED", 10)
    assert Event.objects.for_subject(gadget).last().event_type == APPROVED


def test_terminal_states_have_no_way_out(gadget):
    MACHINE.apply(gadget, "CANCELLED")
    for target in ("DRAFT", "SUBMITTED", "APPROVED"):
        with pytest.raises(InvalidTransition):
            MACHINE.apply(gadget, target)
    assert MACHINE.is_terminal("CANCELLED")


def test_a_table_cannot_leave_a_terminal_state():
    with pytest.raises(ValueError):
        StateMachine(name="Broken", transitions=[t("DONE", "OPEN")], terminal=frozenset({"DONE"}))


def test_every_pair_outside_the_table_is_refused(gadget):
    states = sorted(MACHINE.states())
    for source in states:
        for target in states:
            allowed = MACHINE.find(source, target) is not None
            Gadget.objects.filter(pk=gadget.pk).update(status=source)
            gadget.refresh_from_db()
            if allowed:
                continue
            with pytest.raises(InvalidTransition):
                MACHINE.apply(gadget, target)
            gadget.refresh_from_db()
            assert gadget.status == source


def test_the_change_and_its_event_roll_back_together(gadget):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            MACHINE.apply(gadget, "SUBMITTED")
            raise RuntimeError("something later in the same command failed")
    gadget.refresh_from_db()
    assert gadget.status == "DRAFT"
    assert not Event.objects.for_subject(gadget).exists()


def test_targets_lists_the_ways_forward():
    assert MACHINE.targets("DRAFT") == ["SUBMITTED", "CANCELLED"]
    assert MACHINE.targets("CANCELLED") == []
