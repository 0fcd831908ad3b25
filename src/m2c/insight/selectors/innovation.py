"""Reads of joint innovation projects, scoped by org unit, owner and our participants; their outputs include
the requirements raised with the project as source."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from m2c.core.scoping import scope

from ..models import InnovationProject, Requirement
from ..states import RequirementSource

INNOVATION_SCOPE = {"org_field": "org_unit", "owner_fields": ("owner", "participants__user")}


def innovation_queryset(user: Any) -> QuerySet[InnovationProject]:
    return scope(InnovationProject.objects.all(), user, **INNOVATION_SCOPE).distinct()


def innovation_list(*, user: Any, status: str | None = None, search: str | None = None) -> QuerySet:
    qs = innovation_queryset(user).select_related("customer", "offering_line", "owner")
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(name__icontains=search.strip())
    return qs.order_by("-created_at", "id")


def innovation_get(*, user: Any, project_id: Any) -> InnovationProject:
    return get_object_or_404(innovation_queryset(user).select_related("customer", "offering_line", "owner"),
                             pk=project_id)


def innovation_requirements(project: InnovationProject) -> QuerySet[Requirement]:
    return Requirement.objects.filter(source_type=RequirementSource.JOINT_INNOVATION,
                                      source_id=project.pk).order_by("number")
