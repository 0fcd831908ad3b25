"""The prioritised requirement backlog (domain.md 7.6, 11.12) and the solution-gap losses per offering line.

The priority rule: **score = business value in the reporting currency × urgency weight** (low 1, medium 2,
high 3, critical 5). Business value is the sum of the amounts of every distinct deal linked to the
requirement or to a requirement marked as its duplicate, each converted with the dated FX rate of the
valuation day (today unless told). A requirement without any deal is valued at the estimate it was raised
with. Ties go to the older requirement. The backlog holds the open requirements: new, analysing and
accepted (current release or roadmap) but not yet implemented; duplicates appear inside the requirement
they duplicate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from m2c.core import fx
from m2c.opportunities import selectors as opportunity_selectors
from m2c.opportunities.models import Opportunity

from ..models import Requirement, RequirementLink
from ..states import RequirementStatus, Urgency
from .requirements import requirement_queryset

URGENCY_WEIGHT = {Urgency.LOW: 1, Urgency.MEDIUM: 2, Urgency.HIGH: 3, Urgency.CRITICAL: 5}
BACKLOG_STATUSES = (RequirementStatus.NEW, RequirementStatus.ANALYSING, RequirementStatus.ACCEPTED_CURRENT,
                    RequirementStatus.ACCEPTED_ROADMAP)


@dataclass
class BacklogRow:
    requirement: Requirement
    value: Decimal
    currency: str
    weight: int
    score: Decimal
    deals: list[Any] = field(default_factory=list)
    duplicates: list[Requirement] = field(default_factory=list)
    rank: int = 0


def _roots(requirement_ids: set[Any]) -> dict[Any, Any]:
    """Every duplicate (transitively) of the given requirements → the requirement it ends up in."""
    parent = dict(Requirement.objects.filter(status=RequirementStatus.DUPLICATE, duplicate_of__isnull=False)
                  .values_list("id", "duplicate_of_id"))
    roots: dict[Any, Any] = {}
    for child in parent:
        seen, node = {child}, parent[child]
        while node in parent and node not in seen:
            seen.add(node)
            node = parent[node]
        if node in requirement_ids:
            roots[child] = node
    return roots


def _deal_ids(requirement_ids: set[Any]) -> dict[Any, set[Any]]:
    deals: dict[Any, set[Any]] = defaultdict(set)
    for rid, oid in Requirement.objects.filter(pk__in=requirement_ids, opportunity__isnull=False).values_list(
            "id", "opportunity_id"):
        deals[rid].add(oid)
    for rid, oid in RequirementLink.objects.filter(requirement_id__in=requirement_ids).values_list(
            "requirement_id", "opportunity_id"):
        deals[rid].add(oid)
    return deals


def valued(requirements: list[Requirement], *, on: dt.date | None = None) -> list[BacklogRow]:
    """Value and score the given requirements, unsorted (see the module's rule)."""
    day = on or timezone.localdate()
    currency = fx.reporting_currency()
    ids = {r.pk for r in requirements}
    roots = _roots(ids)
    members: dict[Any, set[Any]] = {rid: {rid} for rid in ids}
    for child, root in roots.items():
        members[root].add(child)
    every = set().union(*members.values()) if members else set()
    deals = _deal_ids(every)
    opportunities = {o.pk: o for o in Opportunity.objects.filter(pk__in=set().union(*deals.values()) if deals else [])
                     .select_related("owner", "customer").only("id", "name", "amount", "currency", "stage", "owner",
                                                                "customer__legal_name")}
    extras = {r.pk: r for r in Requirement.objects.filter(pk__in=set(roots)).only(
        "id", "number", "title", "business_value", "currency", "duplicate_of_id")}
    rates: dict[str, Decimal] = {}

    def rate(code: str) -> Decimal:
        if code not in rates:
            rates[code] = fx.rate(code, currency, day)
        return rates[code]

    rows = []
    for r in requirements:
        deal_ids = set().union(*(deals.get(m, set()) for m in members[r.pk]))
        linked = sorted((opportunities[d] for d in deal_ids if d in opportunities), key=lambda o: o.name)
        if linked:
            value = sum((o.amount * rate(o.currency) for o in linked), Decimal(0))
        else:
            own = [r, *(extras[m] for m in members[r.pk] if m in extras)]
            value = sum((x.business_value * rate(x.currency) for x in own), Decimal(0))
        value = value.quantize(Decimal("0.01"))
        weight = URGENCY_WEIGHT.get(r.urgency, 1)
        rows.append(BacklogRow(requirement=r, value=value, currency=currency, weight=weight, score=value * weight,
                               deals=linked, duplicates=sorted((extras[m] for m in members[r.pk] if m in extras),
                                                               key=lambda x: x.number)))
    return rows


def requirement_value(requirement: Requirement, *, on: dt.date | None = None) -> BacklogRow:
    return valued([requirement], on=on)[0]


def backlog(*, user: Any, offering_line: str | None = None, status: str | None = None,
            on: dt.date | None = None) -> list[BacklogRow]:
    """The open requirements the reader may see, highest score first, ranked from 1."""
    qs = requirement_queryset(user).filter(status__in=BACKLOG_STATUSES).select_related(
        "customer", "offering_line", "opportunity", "submitted_by", "analyst")
    if offering_line:
        qs = qs.filter(offering_line__code=offering_line)
    if status in BACKLOG_STATUSES:
        qs = qs.filter(status=status)
    rows = valued(list(qs), on=on)
    rows.sort(key=lambda row: (-row.score, row.requirement.created_at, row.requirement.number))
    for n, row in enumerate(rows, 1):
        row.rank = n
    return rows


def solution_gaps(*, user: Any) -> list[dict[str, Any]]:
    """Deals lost for a missing capability (loss reason ``solution``), per offering line, from the win/loss report."""
    report = opportunity_selectors.win_loss_report(user=user)
    return [{"offering_line": str(row["offering_line"]), "offering_line_id": row["offering_line_id"],
             "lost": row["loss_reasons"].get("solution", 0)} for row in report["rows"]
            if row["loss_reasons"].get("solution", 0)]


def linkable_opportunities(*, user: Any, requirement: Requirement) -> list[Any]:
    """Deals the reader may link: their visible deals of the requirement's customer, else their open deals."""
    qs = opportunity_selectors.opportunity_queryset(user).exclude(
        pk__in=RequirementLink.objects.filter(requirement=requirement).values("opportunity_id"))
    if requirement.opportunity_id:
        qs = qs.exclude(pk=requirement.opportunity_id)
    if requirement.customer_id:
        qs = qs.filter(customer_id=requirement.customer_id)
    return list(qs.select_related("customer").order_by("name")[:200])


def opportunity_visible(*, user: Any, opportunity_id: Any) -> Any:
    return opportunity_selectors.opportunity_queryset(user).filter(pk=opportunity_id).first()
