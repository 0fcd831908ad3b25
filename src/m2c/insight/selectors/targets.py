"""Reads of target-account lists: which customers match a list's criteria, its members, and the audience
other apps (campaigns) read.

The match is one query: the customer columns (industry, region subtree, tier) filter first, then an
``EXISTS`` per fact held elsewhere — a signed contract (installed base), an open opportunity, an activity
logged on any of the customer's deals within N days (the last contact). PostgreSQL turns each into a
semi- or anti-join; ``benchmarks/target_accounts.py`` measures it over a million customers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from m2c.contracts.models import Contract
from m2c.contracts.states import ContractStatus
from m2c.core.models import OrgUnit
from m2c.core.scoping import scope
from m2c.customers.models import Contact, Customer
from m2c.opportunities.models import Activity, Opportunity
from m2c.opportunities.states import OPEN_STAGES, Stage

from ..models import TargetList, TargetListMember
from ..states import InstalledBase

TARGET_LIST_SCOPE = {"org_field": "org_unit", "owner_fields": ("created_by",)}

# A customer has an installed base once a contract with it is signed (and not terminated).
INSTALLED_STATUSES = (ContractStatus.SIGNED, ContractStatus.IN_EXECUTION, ContractStatus.CHANGE_PENDING,
                      ContractStatus.SUSPENDED, ContractStatus.FULFILLED, ContractStatus.CLOSED)
# On hold is still open business: the customer is being worked.
LIVE_STAGES = (*OPEN_STAGES, Stage.ON_HOLD)


def target_list_queryset(user: Any) -> QuerySet[TargetList]:
    return scope(TargetList.objects.all(), user, **TARGET_LIST_SCOPE)


def target_list_list(*, user: Any, segment: Any = None) -> QuerySet[TargetList]:
    qs = target_list_queryset(user).select_related("segment", "org_unit", "region")
    if segment:
        qs = qs.filter(segment_id=segment)
    return qs.order_by("-created_at", "id")


def target_list_get(*, user: Any, target_list_id: Any) -> TargetList:
    return get_object_or_404(target_list_queryset(user).select_related("segment", "org_unit", "region"),
                             pk=target_list_id)


def _subtree_ids(unit: OrgUnit) -> list[Any]:
    return list(OrgUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def target_matches(target_list: TargetList, *, today: dt.date | None = None) -> QuerySet[Customer]:
    """The customers matching the list's criteria inside its org unit's subtree (a queryset, not evaluated)."""
    today = today or timezone.localdate()
    units = _subtree_ids(target_list.org_unit)
    if target_list.region_id:
        units = sorted(set(units) & set(_subtree_ids(target_list.region)))
    qs = Customer.objects.filter(org_unit_id__in=units)
    if target_list.industries:
        qs = qs.filter(industry__in=target_list.industries)
    if target_list.tiers:
        qs = qs.filter(tier__in=target_list.tiers)
    if target_list.installed_base != InstalledBase.ANY:
        base = Exists(Contract.objects.filter(customer_id=OuterRef("pk"), status__in=INSTALLED_STATUSES))
        qs = qs.filter(base if target_list.installed_base == InstalledBase.WITH else ~base)
    if target_list.no_open_opportunity:
        qs = qs.filter(~Exists(Opportunity.objects.filter(customer_id=OuterRef("pk"), stage__in=LIVE_STAGES)))
    if target_list.last_contact_days is not None:
        cutoff = today - dt.timedelta(days=target_list.last_contact_days)
        qs = qs.filter(~Exists(Activity.objects.filter(opportunity__customer_id=OuterRef("pk"),
                                                       occurred_on__gt=cutoff)))
    return qs


def target_list_members(target_list: TargetList) -> QuerySet[TargetListMember]:
    return (target_list.members.select_related("customer", "customer__org_unit")
            .order_by("customer__normalized_name", "id"))


def target_audience(target_list_id: Any) -> list[dict[str, Any]]:
    """A saved list as a campaign audience: each member's customer id and its active contacts.

    Unscoped like the other cross-app reads: the calling app decides what its user may see.
    """
    members = list(TargetListMember.objects.filter(target_list_id=target_list_id)
                   .values_list("customer_id", flat=True).order_by("id"))
    contacts: dict[Any, list[dict[str, Any]]] = {m: [] for m in members}
    for c in Contact.objects.filter(customer_id__in=members, active=True).order_by("name").values(
            "id", "customer_id", "name", "email", "phone", "consent_email", "consent_phone"):
        contacts[c.pop("customer_id")].append(c)
    return [{"customer_id": m, "contacts": contacts[m]} for m in members]


def first_contacts(customer_ids: list[Any]) -> list[dict[str, Any]]:
    """Each customer's first active contact, consenting ones first (for leads raised from a list)."""
    seen: dict[Any, dict[str, Any]] = {}
    for row in Contact.objects.filter(customer_id__in=customer_ids, active=True).order_by(
            "customer_id", "-consent_email", "name").values("customer_id", "name", "email", "phone", "consent_email"):
        seen.setdefault(row["customer_id"], row)
    return list(seen.values())
