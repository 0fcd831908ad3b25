"""Reads of requirements, scoped: the org subtree, the submitter, the analyst and the deal's owner."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from m2c.core.scoping import scope

from ..models import Requirement

REQUIREMENT_SCOPE = {"org_field": "org_unit", "owner_fields": ("submitted_by", "analyst", "opportunity__owner")}


def requirement_queryset(user: Any) -> QuerySet[Requirement]:
    return scope(Requirement.objects.all(), user, **REQUIREMENT_SCOPE)


def requirement_list(
    *,
    user: Any,
    status: str | None = None,
    offering_line: str | None = None,
    source_type: str | None = None,
    opportunity: Any = None,
    search: str | None = None,
) -> QuerySet[Requirement]:
    qs = requirement_queryset(user).select_related("customer", "offering_line", "opportunity", "submitted_by", "analyst")
    if status:
        qs = qs.filter(status=status)
    if offering_line:
        qs = qs.filter(offering_line__code=offering_line)
    if source_type:
        qs = qs.filter(source_type=source_type)
    if opportunity:
        qs = qs.filter(opportunity_id=opportunity)
    if search:
        qs = qs.filter(title__icontains=search.strip())
    return qs.order_by("-created_at", "id")


def requirement_get(*, user: Any, requirement_id: Any) -> Requirement:
    return get_object_or_404(
        requirement_queryset(user).select_related("customer", "offering_line", "opportunity", "submitted_by", "analyst"),
        pk=requirement_id,
    )


def requirement_counts_by_status(*, user: Any) -> dict[str, int]:
    rows = requirement_queryset(user).order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}
