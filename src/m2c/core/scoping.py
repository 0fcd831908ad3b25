"""The one scoping helper every list and detail query goes through.

A user sees a record when any of these holds:

- the user reads everything (administrator, executive, superuser);
- the record belongs to the user's org unit or a unit below it (``org_field`` names the FK path to
  an ``OrgUnit``);
- the user owns it (``owner_fields``), or is on its team (``team_lookup``, a lookup to a user FK).

A partner user sees only records whose ``partner_field`` is the user's partner; where an app declares
no partner field, a partner user sees nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from .models import Role


def scope(
    queryset: QuerySet,
    user: Any,
    *,
    org_field: str | None = None,
    owner_fields: Iterable[str] = (),
    team_lookup: str | None = None,
    partner_field: str | None = None,
) -> QuerySet:
    if user is None or not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user.sees_everything:
        return queryset
    if user.has_role(Role.PARTNER):
        partner_id = getattr(user, "partner_id", None)
        if partner_field and partner_id:
            return queryset.filter(**{partner_field: partner_id})
        return queryset.none()
    condition = Q()
    if org_field and user.org_unit_id:
        condition |= Q(**{f"{org_field}__path__startswith": user.org_unit.path})
    for name in owner_fields:
        condition |= Q(**{name: user})
    if team_lookup:
        condition |= Q(**{team_lookup: user})
    if not condition:
        return queryset.none()
    filtered = queryset.filter(condition)
    return filtered.distinct() if team_lookup else filtered


def can_see(queryset: QuerySet, user: Any, pk: Any, **rules: Any) -> bool:
    return scope(queryset.filter(pk=pk), user, **rules).exists()
