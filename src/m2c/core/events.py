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


# Core's own event types.
USER_CREATED = register("core.user.created", _("User created"))
TOKEN_CREATED = register("core.apitoken.created", _("API token created"))
TOKEN_REVOKED = register("core.apitoken.revoked", _("API token revoked"))
STATE_CHANGED = register("core.entity.status_changed", _("Status changed"))
