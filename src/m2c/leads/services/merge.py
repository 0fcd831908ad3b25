"""Merging duplicate leads by hand, the preview of a merge, and its undo."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict
from m2c.core.models import User
from m2c.core.roles import require_role
from m2c.customers.identity import compare

from .. import capture, events
from ..capture import lines_overlap
from ..models import (
    CampaignTouch,
    Lead,
    LeadActivity,
    LeadContact,
    LeadMerge,
)
from ..states import LEAD_MACHINE, TERMINAL
from .common import (
    WORK_ROLES,
    S,
    _lock,
    _rescore,
)
from .validity import run_gate


def _lines(lead: Lead) -> frozenset:
    return frozenset(lead.offering_lines.values_list("pk", flat=True))


def merge_explain(source: Lead, target: Lead) -> dict[str, Any]:
    m = compare(capture.lead_keys(source), capture.lead_keys(target))
    return m.as_dict() if m else {"score": 0, "keys": []}


def lead_merge_preview(*, source: Lead, target: Lead) -> dict[str, Any]:
    """What a merge of ``source`` into ``target`` would do, without doing it."""
    problems = []
    if source.pk == target.pk:
        problems.append(_("A lead cannot be merged into itself."))
    if source.status in TERMINAL or source.status == S.NEW:
        problems.append(_("The lead to merge must be open."))
    if target.status in TERMINAL:
        problems.append(_("The surviving lead must be open."))
    return {
        "source": source, "target": target, "match": merge_explain(source, target),
        "same_offering_line": lines_overlap(_lines(source), _lines(target)),
        "touches": source.touches.count(), "activities": source.activities.count(), "contacts": source.contacts.count(),
        "problems": problems,
    }


@transaction.atomic
def lead_merge(*, source: Lead, target: Lead, actor: User | None, reason: str = "") -> LeadMerge:
    """Merge ``source`` into ``target``: touches, activities and contacts move over; undo restores them."""
    require_role(actor, *WORK_ROLES)
    preview = lead_merge_preview(source=source, target=target)
    if preview["problems"]:
        raise Conflict(" ".join(str(p) for p in preview["problems"]), code="merge_refused")
    first, second = sorted([source.pk, target.pk], key=str)
    locked = {x.pk: x for x in Lead.objects.select_for_update().filter(pk__in=[first, second])}
    source, target = locked[source.pk], locked[target.pk]
    if source.status in TERMINAL or target.status in TERMINAL:
        raise Conflict(_("Both leads must be open."), code="merge_refused")
    touches = list(source.touches.values_list("pk", flat=True))
    activities = list(source.activities.values_list("pk", flat=True))
    contacts = list(source.contacts.values_list("pk", flat=True))
    snapshot = {"status": source.status, "owner_id": str(source.owner_id) if source.owner_id else None,
                "queue_id": str(source.queue_id) if source.queue_id else None,
                "accept_due_at": source.accept_due_at.isoformat() if source.accept_due_at else None,
                "touches": [str(x) for x in touches], "activities": [str(x) for x in activities],
                "contacts": [str(x) for x in contacts]}
    match = {**preview["match"], "target": str(target.pk), "target_type": "lead", "manual": True}
    merge = LeadMerge.objects.create(merged=source, survivor=target, match=match, previous_status=source.status,
                                     snapshot=snapshot, automatic=False, actor=actor)
    CampaignTouch.objects.filter(pk__in=touches, origin_lead__isnull=True).update(origin_lead=source)
    CampaignTouch.objects.filter(pk__in=touches).update(lead=target)
    LeadActivity.objects.filter(pk__in=activities).update(lead=target, moved_from=source)
    LeadContact.objects.filter(pk__in=contacts).update(lead=target)
    LEAD_MACHINE.apply(source, S.DUPLICATE, actor=actor, reason=reason or _("Merged by hand"),
                       changes={"duplicate_of_id": target.pk, "match": match, "owner_id": None, "queue_id": None,
                                "accept_due_at": None},
                       payload={"merge": str(merge.pk), "into": str(target.pk), "match": match})
    core_events.record(events.LEAD_ABSORBED, target, actor=actor,
                       payload={"merged_lead": str(source.pk), "merge": str(merge.pk), "match": match,
                                "touches": len(touches), "activities": len(activities)})
    if target.status not in (S.NEW, S.VALIDATING):
        _rescore(target, capture.Reference(), actor)
    return merge


@transaction.atomic
def lead_merge_undo(*, merge: LeadMerge, actor: User | None) -> Lead:
    """Put a merged lead back as it was, with its touches, activities and contacts."""
    require_role(actor, *WORK_ROLES)
    merge = LeadMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise Conflict(_("This merge was already undone."), code="merge_already_undone")
    if merge.survivor_opportunity_id:
        raise Conflict(_("A merge into an opportunity cannot be undone here."), code="merge_not_undoable")
    source = _lock(merge.merged)
    snap = merge.snapshot or {}
    CampaignTouch.objects.filter(pk__in=snap.get("touches", [])).update(lead=source)
    CampaignTouch.objects.filter(origin_lead=source, lead=merge.survivor_id).update(lead=source)
    LeadActivity.objects.filter(pk__in=snap.get("activities", [])).update(lead=source, moved_from=None)
    LeadContact.objects.filter(pk__in=snap.get("contacts", [])).update(lead=source)
    previous = merge.previous_status or S.NEW
    if previous == S.NEW:
        previous = S.VALIDATING
    changes: dict[str, Any] = {"duplicate_of_id": None, "match": {}, "owner_id": snap.get("owner_id"),
                               "queue_id": snap.get("queue_id")}
    if previous == S.ASSIGNED:
        # The old deadline has likely passed; the assignee gets a fresh one.
        changes["accept_due_at"] = capture.Reference().accept_due()
    LEAD_MACHINE.apply(source, previous, actor=actor, reason=_("Merge undone"), context={"undo_merge": True},
                       changes=changes, payload={"merge": str(merge.pk)})
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    if merge.survivor_id:
        survivor = Lead.objects.get(pk=merge.survivor_id)
        core_events.record(events.LEAD_MERGE_UNDONE, survivor, actor=actor,
                           payload={"merge": str(merge.pk), "lead": str(source.pk)})
        if survivor.status not in TERMINAL and survivor.status not in (S.NEW, S.VALIDATING):
            _rescore(survivor, capture.Reference(), actor)
    if previous == S.VALIDATING:
        # A lead merged at capture never passed the gate: run it now.
        run_gate(source, actor)
    return source




# --- conversion --------------------------------------------------------------------------------------
