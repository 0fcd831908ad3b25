"""Routing a lead to people: automatic routing, accept, return, manual assignment."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.errors import Conflict, PermissionDenied, ValidationFailed
from m2c.core.models import OrgUnit, Role, User
from m2c.core.notifications import message, notify
from m2c.core.roles import require_role

from .. import capture, events
from ..models import (
    Lead,
)
from ..states import LEAD_MACHINE
from .common import (
    WORK_ROLES,
    S,
    _authenticated,
    _customer_row,
    _lock,
    _url,
    _uuid,
)


def _route_and_assign(lead: Lead, actor: User | None, ref: capture.Reference, *, reason: str = "") -> Lead:
    """QUALIFIED → ASSIGNED by the routing rules, never to someone who had the lead before."""
    values = {"region_id": lead.region_id, "customer_group_id": lead.customer_group_id, "industry": lead.industry}
    lines = frozenset(lead.offering_lines.values_list("pk", flat=True))
    exclude = {_uuid(x) for x in lead.previous_owner_ids}
    found = capture.route(values, lines, _customer_row(lead), lead.score, ref, exclude)
    if found.skipped:
        core_events.record(events.LEAD_ROUTING_SKIPPED, lead, actor=actor, payload={"skipped": found.skipped},
                           reason="; ".join(s["code"] for s in found.skipped))
    if found.partner_id:
        return _offer_to_partner(lead, actor, found, ref, reason=reason)
    if not (found.owner_id or found.queue_id):
        _flag_for_review(lead, actor, "unrouted", payload={"excluded": sorted(str(x) for x in exclude)})
        return lead
    LEAD_MACHINE.apply(
        lead, S.ASSIGNED, actor=actor, reason=reason,
        changes={"owner_id": found.owner_id, "queue_id": found.queue_id, "routing_rule_id": found.rule_id,
                 "assigned_at": ref.now, "accept_due_at": ref.accept_due(), "accepted_at": None},
        payload={"how": found.how, "owner": str(found.owner_id) if found.owner_id else None,
                 "queue": str(found.queue_id) if found.queue_id else None},
    )
    if found.owner_id:
        owner = User.objects.get(pk=found.owner_id)
        notify(owner, title=message(gettext_noop("New lead for you: %(title)s"), title=lead.title),
               body=message(gettext_noop("Accept or return it by %(due)s."),
                            due=timezone.localtime(lead.accept_due_at).strftime("%Y-%m-%d %H:%M")),
               url=_url(lead), kind="leads.assigned", subject=lead)
    elif found.queue_id:
        unit = OrgUnit.objects.filter(pk=found.queue_id).select_related("manager").first()
        if unit and unit.manager:
            notify(unit.manager, title=message(gettext_noop("New lead in the %(queue)s queue: %(title)s"),
                                                queue=unit.label, title=lead.title),
                   url=_url(lead), kind="leads.queued", subject=lead)
    return lead


def _offer_to_partner(lead: Lead, actor: User | None, found: capture.RouteResult, ref: capture.Reference, *,
                      reason: str = "") -> Lead:
    """QUALIFIED → ASSIGNED to a partner: no internal owner, no accept deadline of ours; the partner's lead
    offer (partners' service) carries the 3-working-day answer, and the partner sees it in its portal."""
    from m2c.partners import selectors as partner_selectors
    from m2c.partners import services as partner_services

    LEAD_MACHINE.apply(
        lead, S.ASSIGNED, actor=actor, reason=reason,
        changes={"owner_id": None, "queue_id": None, "routing_rule_id": found.rule_id, "assigned_at": ref.now,
                 "accept_due_at": None, "accepted_at": None},
        payload={"how": "partner", "partner": str(found.partner_id)},
    )
    partner_services.offer_make(actor=None, lead=lead, partner=partner_selectors.partner_by_id(found.partner_id))
    return lead


def on_partner_returned(event: Any) -> None:
    """``partners.offer.returned``: the partner returned the lead (or let the 3 working days pass); the lead goes
    back to routing, never to that partner again (its id joins the previous owners routing excludes)."""
    payload = event.payload or {}
    lead = Lead.objects.select_for_update().filter(pk=payload.get("lead")).first()
    if lead is None or lead.status != S.ASSIGNED or lead.owner_id or lead.queue_id:
        return
    history = list(lead.previous_owner_ids)
    if payload.get("partner") and payload["partner"] not in history:
        history.append(payload["partner"])
    sla = event.to_state == "AUTO_RETURNED"
    LEAD_MACHINE.apply(lead, S.QUALIFIED, reason=(event.reason or _("Returned by the partner"))[:500],
                       changes={"queue_id": None, "assigned_at": None, "previous_owner_ids": history},
                       payload={"previous_owner": None, "sla": sla})
    _route_and_assign(lead, None, capture.Reference(), reason=_("Re-routed after return"))


def _requalify(lead: Lead, actor: User | None, ref: capture.Reference, *, reason: str) -> Lead:
    LEAD_MACHINE.apply(lead, S.QUALIFIED, actor=actor, reason=reason)
    return _route_and_assign(lead, actor, ref)


def _in_queue(user: Any, lead: Lead) -> bool:
    return bool(lead.queue_id and user.org_unit_id and lead.queue.path.startswith(user.org_unit.path)) or bool(
        lead.queue_id and user.org_unit_id and user.org_unit.path.startswith(lead.queue.path)
    )


@transaction.atomic
def lead_accept(*, lead: Lead, actor: User | None) -> Lead:
    """The assignee (or, for a queue, one of its members) takes the lead before the deadline."""
    require_role(actor, *WORK_ROLES)
    lead = _lock(lead)
    if lead.status == S.ASSIGNED:
        mine = lead.owner_id == actor.pk
        if not mine and not (lead.owner_id is None and (_in_queue(actor, lead) or actor.sees_everything)):
            raise PermissionDenied(_("Only the assignee or a member of the queue can accept this lead."))
        if lead.accept_due_at and timezone.now() > lead.accept_due_at:
            raise Conflict(_("The accept deadline has passed; the lead goes back to routing."), code="accept_deadline_passed")
    return LEAD_MACHINE.apply(lead, S.ACCEPTED, actor=actor,
                              changes={"owner_id": actor.pk, "accepted_at": timezone.now(), "needs_review": False})


@transaction.atomic
def lead_return(*, lead: Lead, actor: User | None, reason: str, sla: bool = False) -> Lead:
    """ASSIGNED → QUALIFIED with a reason, then re-routed excluding everyone who had it."""
    if not sla:
        require_role(actor, *WORK_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Returning a lead needs a reason."), field="reason")
    lead = _lock(lead)
    if not sla and lead.status == S.ASSIGNED and lead.owner_id != actor.pk and not actor.sees_everything \
            and not (lead.owner_id is None and _in_queue(actor, lead)):
        raise PermissionDenied(_("Only the assignee can return this lead."))
    previous = lead.owner_id
    history = list(lead.previous_owner_ids)
    if previous and str(previous) not in history:
        history.append(str(previous))
    changes: dict[str, Any] = {"owner_id": None, "queue_id": None, "accept_due_at": None, "assigned_at": None,
                               "previous_owner_ids": history}
    if sla:
        changes["sla_breaches"] = lead.sla_breaches + 1
    LEAD_MACHINE.apply(lead, S.QUALIFIED, actor=actor if _authenticated(actor) else None, reason=reason[:500],
                       changes=changes, payload={"previous_owner": str(previous) if previous else None, "sla": sla})
    if sla:
        core_events.record(events.LEAD_SLA_BREACHED, lead, payload={"assignee": str(previous) if previous else None,
                                                                  "due": None}, reason=reason)
        if previous:
            owner = User.objects.filter(pk=previous).select_related("org_unit__manager").first()
            if owner:
                notify(owner, title=message(gettext_noop("Lead returned: accept deadline missed")), body=lead.title, url=_url(lead),
                       kind="leads.sla_breach", subject=lead)
                manager = owner.org_unit.manager if owner.org_unit_id else None
                if manager and manager != owner:
                    notify(manager, title=message(gettext_noop("SLA breach: %(user)s did not accept a lead in time"), user=owner),
                           body=lead.title, url=_url(lead), kind="leads.sla_breach", subject=lead)
    return _route_and_assign(lead, actor if _authenticated(actor) else None, capture.Reference(),
                             reason=_("Re-routed after return"))


@transaction.atomic
def lead_assign(*, lead: Lead, actor: User | None, owner: User) -> Lead:
    """A manual (re)assignment by marketing operations or the review board."""
    require_role(actor, Role.MARKETING)
    if not owner.is_active or not owner.has_role(Role.AR, Role.SR, Role.MARKETING):
        raise ValidationFailed(_("Leads go to active AR, SR or marketing users."), field="owner")
    lead = _lock(lead)
    if lead.status == S.ASSIGNED:
        LEAD_MACHINE.apply(lead, S.QUALIFIED, actor=actor, reason=_("Reassigned"),
                           changes={"owner_id": None, "queue_id": None})
    elif lead.status == S.RECYCLED:
        LEAD_MACHINE.apply(lead, S.QUALIFIED, actor=actor, reason=_("Taken from the nurture pool"))
    ref = capture.Reference()
    LEAD_MACHINE.apply(
        lead, S.ASSIGNED, actor=actor, reason=_("Assigned by hand"),
        changes={"owner_id": owner.pk, "queue_id": None, "assigned_at": ref.now, "accept_due_at": ref.accept_due(),
                 "routing_rule_id": None, "needs_review": False},
        payload={"how": "manual", "owner": str(owner.pk)},
    )
    notify(owner, title=message(gettext_noop("New lead for you: %(title)s"), title=lead.title),
           body=message(gettext_noop("Accept or return it by %(due)s."),
                        due=timezone.localtime(lead.accept_due_at).strftime("%Y-%m-%d %H:%M")),
           url=_url(lead), kind="leads.assigned", subject=lead)
    return lead


# --- activities, nurture, disqualify ------------------------------------------------------------


def _flag_for_review(lead: Lead, actor: User | None, reason: str, *, payload: dict[str, Any] | None = None) -> None:
    """Put the lead on the review board (``needs_review``) with its reason, and say so on its timeline."""
    if lead.needs_review and lead.review_reason == reason:
        return
    Lead.objects.filter(pk=lead.pk).update(needs_review=True, review_reason=reason)
    lead.needs_review, lead.review_reason = True, reason
    core_events.record(events.LEAD_REVIEW_FLAGGED, lead, actor=actor, reason=reason,
                       payload={"review_reason": reason, **(payload or {})})
