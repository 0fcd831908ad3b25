"""Recording events, and the registry of event types.

Each app's ``events.py`` registers its event types with a translatable label and the pydantic schema of
their payload, so a typo in an event name or a payload that drifts from its declaration fails at once
(in the test of the service that records it), and every timeline can say in words what happened.

Payload conventions: a change of fields is ``{"changes": {field: [old, new]}}`` (:data:`Diff`); values
are JSON-friendly (records by their name, amounts and dates as text). A payload schema forbids keys it
does not declare, so each key a service writes is listed once, with its type, beside the event type.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .models import Event

_REGISTRY: dict[str, Any] = {}  # event type → label
_PAYLOADS: dict[str, type[BaseModel]] = {}  # event type → payload schema
# event type → handlers run inside the recording transaction (how one app reacts to another's event).
_SUBSCRIBERS: dict[str, list[Callable[[Event], None]]] = {}

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("m2c_request_id", default="")


class EventPayload(BaseModel):
    """Base of every payload schema: only declared keys, values of the declared types."""

    model_config = ConfigDict(extra="forbid")


# One changed field: its old and its new value.
Change = Annotated[list[Any], Field(min_length=2, max_length=2)]
# The diff convention of every "... updated" event: ``{field: [old, new]}``.
Diff = dict[str, Change]


class NoPayload(EventPayload):
    """An event whose subject, actor, states and reason say everything."""


class Changes(EventPayload):
    """The payload of a plain field update."""

    changes: Diff


def register(event_type: str, label: Any, payload: type[BaseModel] = NoPayload) -> str:
    """Declare an event type (``<app>.<entity>.<past participle>``), its human label and its payload schema."""
    if event_type.count(".") < 2:
        raise ValueError(f"event type {event_type!r} must be <app>.<entity>.<what happened>")
    _REGISTRY[event_type] = label
    _PAYLOADS[event_type] = payload
    return event_type


def subscribe(event_type: str, handler: Callable[[Event], None]) -> None:
    """Run ``handler(event)`` each time ``event_type`` is recorded, in the same transaction.

    An app reacts to another app's event without that app importing it (contracts are created when an
    opportunity is won). A handler that raises rolls the whole change back. Registered once per handler,
    from the reacting app's ``AppConfig.ready``.
    """
    handlers = _SUBSCRIBERS.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def payload_schema(event_type: str) -> type[BaseModel]:
    return _PAYLOADS[event_type]


def validate_payload(event_type: str, payload: dict[str, Any] | None) -> dict[str, Any]:
    """Check ``payload`` against the schema its event type declares; return it unchanged.

    Raises ``ValueError`` naming the event type and the offending keys: a service that writes a payload
    its event type does not declare is a programming error, caught by the service's tests.
    """
    if event_type not in _REGISTRY:
        raise ValueError(f"unregistered event type {event_type!r}")
    payload = payload or {}
    try:
        _PAYLOADS[event_type].model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '-'}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"payload of {event_type} does not match its declaration: {problems}") from None
    return payload


def label_for(event_type: str) -> str:
    return str(_REGISTRY.get(event_type, event_type))


def registered() -> dict[str, Any]:
    return dict(_REGISTRY)


def record(
    event_type: str,
    subject: models.Model,
    *,
    actor: Any = None,
    payload: dict[str, Any] | None = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
) -> Event:
    """Append an event about ``subject``. Call it inside the transaction of the change it describes."""
    payload = validate_payload(event_type, payload)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    values = {
        "occurred_at": timezone.now(),
        "event_type": event_type,
        "subject_type": subject._meta.label_lower,
        "subject_id": str(subject.pk),
        "actor_id": actor.pk if actor is not None else None,
        "payload": payload,
        "from_state": from_state or "",
        "to_state": to_state or "",
        "reason": reason or "",
        "request_id": request_id_var.get(),
        "schema_version": 1,
    }
    event = _insert(values, actor)
    for handler in _SUBSCRIBERS.get(event_type, ()):
        handler(event)
    return event


def _insert(values: dict[str, Any], actor: Any) -> Event:
    """Store one event row. A deal writes some seventy events, one per command or state change:
    ``Event.objects.create`` spent twice the CPU of :func:`core.bulk.insert_one` on the same row (the
    instance saved through signals, the INSERT compiled anew each time); events have no save logic
    beyond refusing an update."""
    from .bulk import insert_one

    return insert_one(Event, values, actor=actor)  # type: ignore[return-value]


def timeline(subject: models.Model) -> list[Event]:
    return list(Event.objects.for_subject(subject).select_related("actor").order_by("occurred_at", "id"))


def timeline_labelled(subject: models.Model) -> list[tuple[Event, str]]:
    """The subject's events, newest first, each with its label: what every detail page shows."""
    return [(event, label_for(event.event_type)) for event in reversed(timeline(subject))]


def event_out(event: Event) -> dict[str, Any]:
    """One event as the API's ``EventOut``: the one timeline serialiser of every app."""
    return {
        "id": event.id,
        "occurred_at": event.occurred_at,
        "event_type": event.event_type,
        "label": label_for(event.event_type),
        "actor": str(event.actor) if event.actor_id else None,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reason": event.reason,
        "payload": event.payload,
    }


def timeline_out(subject: models.Model) -> list[dict[str, Any]]:
    """The subject's events, oldest first, serialised for the API."""
    return [event_out(event) for event in timeline(subject)]


# Core's own event types.


class UserCreated(EventPayload):
    username: str
    roles: list[str]


class TokenCreated(EventPayload):
    name: str
    user: str


class TokenRevoked(EventPayload):
    name: str
    user: str | None = None


class AnyPayload(BaseModel):
    """The payload of the generic status change a state machine records when its table names no event
    type of its own: whatever the machine's caller passes. Real entities declare their own types."""

    model_config = ConfigDict(extra="allow")


USER_CREATED = register("core.user.created", _("User created"), UserCreated)
TOKEN_CREATED = register("core.apitoken.created", _("API token created"), TokenCreated)
TOKEN_REVOKED = register("core.apitoken.revoked", _("API token revoked"), TokenRevoked)
STATE_CHANGED = register("core.entity.status_changed", _("Status changed"), AnyPayload)


def record_many(rows: Iterable[dict[str, Any]], *, insert: Callable[[list[dict[str, Any]]], Any] | None = None) -> int:
    """Append many events at once (the capture of a batch of leads); returns how many.

    Each row names ``event_type``, ``subject_type`` (an app label and model, ``leads.lead``) and
    ``subject_id``, and may carry ``actor_id``, ``payload``, ``from_state``, ``to_state``, ``reason`` and
    ``occurred_at``. The same checks as :func:`record` hold for every row before anything is written;
    the rows are then stored with one bulk insert, by ``insert`` when the caller has a faster one for
    the complete column values (it receives completed copies), else by ``bulk_create``. Call it inside
    the transaction of the change the events describe.
    """
    request_id = request_id_var.get()
    now = timezone.now()
    complete: list[dict[str, Any]] = []
    for row in rows:
        event_type = row.get("event_type")
        if event_type not in _REGISTRY:
            raise ValueError(f"unregistered event type {event_type!r}")
        subject_type, subject_id = row.get("subject_type") or "", row.get("subject_id")
        if subject_type.count(".") != 1 or subject_id in (None, ""):
            raise ValueError(f"an event needs a subject type <app>.<model> and an id, not {subject_type!r} {subject_id!r}")
        payload = row.get("payload")
        if payload is not None and not isinstance(payload, dict):
            raise ValueError("an event payload is a dictionary")
        payload = validate_payload(event_type, payload)
        complete.append({
            "event_type": event_type, "subject_type": subject_type, "subject_id": str(subject_id),
            "actor_id": row.get("actor_id"), "from_state": row.get("from_state") or "", "to_state": row.get("to_state") or "",
            "reason": row.get("reason") or "", "payload": payload, "request_id": row.get("request_id", request_id),
            "occurred_at": row.get("occurred_at") or now, "schema_version": row.get("schema_version", 1),
        })
    if complete:
        if insert is not None:
            insert(complete)
        else:
            Event.objects.bulk_create([Event(**values) for values in complete], batch_size=1000)
    return len(complete)
