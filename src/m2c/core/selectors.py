"""Reads of core reference data."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .errors import FieldErrors, ValidationFailed
from .models import ApiToken, Currency, FxRate, OfferingLine, OrgUnit, User


def org_unit_list(*, type: str | None = None) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(active=True)
    return qs.filter(type=type) if type else qs


def offering_line_list() -> QuerySet[OfferingLine]:
    return OfferingLine.objects.filter(active=True)


def currency_list() -> QuerySet[Currency]:
    return Currency.objects.filter(active=True)


def fx_rate_list(*, currency: str | None = None) -> QuerySet[FxRate]:
    qs = FxRate.objects.all()
    return qs.filter(currency_id=currency.upper()) if currency else qs


def token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def user_resolve(
    value: Any, *, field: str, errors: FieldErrors | None = None, required: bool = False
) -> User | None:
    """The active user named by ``value`` (a user, an id or a username); blank is ``None`` unless required.

    An unknown or inactive user is a field error: added to ``errors`` when given, raised otherwise.
    """
    if value in (None, ""):
        if required:
            _refuse(_("Name a user."), field, errors)
        return None
    if isinstance(value, User):
        user: User | None = value
    else:
        text = str(value).strip()
        user = None
        try:
            user = User.objects.filter(pk=uuid.UUID(text)).first()
        except ValueError:
            pass
        user = user or User.objects.filter(username=text).first()
    if user is None or not user.is_active:
        _refuse(_("No active user “%(v)s”.") % {"v": value}, field, errors)
        return None
    return user


def _refuse(reason: str, field: str, errors: FieldErrors | None) -> None:
    if errors is None:
        raise ValidationFailed(reason, field=field)
    errors.add(field, reason)
