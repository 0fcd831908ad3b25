"""What the record pages of insight (joint innovation, key-account plans) read from a posted command form."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from m2c.core.errors import DomainError
from m2c.core.models import Role


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID((value or "").strip())
    except ValueError:
        return None


def active_user(value: str) -> Any:
    """The active user a form field names by id, or None."""
    pk = parse_uuid(value)
    return get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None


def staff_choices() -> Any:
    """The people a page offers as owners or participants: active staff, no partner users (first 300)."""
    return get_user_model().objects.filter(is_active=True).exclude(groups__name=Role.PARTNER).order_by(
        "username")[:300]


def run_command(request: HttpRequest, apply: Callable[[HttpRequest, Any], None], record: Any, done: str,
                page: str) -> HttpResponse:
    """Apply one posted command to ``record``: its refusal or ``done`` as a message, then back to its page."""
    try:
        apply(request, record)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, done)
    return redirect(page, record.pk)
