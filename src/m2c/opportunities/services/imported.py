"""Opportunities brought over from another CRM: open deals in their stage, closed ones as history.

``opportunity_import`` stores a deal as it stands in the other system: an open deal in its stage, a
won or lost deal in its final state with its real close date, amount and loss reason. It goes through
no gate (ATI/ATB/ATC decisions are not fabricated), notifies nobody and sends no email; one
``opportunities.opportunity.imported`` event records where it came from. Importing the same deal again
(same external id, or same customer and name) changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.models import Event, OfferingLine, OrgUnit, Role, User
from m2c.core.money import Money
from m2c.core.roles import authenticated

from .. import rules, totals
from ..models import Opportunity, OpportunitySettings, TeamAssignment
from ..states import CLOSED_STAGES, DEFAULT_FORECAST, OPEN_STAGES, LossReason, PriorityType, Stage, TeamRole

if TYPE_CHECKING:
    from m2c.customers.models import Customer  # annotations only: reads go through customers.selectors


class OpportunityImported(core_events.EventPayload):
    """A deal brought over from another CRM: the state it landed in is the event's ``to_state``; no gate
    decision, notification or mail goes with it. ``external_ref`` recognises it on a re-import."""

    imported: bool
    source: str
    external_ref: str
    amount: str
    currency: str
    closed_on: str | None = None
    loss_reason: str = ""


OPPORTUNITY_IMPORTED = core_events.register(
    "opportunities.opportunity.imported", gettext_lazy("Opportunity imported from another system"), OpportunityImported)
IMPORTABLE_STAGES = (*OPEN_STAGES, Stage.WON, Stage.LOST, Stage.ABANDONED)
IMPORT_ROLES = (Role.AR, Role.SR, Role.MARKETING, Role.ADMINISTRATOR)


def imported_find(*, customer: Customer, name: str, external_ref: str = "") -> Opportunity | None:
    """The opportunity an earlier import stored for this deal, if any."""
    if external_ref:
        ids = Event.objects.filter(event_type=OPPORTUNITY_IMPORTED, payload__external_ref=external_ref).values_list(
            "subject_id", flat=True)[:1]
        found = Opportunity.objects.filter(pk__in=list(ids)).first()
        if found is not None:
            return found
    return Opportunity.objects.filter(customer=customer, name=name.strip()[:200]).first()


def _closed_at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@transaction.atomic
def opportunity_import(
    *,
    actor: Any,
    customer: Customer,
    name: str,
    amount: Money,
    offering_lines: Iterable[OfferingLine],
    owner: User,
    stage: str,
    expected_sign_date: dt.date | None = None,
    closed_on: dt.date | None = None,
    loss_reason: str = "",
    loss_detail: str = "",
    loss_competitor: str = "",
    description: str = "",
    org_unit: OrgUnit | None = None,
    external_ref: str = "",
    source: str = "",
) -> tuple[Opportunity, str]:
    """Store one deal from another system; returns it and ``created`` or ``merged`` (already imported)."""
    if actor is not None and not (actor.is_superuser or actor.has_role(*IMPORT_ROLES)):
        raise PermissionDenied(_("Your role cannot import opportunities."))
    existing = imported_find(customer=customer, name=name, external_ref=external_ref)
    if existing is not None:
        return existing, "merged"
    lines = list(offering_lines)
    errors = FieldErrors()
    if not (name or "").strip():
        errors.add("name", _("A name is required."))
    if not lines:
        errors.add("offering_lines", _("At least one offering line is required."))
    if stage not in IMPORTABLE_STAGES:
        errors.add("stage", _("Choose one of: %(v)s.") % {"v": ", ".join(str(s) for s in IMPORTABLE_STAGES)})
    closed = stage in CLOSED_STAGES
    if amount.amount < 0 or (not closed and amount.amount <= 0):
        errors.add("amount", _("The estimated amount must be more than zero."))
    if closed and closed_on is None:
        errors.add("closed_on", _("A won, lost or abandoned deal needs its close date."))
    if closed_on is not None and closed_on > timezone.localdate():
        errors.add("closed_on", _("The close date is in the future."))
    if stage == Stage.LOST and loss_reason not in LossReason.values:
        errors.add("loss_reason", _("A lost deal needs its loss reason (%(v)s).") % {"v": ", ".join(LossReason.values)})
    if owner is None or not owner.is_active:
        errors.add("owner", _("The owner must be an active user."))
    elif not (owner.has_role(Role.AR) or owner.is_superuser):
        errors.add("owner", _("The owner of an opportunity is its AR: choose a user with the AR role."))
    if customer.is_blocked and not closed:
        errors.add("customer", _("The customer is blocked by compliance."))
    errors.raise_if_any()
    conf = OpportunitySettings.current()
    try:
        reporting = rules.in_reporting(amount, closed_on or timezone.localdate())
    except ValidationFailed as exc:
        raise ValidationFailed(exc.detail, field="currency", code=exc.code) from None
    if abs(reporting.amount) >= Decimal(10) ** 15:
        raise ValidationFailed(_("The amount is too large."), field="amount")
    unit = org_unit or customer.org_unit or owner.org_unit
    when = _closed_at(closed_on) if closed and closed_on else timezone.now()
    opportunity = Opportunity.objects.create(
        name=name.strip()[:200], customer=customer, org_unit=unit, region=unit.region() if unit else None,
        offering_line=lines[0], amount=amount.amount, currency=amount.currency, amount_reporting=reporting.amount,
        grade=rules.compute_grade(reporting.amount, PriorityType.ROUTINE, conf), expected_sign_date=expected_sign_date,
        owner=owner, description=description, stage=stage, stage_changed_at=when,
        probability=conf.probability_for(stage), forecast_category=DEFAULT_FORECAST[stage],
        closed_at=when if closed else None, loss_reason=loss_reason if stage == Stage.LOST else "",
        loss_detail=loss_detail if stage == Stage.LOST else "", loss_competitor=loss_competitor[:120],
        created_by=authenticated(actor),
    )
    opportunity.offering_lines.set(lines)
    totals.added(opportunity.pk)
    TeamAssignment.objects.create(opportunity=opportunity, role=TeamRole.AR, user=owner)
    core_events.record(OPPORTUNITY_IMPORTED, opportunity, actor=actor, to_state=stage, payload={
        "imported": True, "source": source, "external_ref": external_ref, "amount": str(amount.amount),
        "currency": amount.currency, "closed_on": closed_on.isoformat() if closed_on else None,
        "loss_reason": opportunity.loss_reason,
    })
    return opportunity, "created"
