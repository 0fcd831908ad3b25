"""Recording events, and the registry of event types.

Each app's ``events.py`` registers its event types with a translatable label, so a typo in an event name
fails at once and every timeline can say in words what happened.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Event

_REGISTRY: dict[str, Any] = {}

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("m2c_request_id", default="")


def register(event_type: str, label: Any) -> str:
    """Declare an event type (``<app>.<entity>.<past participle>``) and its human label."""
    if event_type.count(".") < 2:
        raise ValueError(f"event type {event_type!r} must be <app>.<entity>.<what happened>")
    _REGISTRY[event_type] = label
    return event_type


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
    if event_type not in _REGISTRY:
        raise ValueError(f"unregistered event type {event_type!r}")
    return Event.objects.create(
        event_type=event_type,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        payload=payload or {},
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
        request_id=request_id_var.get(),
    )


def timeline(subject: models.Model) -> list[Event]:
    return list(Event.objects.for_subject(subject).select_related("actor").order_by("occurred_at", "id"))


# Core's own event types.
USER_CREATED = register("core.user.created", _("User created"))
TOKEN_CREATED = register("core.apitoken.created", _("API token created"))
TOKEN_REVOKED = register("core.apitoken.revoked", _("API token revoked"))
STATE_CHANGED = register("core.entity.status_changed", _("Status changed"))


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
        if payload is None:
            payload = {}
        elif not isinstance(payload, dict):
            raise ValueError("an event payload is a dictionary")
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
