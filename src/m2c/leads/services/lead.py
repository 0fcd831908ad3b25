"""Editing a lead: qualification fields, decision-chain contacts, campaign touches, re-scoring."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, ValidationFailed
from m2c.core.models import User
from m2c.core.normalize import normalize_email, normalize_phone
from m2c.core.roles import require_role
from m2c.customers.models import DecisionRole

from .. import capture, events
from ..models import (
    CampaignTouch,
    Lead,
    LeadContact,
)
from .common import (
    WORK_ROLES,
    S,
    _as_input,
    _authenticated,
    _lock,
    _rescore,
    _show,
    _writable,
)
from .routing import _requalify

if TYPE_CHECKING:
    from m2c.campaigns.models import Campaign  # annotations only: reads go through campaigns.selectors

EDITABLE = {
    "title", "customer_name", "credit_code", "industry", "province", "city", "region", "customer_group",
    "contact_name", "contact_title", "contact_role", "contact_email", "contact_phone", "description",
    "journey_stage", "budget_status", "budget_note", "budget_amount", "estimated_amount", "currency",
    "expected_purchase_date", "decision_chain_known", "pain_confirmed", "offering_lines",
}


@transaction.atomic
def lead_update(*, lead: Lead, actor: User | None, changes: dict[str, Any], expected_version: int | None = None) -> Lead:
    """Change qualification fields; re-scores, and a recycled lead that turns warm is re-qualified.

    With ``expected_version`` (optimistic concurrency) a lead saved by someone else since is refused
    with 409 ``version_conflict`` and nothing changes.
    """
    require_role(actor, *WORK_ROLES)
    lead = _lock(lead)
    if expected_version is not None and expected_version != lead.version:
        raise Conflict(_("Someone else changed this lead; reload and try again."), code="version_conflict",
                       field="version", extra={"current_version": lead.version})
    _writable(lead)
    ref = capture.Reference()
    if not _apply_changes(lead, actor, changes, ref):
        return lead
    if lead.status not in (S.NEW, S.VALIDATING, S.INVALID):
        _value, temp = _rescore(lead, ref, actor)
        if lead.status == S.RECYCLED and temp != "cold":
            _requalify(lead, actor, ref, reason=_("Re-scored at or above the warm threshold"))
    return lead


@transaction.atomic
def lead_add_contact(*, lead: Lead, actor: User | None, name: str, title: str = "", decision_role: str = DecisionRole.UNKNOWN,
                     email: str = "", phone: str = "") -> LeadContact:
    """Record a person of the decision chain (needed for conversion, and it counts in the score)."""
    require_role(actor, *WORK_ROLES)
    lead = _lock(lead)
    _writable(lead)
    errors = []
    name = (name or "").strip()
    if not name:
        errors.append({"field": "name", "reason": _("The contact's name is required.")})
    if len(name) > 120 or len(title or "") > 120:
        errors.append({"field": "name" if len(name) > 120 else "title", "reason": _("Longer than %(n)d characters.") % {"n": 120}})
    if decision_role not in DecisionRole.values:
        errors.append({"field": "decision_role", "reason": _("Choose one of: %(v)s.") % {"v": ", ".join(DecisionRole.values)}})
    clean_email = clean_phone = ""
    try:
        clean_email = normalize_email(email.strip()) if email and email.strip() else ""
    except ValidationFailed as exc:
        errors.append({"field": "email", "reason": exc.detail})
    try:
        clean_phone = normalize_phone(phone.strip(), field="phone") if phone and phone.strip() else ""
    except ValidationFailed as exc:
        errors.append({"field": "phone", "reason": exc.detail})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)
    contact = LeadContact.objects.create(lead=lead, name=name, title=title or "", decision_role=decision_role,
                                         email=clean_email, phone=clean_phone,
                                         created_by=actor if _authenticated(actor) else None)
    core_events.record(events.CONTACT_ADDED, lead, actor=actor,
                       payload={"contact_id": str(contact.pk), "name": name, "decision_role": decision_role})
    if lead.status not in (S.NEW, S.VALIDATING, S.INVALID):
        _rescore(lead, capture.Reference(), actor)
    return contact


@transaction.atomic
def touch_add(*, lead: Lead, actor: User | None, campaign: Campaign, kind: str = CampaignTouch.Kind.INVITED,
              touched_at: dt.datetime | None = None) -> CampaignTouch:
    """Record that a campaign reached this lead's customer (an invitation, an attendance…)."""
    require_role(actor, *WORK_ROLES)
    lead = _lock(lead)
    _writable(lead)
    if kind not in CampaignTouch.Kind.values:
        raise ValidationFailed(_("Choose one of: %(v)s.") % {"v": ", ".join(CampaignTouch.Kind.values)}, field="kind")
    touch = CampaignTouch.objects.create(campaign=campaign, customer=lead.customer, lead=lead, kind=kind,
                                         touched_at=touched_at or timezone.now())
    core_events.record(events.TOUCH_ADDED, lead, actor=actor, payload={"campaign": campaign.code, "kind": kind})
    if lead.status not in (S.NEW, S.VALIDATING, S.INVALID):
        ref = capture.Reference()
        _value, temp = _rescore(lead, ref, actor)
        if lead.status == S.RECYCLED and temp != "cold":
            _requalify(lead, actor, ref, reason=_("Re-scored at or above the warm threshold"))
    return touch


@transaction.atomic
def lead_rescore(*, lead: Lead, actor: User | None) -> Lead:
    require_role(actor, *WORK_ROLES)
    lead = _lock(lead)
    _writable(lead)
    ref = capture.Reference()
    _value, temp = _rescore(lead, ref, actor)
    if lead.status == S.RECYCLED and temp != "cold":
        _requalify(lead, actor, ref, reason=_("Re-scored at or above the warm threshold"))
    return lead


# --- routing, accept and return ---------------------------------------------------------------------


def _apply_changes(lead: Lead, actor: User | None, changes: dict[str, Any], ref: capture.Reference) -> bool:
    """Write qualification fields on a locked lead, with their event; False when nothing changed."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed(_("Unknown field(s): %(f)s.") % {"f": ", ".join(sorted(unknown))},
                               errors=[{"field": f, "reason": _("Unknown field.")} for f in sorted(unknown)])
    current = _as_input(lead)
    merged = {**current, **changes}
    prepared = capture.prepare(merged, ref, channel=lead.channel)
    diff: dict[str, Any] = {}
    for key, value in prepared.values.items():
        if key in ("channel", "source_type", "source_campaign_id", "utm", "external_ref", "source_partner_id"):
            continue
        if getattr(lead, key) != value:
            diff[key] = value
    old_lines = set(lead.offering_lines.values_list("pk", flat=True))
    lines_changed = "offering_lines" in changes and set(prepared.line_ids) != old_lines
    if not diff and not lines_changed:
        return False
    payload = {k: [_show(getattr(lead, k)), _show(v)] for k, v in diff.items()
               if k not in ("normalized_name", "core_name", "block_key", "email_domain")}
    for key, value in diff.items():
        setattr(lead, key, value)
    lead.version += 1
    lead.save()
    if lines_changed:
        lead.offering_lines.set(prepared.line_ids)
        payload["offering_lines"] = [sorted(str(x) for x in old_lines), sorted(str(x) for x in prepared.line_ids)]
    core_events.record(events.LEAD_UPDATED, lead, actor=actor, payload={"changes": payload})
    return True
