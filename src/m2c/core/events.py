"""Recording events, and the registry of event types.

Each app's ``events.py`` registers its event types with a translatable label, so a typo in an event name
fails at once and every timeline can say in words what happened.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.db import models
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
USER_CREATED = register("core.user.created", _("User created"))
TOKEN_CREATED = register("core.apitoken.created", _("API token created"))
TOKEN_REVOKED = register("core.apitoken.revoked", _("API token revoked"))
STATE_CHANGED = register("core.entity.status_changed", _("Status changed"))
