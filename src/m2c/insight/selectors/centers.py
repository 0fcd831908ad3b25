"""The three front-line centers (domain.md 7.8; issue 13 item 7): strategy, campaign and enablement centers are
org units under a region. Each has a queue of its work, read from the apps that own it: insight reports due
and key-account actions overdue (strategy), campaigns to plan (campaign), exams due and
certifications expiring (enablement, when the enablement app is installed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from m2c.campaigns.selectors import campaign_list
from m2c.core.models import OrgUnit
from m2c.core.scoping import CENTER_TYPES, scope

from ..models import KeyAccountAction, Segment
from .reports import insight_reports_due

PLANNING = ("DRAFT", "SUBMITTED", "APPROVED", "PREPARING")


def center_queryset(user: Any) -> QuerySet[OrgUnit]:
    """Centers under the regions the reader works on (a center's members work on its region)."""
    return scope(OrgUnit.objects.filter(type__in=CENTER_TYPES), user, org_field="parent").select_related("parent")


def center_list(*, user: Any) -> QuerySet[OrgUnit]:
    return center_queryset(user).order_by("parent__path", "type", "code")


def center_get(*, user: Any, center_id: Any) -> OrgUnit:
    return get_object_or_404(center_queryset(user), pk=center_id)


def _exams_due(user: Any, region: OrgUnit, days: int) -> list[Any]:
    """Exams the region's people should sit: renewals of expiring certificates, exams of courses they follow."""
    from m2c.enablement import selectors as enablement

    return enablement.exams_due(user=user, region=region, within_days=days)[:50]


def _expiring_certificates(user: Any, region: OrgUnit, days: int) -> list[Any]:
    """Certificates expiring within ``days`` in the region, of those the reader may see (enablement's selector)."""
    from m2c.enablement import selectors as enablement

    return list(enablement.certificates_expiring(user=user, within_days=days)
                .filter(org_unit__path__startswith=region.path)[:50])


def center_queue(*, user: Any, center: OrgUnit, days: int = 30) -> dict[str, Any]:
    """The work of one center, for its home page."""
    region = center.parent or center
    today = timezone.localdate()
    queue: dict[str, Any] = {"region": region, "days": days}
    if center.type == OrgUnit.Type.STRATEGY_CENTER:
        queue["reports_due"] = list(insight_reports_due(user=user, within_days=days, org_unit=region)[:50])
        queue["actions_overdue"] = list(
            KeyAccountAction.objects.filter(plan__org_unit__path__startswith=region.path, done_on__isnull=True,
                                            due_on__lt=today, plan__status="ACTIVE")
            .select_related("plan__customer", "owner").order_by("due_on")[:50])
        year = str(today.year)
        queue["segments_unplanned"] = list(
            Segment.objects.filter(region__path__startswith=region.path).exclude(status="RETIRED")
            .exclude(business_plans__period=year).order_by("name")[:50])
    elif center.type == OrgUnit.Type.CAMPAIGN_CENTER:
        queue["campaigns_to_plan"] = list(
            campaign_list().filter(org_unit__path__startswith=region.path, status__in=PLANNING)
            .filter(start_date__lte=today + dt.timedelta(days=days * 3)).order_by("start_date", "code")[:50])
    elif center.type == OrgUnit.Type.ENABLEMENT_CENTER:
        queue["certificates_expiring"] = _expiring_certificates(user, region, days * 3)
        queue["exams_due"] = _exams_due(user, region, days * 3)
    queue["count"] = sum(len(v) for k, v in queue.items() if isinstance(v, list))
    return queue
