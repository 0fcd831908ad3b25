"""The validity gate for stored leads: run it again, and correct and re-validate invalid leads (issue 9).

An INVALID lead whose reasons can be fixed (no identifiable customer, no offering line, no reachable
contact) is corrected and sent back through the gate (INVALID → VALIDATING, with its event), alone or
in bulk. Compliance-blocked and student leads stay closed: the transition's guard refuses them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import DomainError, ValidationFailed
from m2c.core.models import User
from m2c.core.roles import require_role
from m2c.customers.identity import CustomerIndex

from .. import capture, events, scoring
from ..models import Lead
from ..states import LEAD_MACHINE
from .common import WORK_ROLES, S, _as_input, _customer_row, _facts, _lock, _show
from .lead import _apply_changes
from .routing import _route_and_assign

MAX_REVALIDATE = 1000


def run_gate(lead: Lead, actor: User | None) -> None:
    """VALIDATING → INVALID, or → QUALIFIED and on to routing (or the nurture pool when cold).

    A lead that names no stored customer yet is resolved again (``customers.identity``): a corrected
    name or credit code may now identify one.
    """
    ref = capture.Reference()
    p = capture.prepare(_as_input(lead), ref, channel=lead.channel)
    changes: dict[str, Any] = {}
    p.customer = _customer_row(lead)
    if p.customer is None:
        index = CustomerIndex(threshold=ref.config.match_threshold)
        index.prefetch([p.keys])
        p.customer, _match = index.resolve(p.keys)
        if p.customer is not None:
            changes["customer_id"] = p.customer.id
    reasons = capture.validity(p, ref)
    if reasons:
        LEAD_MACHINE.apply(lead, S.INVALID, actor=actor, changes={**changes, "invalid_reasons": reasons})
        return
    if changes:
        lead.customer_id = changes["customer_id"]
    value, breakdown = scoring.score(_facts(lead), weights=ref.weights, priority_industries=ref.priority_industries, today=ref.today)
    temp = scoring.temperature(value, warm=ref.config.warm_threshold, hot=ref.config.hot_threshold)
    LEAD_MACHINE.apply(lead, S.QUALIFIED, actor=actor, changes={**changes, "invalid_reasons": [], "score": value,
                                                                 "temperature": temp, "score_breakdown": breakdown})
    if temp == "cold":
        LEAD_MACHINE.apply(lead, S.RECYCLED, actor=actor)
    else:
        _route_and_assign(lead, actor, ref)


@transaction.atomic
def lead_revalidate(*, lead: Lead, actor: User | None, changes: dict[str, Any] | None = None) -> Lead:
    """Correct an INVALID lead and send it through the validity gate again (INVALID → VALIDATING → …).

    Refused (and nothing changes) for a lead that is not INVALID, or whose reasons include a
    compliance block or a student contact.
    """
    require_role(actor, *WORK_ROLES)
    lead = _lock(lead)
    LEAD_MACHINE.check(lead, S.VALIDATING, actor=actor)
    if changes:
        _apply_changes(lead, actor, changes, capture.Reference())
    LEAD_MACHINE.apply(lead, S.VALIDATING, actor=actor, reason=_("Corrected"),
                       payload={"invalid_reasons": list(lead.invalid_reasons or [])})
    run_gate(lead, actor)
    lead.refresh_from_db()
    return lead


def lead_revalidate_many(*, leads: list[Lead], actor: User | None) -> list[dict[str, Any]]:
    """Re-validate many corrected leads; each gets its own result, a refused one does not stop the others."""
    require_role(actor, *WORK_ROLES)
    if len(leads) > MAX_REVALIDATE:
        raise ValidationFailed(_("At most %(n)d leads per call.") % {"n": MAX_REVALIDATE}, field="ids")
    results = []
    for lead in leads:
        try:
            done = lead_revalidate(lead=lead, actor=actor)
        except DomainError as exc:
            results.append({"id": lead.pk, "result": "refused", "code": exc.code, "detail": exc.detail})
            continue
        results.append({"id": done.pk, "result": "revalidated", "status": done.status,
                        "invalid_reasons": list(done.invalid_reasons or [])})
    return results


# Columns a correcting capture never overwrites: where the lead came from and its identity in its channel.
_ORIGIN = ("channel", "source_type", "source_campaign_id", "utm", "external_ref", "source_partner_id")
_KEYS = ("normalized_name", "core_name", "block_key", "email_domain")


@transaction.atomic
def lead_correct_from_capture(*, lead_id: Any, prepared: capture.Prepared, actor: User | None) -> Lead:
    """An INVALID lead named again by an import row: the row corrects it and it goes through the gate again.

    Issue 9 item 2: a corrected file, a second file or a changed mapping updates the invalid lead instead
    of creating another. The row's non-empty values replace the lead's (its origin stays), its offering
    lines are added, the change is recorded (``leads.lead.updated``) and the lead moves INVALID →
    VALIDATING (``leads.lead.revalidated``) and on, as :func:`lead_revalidate` does. The capture pipeline
    calls this only for leads whose reasons are all fixable and for an actor allowed to correct them.
    """
    lead = _lock(Lead(pk=lead_id))
    LEAD_MACHINE.check(lead, S.VALIDATING, actor=actor)
    diff = {key: value for key, value in prepared.values.items()
            if key not in _ORIGIN and value not in (None, "", [], {}) and hasattr(lead, key) and getattr(lead, key) != value}
    old_lines = set(lead.offering_lines.values_list("pk", flat=True))
    new_lines = old_lines | set(prepared.line_ids)
    if diff or new_lines != old_lines:
        payload = {k: [_show(getattr(lead, k)), _show(v)] for k, v in diff.items() if k not in _KEYS}
        for key, value in diff.items():
            setattr(lead, key, value)
        lead.version += 1
        lead.save()
        if new_lines != old_lines:
            lead.offering_lines.set(new_lines)
            payload["offering_lines"] = [sorted(str(x) for x in old_lines), sorted(str(x) for x in new_lines)]
        core_events.record(events.LEAD_UPDATED, lead, actor=actor, payload={"changes": payload})
    LEAD_MACHINE.apply(lead, S.VALIDATING, actor=actor, reason=_("Corrected by an import"),
                       payload={"invalid_reasons": list(lead.invalid_reasons or [])})
    run_gate(lead, actor)
    lead.refresh_from_db()
    return lead
