"""Helpers every opportunities service uses: the deal's own permission checks, percentages, dates, links.

Role checks, field-error collection and user lookups are core's (``core.roles``, ``core.errors.FieldErrors``,
``core.selectors.user_resolve``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from m2c.core.errors import Conflict, FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.money import to_decimal
from m2c.core.roles import Actor

from .. import rules
from ..models import Opportunity


def require_work(opportunity: Opportunity, actor: Actor) -> None:
    if not rules.can_work_on(opportunity, actor):
        raise PermissionDenied(_("Only the opportunity's team or an administrator can change it."))


def require_open(opportunity: Opportunity) -> None:
    if not opportunity.is_open:
        raise Conflict(
            _("The opportunity is %(stage)s: it can no longer change.") % {"stage": opportunity.get_stage_display()},
            code="opportunity_closed",
        )


def check_version(obj: Any, expected: int | None) -> None:
    if expected is not None and expected != obj.version:
        raise Conflict(
            _("Someone changed this record since you opened it (version %(now)d, you had %(had)d). Reload and retry.")
            % {"now": obj.version, "had": expected},
            code="stale_version",
        )


def percent(value: Any, *, field: str, errors: FieldErrors | None = None) -> Decimal | None:
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


def link(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def as_date(value: Any, *, field: str, errors: FieldErrors, required: bool = False) -> dt.date | None:
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
