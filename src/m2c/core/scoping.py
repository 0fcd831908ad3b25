"""The one scoping helper every list and detail query goes through.

A user sees a record when any of these holds:

- the user reads everything (administrator, executive, superuser);
- the record belongs to the user's org unit or a unit below it (``org_field`` names the FK path to
  an ``OrgUnit``). Members of a front-line center (strategy, campaign, enablement) work for the
  region above it, so they see that region's records;
- the user belongs to a customer-group team and the record is in that group (``group_field``);
- the user owns it (``owner_fields``), or is on its team (``team_lookup``, a lookup to a user FK).

A partner user sees only records whose ``partner_field`` is the user's partner; where an app declares
no partner field, a partner user sees nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from .models import OrgUnit, Role


def scope(
    queryset: QuerySet,
    user: Any,
    *,
    org_field: str | None = None,
    owner_fields: Iterable[str] = (),
    team_lookup: str | None = None,
    partner_field: str | None = None,
    group_field: str | None = None,
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
    home = home_unit(user.org_unit) if user.org_unit_id else None
    if org_field and home is not None:
        condition |= Q(**{f"{org_field}__path__startswith": home.path})
    if group_field and home is not None and home.type == OrgUnit.Type.CUSTOMER_GROUP:
        condition |= Q(**{f"{group_field}__path__startswith": home.path})
    for name in owner_fields:
        condition |= Q(**{name: user})
    if team_lookup:
        condition |= Q(**{team_lookup: user})
    if not condition:
        return queryset.none()
    filtered = queryset.filter(condition)
    return filtered.distinct() if team_lookup else filtered


CENTER_TYPES = frozenset(
    {OrgUnit.Type.STRATEGY_CENTER, OrgUnit.Type.CAMPAIGN_CENTER, OrgUnit.Type.ENABLEMENT_CENTER}
)


def home_unit(unit: OrgUnit) -> OrgUnit:
    """The unit whose subtree a member of ``unit`` works on: a center's parent, else the unit itself."""
    if unit.type in CENTER_TYPES and unit.parent_id:
        return unit.parent
    return unit
