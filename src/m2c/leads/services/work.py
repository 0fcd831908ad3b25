"""Working a lead: activities, the nurture pool, disqualification, review."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, ValidationFailed
from m2c.core.models import Role, User
from m2c.core.roles import require_role

from .. import capture, events
from ..models import (
    ActivityType,
    DisqualifyReason,
    Lead,
    LeadActivity,
)
from ..states import LEAD_MACHINE
from .common import (
    WORK_ROLES,
    S,
    _lock,
    _rescore,
    _writable,
)
from .routing import _requalify


@transaction.atomic
def lead_log_activity(*, lead: Lead, actor: User | None, type: str, subject: str, outcome: str = "", next_step: str = "",
                      next_step_due: dt.date | None = None, occurred_at: dt.datetime | None = None) -> LeadActivity:
    """Log an interaction; the first one after acceptance starts nurturing (ACCEPTED → NURTURING)."""
    require_role(actor, *WORK_ROLES)
    lead = _lock(lead)
    _writable(lead)
    errors = []
    if type not in ActivityType.values:
        errors.append({"field": "type", "reason": _("Choose one of: %(v)s.") % {"v": ", ".join(ActivityType.values)}})
    subject = (subject or "").strip()
    if not subject:
        errors.append({"field": "subject", "reason": _("Say in a few words what happened.")})
    if len(subject) > 200 or len(next_step or "") > 200:
        errors.append({"field": "subject" if len(subject) > 200 else "next_step", "reason": _("Longer than %(n)d characters.") % {"n": 200}})
    when = occurred_at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        errors.append({"field": "occurred_at", "reason": _("An activity cannot lie in the future.")})
    if next_step_due and not next_step:
        errors.append({"field": "next_step", "reason": _("Name the next step that is due.")})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)
    activity = LeadActivity.objects.create(
        lead=lead, type=type, subject=subject, outcome=outcome or "", next_step=next_step or "",
        next_step_due=next_step_due, occurred_at=when, created_by=actor,
    )
    changes = {"last_activity_at": max(when, lead.last_activity_at or when), "stale_alerted_at": None}
    if next_step:
        changes.update(next_step=next_step, next_step_due=next_step_due)
    Lead.objects.filter(pk=lead.pk).update(**changes)
    for k, v in changes.items():
        setattr(lead, k, v)
    core_events.record(events.ACTIVITY_LOGGED, lead, actor=actor,
                       payload={"activity_id": str(activity.pk), "type": type, "subject": subject,
                                "next_step": next_step, "next_step_due": str(next_step_due) if next_step_due else None})
    if lead.status == S.ACCEPTED:
        LEAD_MACHINE.apply(lead, S.NURTURING, actor=actor, reason=subject[:200])
    return activity


@transaction.atomic
def lead_recycle(*, lead: Lead, actor: User | None, reason: str) -> Lead:
    """The owner hands a lead back to marketing's nurture pool (NURTURING → RECYCLED)."""
    if actor is not None:
        require_role(actor, *WORK_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Recycling a lead needs a reason."), field="reason")
    lead = _lock(lead)
    history = list(lead.previous_owner_ids)
    if lead.owner_id and str(lead.owner_id) not in history:
        history.append(str(lead.owner_id))
    return LEAD_MACHINE.apply(lead, S.RECYCLED, actor=actor, reason=reason[:500],
                              changes={"owner_id": None, "queue_id": None, "previous_owner_ids": history,
                                       "accept_due_at": None})


@transaction.atomic
def lead_requalify(*, lead: Lead, actor: User | None) -> Lead:
    """Take a lead from the nurture pool once its score reaches the warm threshold."""
    require_role(actor, *WORK_ROLES)
    lead = _lock(lead)
    ref = capture.Reference()
    _rescore(lead, ref, actor)
    if lead.status == S.RECYCLED and lead.score < ref.config.warm_threshold:
        raise Conflict(_("The score %(s)d is below the warm threshold %(t)d.") % {"s": lead.score, "t": ref.config.warm_threshold},
                       code="below_warm_threshold")
    return _requalify(lead, actor, ref, reason=_("Re-qualified from the nurture pool"))


@transaction.atomic
def lead_disqualify(*, lead: Lead, actor: User | None, reason: str, note: str = "") -> Lead:
    require_role(actor, *WORK_ROLES)
    if reason not in DisqualifyReason.values:
        raise ValidationFailed(_("Choose one of: %(v)s.") % {"v": ", ".join(DisqualifyReason.values)}, field="reason")
    lead = _lock(lead)
    return LEAD_MACHINE.apply(lead, S.DISQUALIFIED, actor=actor, reason=note or reason,
                              changes={"disqualify_reason": reason}, payload={"reason": reason})


@transaction.atomic
def lead_mark_reviewed(*, lead: Lead, actor: User | None, note: str = "") -> Lead:
    """The review board confirmed validity, temperature and owner."""
    require_role(actor, Role.MARKETING, Role.AR)
    lead = _lock(lead)
    Lead.objects.filter(pk=lead.pk).update(needs_review=False, review_reason="", last_reviewed_at=timezone.now())
    core_events.record(events.LEAD_REVIEWED, lead, actor=actor, reason=note[:500])
    lead.refresh_from_db()
    return lead


# --- merge, preview and undo -------------------------------------------------------------------------
