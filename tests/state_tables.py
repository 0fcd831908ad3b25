"""Helpers of the per-app ``test_states.py``: a machine's table as a set of (from, to) pairs, and the refusal
walk that tries every pair the table does not declare on one real row and checks that nothing was written."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import pytest

from m2c.core.errors import InvalidTransition
from m2c.core.models import Event
from m2c.core.state_machine import StateMachine


def pairs(*rows: tuple[Iterable[str] | str, Iterable[str] | str]) -> set[tuple[str, str]]:
    """``pairs(("A", ["B", "C"]), (["A", "B"], "D"))``: the (from, to) pairs a table written by hand declares."""
    out = set()
    for sources, targets in rows:
        sources = [sources] if isinstance(sources, str) else sources
        targets = [targets] if isinstance(targets, str) else targets
        out |= {(str(a), str(b)) for a in sources for b in targets}
    return out


def allowed(machine: StateMachine, states: Iterable[str]) -> set[tuple[str, str]]:
    """Every (from, to) pair over ``states`` that the machine's table declares."""
    states = [str(s) for s in states]
    return {(a, b) for a, b in itertools.product(states, states) if machine.find(a, b) is not None}


def _snapshot(row: Any) -> tuple[dict[str, Any], int]:
    """The whole stored row, and the number of events in the log."""
    return type(row).objects.filter(pk=row.pk).values().get(), Event.objects.count()


def refusal_walk(machine: StateMachine, row: Any, states: Iterable[str], *, actor: Any = None,
                 context: dict[str, Any] | None = None) -> int:
    """Set ``row`` to each state in turn (``.update``) and apply every target the table does not declare from
    it: each must raise InvalidTransition (409) and leave the row (status, version, every column) and the event
    log as they were. Returns the number of refused pairs."""
    model, field, states = type(row), machine.field_name, [str(s) for s in states]
    assert machine.states() <= set(states), "the walk must cover every state of the table"
    refused = 0
    for source in states:
        model.objects.filter(pk=row.pk).update(**{field: source})
        before = _snapshot(row)
        for target in states:
            if machine.find(source, target) is not None:
                continue
            with pytest.raises(InvalidTransition) as exc:
                machine.apply(model.objects.get(pk=row.pk), target, actor=actor, context=context,
                              reason="walk")
            assert exc.value.status == 409
            assert exc.value.extra == {"from_state": source, "to_state": target}
            assert _snapshot(row) == before, (source, target)
            refused += 1
    return refused
