"""Reads of core reference data."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

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


def user_list(*, role: str | None = None, org_unit: OrgUnit | None = None) -> QuerySet[User]:
    qs = User.objects.filter(is_active=True).select_related("org_unit")
    if role:
        qs = qs.filter(groups__name=role)
    if org_unit:
        qs = qs.filter(org_unit__path__startswith=org_unit.path)
    return qs
