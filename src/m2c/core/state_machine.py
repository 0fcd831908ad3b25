"""Transition tables as data, and the one function that applies them.

Each app's ``states.py`` declares a :class:`StateMachine`: the status field, the transitions (from,
to, guards, permission, event type) and the terminal states. :meth:`StateMachine.apply` locks the row,
checks the table, the permission and the guards, writes the new state and records the event, all in
one transaction. Anything not declared is refused with :class:`InvalidTransition` (HTTP 409), and a
refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from . import events
from .errors import InvalidTransition, PermissionDenied

Guard = Callable[[Any, dict[str, Any]], None]
"""A guard inspects the locked object and the call's context and raises a DomainError to refuse."""


@dataclass(frozen=True)
class Transition:
    source: frozenset[str]
    target: str
    guards: tuple[Guard, ...] = ()
    roles: frozenset[str] | None = None  # None: any user the service lets through
    event_type: str | None = None

    def allows(self, current: str, target: str) -> bool:
        return current in self.source and target == self.target


def t(
    source: str | Iterable[str],
    target: str,
    *,
    guards: Iterable[Guard] = (),
    roles: Iterable[str] | None = None,
    event: str | None = None,
) -> Transition:
    """Shorthand for a table row: ``t("NEW", "VALIDATING")`` or ``t(["A", "B"], "C", guards=[...])``."""
    sources = frozenset([source] if isinstance(source, str) else source)
    return Transition(sources, target, tuple(guards), frozenset(roles) if roles is not None else None, event)


@dataclass
class StateMachine:
    name: str
    transitions: list[Transition]
    terminal: frozenset[str] = field(default_factory=frozenset)
    field_name: str = "status"
    labels: dict[str, str] = field(default_factory=dict)
    default_event: str = events.STATE_CHANGED

    def __post_init__(self) -> None:
        for row in self.transitions:
            if row.source & self.terminal:
                raise ValueError(f"{self.name}: a transition leaves terminal state(s) {row.source & self.terminal}")

    # --- reading the table -----------------------------------------------------------------------

    def find(self, current: str, target: str) -> Transition | None:
        return next((row for row in self.transitions if row.allows(current, target)), None)

    def targets(self, current: str) -> list[str]:
        seen: list[str] = []
        for row in self.transitions:
            if current in row.source and row.target not in seen:
                seen.append(row.target)
        return seen

    def states(self) -> set[str]:
        found: set[str] = set(self.terminal)
        for row in self.transitions:
            found |= row.source | {row.target}
        return found

    def is_terminal(self, state: str) -> bool:
        return state in self.terminal

    def label(self, state: str) -> str:
        return str(self.labels.get(state, state))

    # --- applying --------------------------------------------------------------------------------

    def check(self, obj: models.Model, target: str, *, actor: Any = None, context: dict[str, Any] | None = None) -> Transition:
        """Raise unless ``obj`` may move to ``target`` now; return the table row that allows it."""
        current = getattr(obj, self.field_name)
        row = self.find(current, target)
        if row is None:
            raise InvalidTransition(
                _("%(entity)s cannot go from %(from)s to %(to)s.")
                % {"entity": self.name, "from": self.label(current), "to": self.label(target)},
                extra={"from_state": current, "to_state": target},
            )
        if row.roles is not None and actor is not None and not getattr(actor, "sees_everything", False):
            if not actor.has_role(*row.roles):
                raise PermissionDenied(
                    _("Your role does not allow moving this %(entity)s to %(to)s.")
                    % {"entity": self.name, "to": self.label(target)}
                )
        # One dict for this check's guards (a copy: the caller's is never written), so guards that read
        # the same thing may share it (``context["_reads"]``) within this check only.
        shared = dict(context) if context else {}
        for guard in row.guards:
            guard(obj, shared)
        return row

    def apply(
        self,
        obj: models.Model,
        target: str,
        *,
        actor: Any = None,
        reason: str = "",
        payload: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        changes: dict[str, Any] | None = None,
        event_type: str | None = None,
        subject: models.Model | None = None,
        held: bool = False,
    ) -> models.Model:
        """Move ``obj`` to ``target``: lock, check, write ``status`` plus ``changes``, record the event.

        The event is about ``subject`` when given (a risk's status change belongs on its opportunity's
        timeline), else about ``obj``. Returns the locked, updated instance and copies the new values onto
        ``obj`` as well.

        ``held=True`` says the caller's transaction already holds ``obj``'s row lock and ``obj`` is that
        locked, current row (a hot path such as an allocation): the row is not locked and read again and
        no savepoint is made; the checks, the write and the event are the same.
        """
        if held:
            if not transaction.get_connection().in_atomic_block:
                raise RuntimeError("held=True needs the caller's transaction holding the row lock")
            return self._write(obj, obj, target, actor=actor, reason=reason, payload=payload, context=context,
                               changes=changes, event_type=event_type, subject=subject)
        model = type(obj)
        with transaction.atomic():
            locked = model._default_manager.select_for_update().get(pk=obj.pk)
            return self._write(obj, locked, target, actor=actor, reason=reason, payload=payload, context=context,
                               changes=changes, event_type=event_type, subject=subject)

    def _write(self, obj: models.Model, locked: models.Model, target: str, *, actor: Any, reason: str,
               payload: dict[str, Any] | None, context: dict[str, Any] | None, changes: dict[str, Any] | None,
               event_type: str | None, subject: models.Model | None) -> models.Model:
        row = self.check(locked, target, actor=actor, context=context)
        current = getattr(locked, self.field_name)
        updates = {self.field_name: target, **(changes or {})}
        for name, value in updates.items():
            setattr(locked, name, value)
        update_fields = list(updates)
        if hasattr(locked, "version"):
            locked.version = (locked.version or 0) + 1
            update_fields.append("version")
        if hasattr(locked, "updated_at"):
            update_fields.append("updated_at")
        locked.save(update_fields=update_fields)
        events.record(
            event_type or row.event_type or self.default_event,
            subject if subject is not None else locked,
            actor=actor,
            payload=payload,
            from_state=current,
            to_state=target,
            reason=reason,
        )
        for name in [*updates, "version"]:
            if hasattr(locked, name):
                setattr(obj, name, getattr(locked, name))
        return locked
