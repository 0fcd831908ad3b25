"""Reads of insight reports, scoped by org unit and author; the reports due for the strategy center."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from m2c.core.scoping import scope

from ..models import InsightReport
from ..states import InsightReportStatus

REPORT_SCOPE = {"org_field": "org_unit", "owner_fields": ("author",)}


def insight_report_queryset(user: Any) -> QuerySet[InsightReport]:
    return scope(InsightReport.objects.all(), user, **REPORT_SCOPE)


def insight_report_list(*, user: Any, report_type: str | None = None, status: str | None = None,
                        search: str | None = None) -> QuerySet[InsightReport]:
    qs = insight_report_queryset(user).select_related("org_unit", "author")
    if report_type:
        qs = qs.filter(report_type=report_type)
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(title__icontains=search.strip())
    return qs.order_by("-created_at", "id")


def insight_report_get(*, user: Any, report_id: Any) -> InsightReport:
    return get_object_or_404(insight_report_queryset(user).select_related("org_unit", "author"), pk=report_id)


def insight_reports_due(*, user: Any, within_days: int = 30, org_unit: Any = None) -> QuerySet[InsightReport]:
    """Drafts due within ``within_days`` (or overdue), soonest first: the strategy center's queue."""
    qs = insight_report_queryset(user).filter(status=InsightReportStatus.DRAFT, due_on__isnull=False,
                                              due_on__lte=timezone.localdate() + dt.timedelta(days=within_days))
    if org_unit is not None:
        qs = qs.filter(org_unit__path__startswith=org_unit.path)
    return qs.select_related("author").order_by("due_on", "number")
