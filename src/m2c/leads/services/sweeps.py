"""Periodic sweeps: accept deadlines (SLA), stale leads, the review cadence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.errors import DomainError
from m2c.core.models import User
from m2c.core.notifications import message, notify

from .. import capture, events
from ..models import (
    Lead,
)
from ..states import OPEN
from .common import (
    S,
    _lock,
    _url,
)
from .routing import lead_return
from .work import lead_recycle


def sla_sweep(now: dt.datetime | None = None) -> int:
    """Return every lead whose accept deadline passed; re-route it excluding the previous assignee."""
    moment = now or timezone.now()
    count = 0
    for lead in Lead.objects.filter(status=S.ASSIGNED, accept_due_at__lt=moment).order_by("accept_due_at")[:1000]:
        try:
            if lead.owner_id:
                lead_return(lead=lead, actor=None, reason=_("Not accepted within the accept deadline"), sla=True)
            elif lead.sla_breaches == 0:
                with transaction.atomic():
                    locked = _lock(lead)
                    Lead.objects.filter(pk=locked.pk).update(sla_breaches=1)
                    core_events.record(events.LEAD_SLA_BREACHED, locked, payload={"queue": str(locked.queue_id)},
                                       reason=_("Nobody in the queue accepted the lead in time"))
                    manager = locked.queue.manager if locked.queue_id else None
                    if manager:
                        notify(manager, title=message(gettext_noop("SLA breach: a lead waits in the %(q)s queue"), q=locked.queue.label),
                               body=locked.title, url=_url(locked), kind="leads.sla_breach", subject=locked)
            else:
                continue
            count += 1
        except DomainError:
            continue
    return count


def stale_sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Alert owners of leads without activity; recycle those stale for twice the threshold."""
    moment = now or timezone.now()
    config = capture.load_settings()
    days = {"hot": config.stale_days_hot, "warm": config.stale_days_warm, "cold": config.stale_days_cold}
    alerted = recycled = 0
    for temp, limit in days.items():
        base = Lead.objects.filter(status__in=[S.ACCEPTED, S.NURTURING], temperature=temp)
        since = Q(last_activity_at__lt=moment - dt.timedelta(days=limit)) | Q(
            last_activity_at__isnull=True, accepted_at__lt=moment - dt.timedelta(days=limit))
        doubled = Q(last_activity_at__lt=moment - dt.timedelta(days=2 * limit)) | Q(
            last_activity_at__isnull=True, accepted_at__lt=moment - dt.timedelta(days=2 * limit))
        for lead in base.filter(doubled, status=S.NURTURING)[:1000]:
            lead_recycle(lead=lead, actor=None, reason=_("No activity for %(d)d days") % {"d": 2 * limit})
            recycled += 1
        for lead in base.filter(since, stale_alerted_at__isnull=True).select_related("owner__org_unit__manager")[:1000]:
            with transaction.atomic():
                Lead.objects.filter(pk=lead.pk).update(stale_alerted_at=moment)
                core_events.record(events.LEAD_STALE, lead, payload={"days": limit, "temperature": temp})
                if lead.owner:
                    notify(lead.owner, title=message(gettext_noop("No activity for %(d)d days: %(t)s"), d=limit, t=lead.title),
                           url=_url(lead), kind="leads.stale", subject=lead)
                    manager = lead.owner.org_unit.manager if lead.owner.org_unit_id else None
                    if manager and manager != lead.owner:
                        notify(manager, title=message(gettext_noop("Stale lead of %(u)s: %(t)s"), u=lead.owner, t=lead.title),
                               url=_url(lead), kind="leads.stale", subject=lead)
            alerted += 1
    return {"alerted": alerted, "recycled": recycled}


def review_sweep(now: dt.datetime | None = None) -> int:
    """On the review cadence, tell each owner how many of their leads are due for review."""
    from m2c.core.notifications import Notification

    moment = now or timezone.now()
    config = capture.load_settings()
    cadence = dt.timedelta(days=config.review_cadence_days)
    sent = 0
    due = Lead.objects.filter(status__in=OPEN, owner__isnull=False).filter(
        Q(needs_review=True) | Q(last_reviewed_at__isnull=True, created_at__lt=moment - cadence)
        | Q(last_reviewed_at__lt=moment - cadence))
    for owner_id, count in _count_by(due, "owner_id").items():
        last = Notification.objects.filter(recipient_id=owner_id, kind="leads.review").order_by("-created_at").first()
        if last and moment - last.created_at < cadence:
            continue
        user = User.objects.get(pk=owner_id)
        notify(user, title=message(gettext_noop("%(n)d leads to review"), n=count), url=reverse("leads:review"), kind="leads.review")
        sent += 1
    return sent


def _count_by(qs: Any, field: str) -> dict[Any, int]:
    from django.db.models import Count

    return dict(qs.values(field).annotate(n=Count("id")).values_list(field, "n"))


# --- configuration and saved views -------------------------------------------------------------------
