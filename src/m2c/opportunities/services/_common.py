"""Helpers every opportunities service uses: permission checks, error collection, links."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from m2c.core.errors import Conflict, PermissionDenied, ValidationFailed
from m2c.core.models import Role, User
from m2c.core.money import to_decimal

from .. import rules
from ..models import Opportunity


def authenticated(actor: Any) -> Any:
    """The actor to store in ``created_by``-style columns: ``None`` for system processes."""
    return actor if getattr(actor, "is_authenticated", False) else None


def require_work(opportunity: Opportunity, actor: Any) -> None:
    if not rules.can_work_on(opportunity, actor):
        raise PermissionDenied(_("Only the opportunity's team or an administrator can change it."))


def require_open(opportunity: Opportunity) -> None:
    if not opportunity.is_open:
        raise Conflict(
            _("The opportunity is %(stage)s: it can no longer change.") % {"stage": opportunity.get_stage_display()},
            code="opportunity_closed",
        )


def require_admin(actor: Any) -> None:
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("You must be signed in."))
    if not (actor.is_superuser or actor.has_role(Role.ADMINISTRATOR)):
        raise PermissionDenied(_("Only an administrator can change this configuration."))


def check_version(obj: Any, expected: int | None) -> None:
    if expected is not None and expected != obj.version:
        raise Conflict(
            _("Someone changed this record since you opened it (version %(now)d, you had %(had)d). Reload and retry.")
            % {"now": obj.version, "had": expected},
            code="stale_version",
        )


class Errors:
    """Collects field errors so a response names every bad field at once."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, field: str, reason: str) -> None:
        self.items.append({"field": field, "reason": str(reason)})

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in self.items), errors=self.items)


def percent(value: Any, *, field: str, errors: Errors | None = None) -> Decimal | None:
    try:
        number = to_decimal(value, field=field)
    except ValidationFailed as exc:
        if errors is None:
            raise
        errors.add(field, exc.detail)
        return None
    if not Decimal(0) <= number <= Decimal(100):
        if errors is None:
            raise ValidationFailed(_("A percentage is between 0 and 100."), field=field)
        errors.add(field, _("A percentage is between 0 and 100."))
        return None
    return number


def active_user(value: Any, *, field: str, errors: Errors) -> User | None:
    if isinstance(value, User):
        user = value
    elif value in (None, ""):
        errors.add(field, _("Name a user."))
        return None
    else:
        text = str(value)
        user = None
        try:
            import uuid

            user = User.objects.filter(pk=uuid.UUID(text)).first()
        except ValueError:
            user = User.objects.filter(username=text).first()
    if user is None or not user.is_active:
        errors.add(field, _("No active user “%(v)s”.") % {"v": value})
        return None
    return user


def link(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def as_date(value: Any, *, field: str, errors: Errors, required: bool = False) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors.add(field, _("A date is required."))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.add(field, _("Use a date like 2026-06-30."))
        return None
