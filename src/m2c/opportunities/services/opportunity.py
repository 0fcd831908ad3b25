"""Opportunity commands: create, update and the forecast category.

The stage moves (domain.md 11.3) live in :mod:`.stages`; the package re-exports every command.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import OfferingLine, OrgUnit, Role, User
from m2c.core.money import Money
from m2c.core.notifications import message, notify
from m2c.core.roles import Actor, authenticated

from .. import events, rules, totals
from ..models import BudgetStatus, Opportunity, OpportunitySettings, Program, TeamAssignment
from ..states import (
    DEFAULT_FORECAST,
    ForecastCategory,
    PriorityType,
    Stage,
    TeamRole,
)
from ._common import check_version, link, require_open, require_work

if TYPE_CHECKING:
    from m2c.campaigns.models import Campaign  # annotations only
    from m2c.customers.models import Customer  # annotations only: reads go through customers.selectors

CREATOR_ROLES = (Role.AR, Role.SR, Role.MARKETING, Role.ADMINISTRATOR)


def _region_of(unit: OrgUnit | None) -> OrgUnit | None:
    return unit.region() if unit is not None else None


def _derived(
    *, amount: Money, priority_type: str, conf: OpportunitySettings, on: dt.date | None = None
) -> dict[str, Any]:
    reporting = rules.in_reporting(amount, on)
    if abs(reporting.amount) >= Decimal(10) ** 15:
        raise ValidationFailed(_("The amount is too large."), field="amount")
    return {"amount_reporting": reporting.amount, "grade": rules.compute_grade(reporting.amount, priority_type, conf)}


# --- create and update ------------------------------------------------------------------------------


@transaction.atomic
def opportunity_create(
    *,
    actor: Actor,
    customer: Customer,
    name: str,
    amount: Money,
    offering_lines: Iterable[OfferingLine],
    owner: User,
    expected_sign_date: dt.date | None = None,
    budget_status: str = BudgetStatus.UNKNOWN,
    description: str = "",
    source_lead_id: uuid.UUID | None = None,
    source_campaign: Campaign | None = None,
    priority_type: str = PriorityType.ROUTINE,
    org_unit: OrgUnit | None = None,
    program: Program | None = None,
    direct_negotiation: bool = False,
    registered_partner_id: uuid.UUID | None = None,
) -> Opportunity:
    """Create an opportunity in O1_VALIDATE (from a lead conversion or directly by an AR).

    The owner becomes the AR of the team. The grade follows from the amount in the reporting currency
    and the priority type; the probability and forecast category from the stage.
    """
    if actor is not None and not (actor.is_superuser or actor.has_role(*CREATOR_ROLES)):
        raise PermissionDenied(_("Your role cannot create opportunities."))
    lines = list(offering_lines)
    errors = FieldErrors()
    if not (name or "").strip():
        errors.add("name", _("A name is required."))
    if not lines:
        errors.add("offering_lines", _("At least one offering line is required."))
    if amount.amount <= 0:
        errors.add("amount", _("The estimated amount must be more than zero."))
    if budget_status not in BudgetStatus.values:
        errors.add("budget_status", _("Unknown budget status."))
    if priority_type not in PriorityType.values:
        errors.add("priority_type", _("Unknown priority type."))
    if owner is None or not owner.is_active:
        errors.add("owner", _("The owner must be an active user."))
    elif not (owner.has_role(Role.AR) or owner.is_superuser):
        errors.add("owner", _("The owner of an opportunity is its AR: choose a user with the AR role."))
    if program is not None and program.customer_id != customer.pk:
        errors.add("program", _("The program belongs to another customer."))
    if customer.is_blocked:
        errors.add("customer", _("The customer is blocked by compliance."))
    errors.raise_if_any()
    conf = OpportunitySettings.current()
    try:
        derived = _derived(amount=amount, priority_type=priority_type, conf=conf)
    except ValidationFailed as exc:
        if exc.code != "fx_rate_missing":
            raise
        raise ValidationFailed(exc.detail, field="currency", code=exc.code) from None
    unit = org_unit or customer.org_unit or owner.org_unit
    opportunity = Opportunity.objects.create(
        name=name.strip()[:200],
        customer=customer,
        org_unit=unit,
        region=_region_of(unit),
        offering_line=lines[0],
        amount=amount.amount,
        currency=amount.currency,
        expected_sign_date=expected_sign_date,
        owner=owner,
        budget_status=budget_status,
        description=description,
        source_lead_id=source_lead_id,
        source_campaign=source_campaign,
        registered_partner_id=registered_partner_id,
        priority_type=priority_type,
        program=program,
        direct_negotiation=direct_negotiation,
        probability=conf.probability_for(Stage.O1_VALIDATE),
        forecast_category=ForecastCategory.PIPELINE,
        created_by=authenticated(actor),
        **derived,
    )
    opportunity.offering_lines.set(lines)
    totals.added_row(opportunity)
    TeamAssignment.objects.create(opportunity=opportunity, role=TeamRole.AR, user=owner)
    core_events.record(
        events.OPPORTUNITY_CREATED,
        opportunity,
        actor=actor,
        to_state=opportunity.stage,
        payload={
            "name": opportunity.name,
            "amount": str(amount.amount),
            "currency": amount.currency,
            "grade": opportunity.grade,
            "source_lead_id": str(source_lead_id) if source_lead_id else None,
            "source_campaign": source_campaign.code if source_campaign else None,
        },
    )
    if actor is None or owner.pk != getattr(actor, "pk", None):
        notify(owner, title=message(gettext_noop("New opportunity: %(name)s"), name=opportunity.name),
               body=str(customer), url=link("opportunities:detail", opportunity.pk), kind="opportunities",
               subject=opportunity)
    return opportunity


UPDATABLE = (
    "name", "description", "amount", "expected_sign_date", "budget_status", "priority_type", "offering_lines",
    "program", "direct_negotiation",
)


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, actor: Actor, expected_version: int | None = None,
                       **changes: Any) -> Opportunity:
    """Change the deal's descriptive fields. The stage never changes here: stage moves are commands."""
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    require_work(locked, actor)
    require_open(locked)
    check_version(locked, expected_version)
    errors = FieldErrors()
    diff: dict[str, list[str]] = {}
    for key in changes:
        if key not in UPDATABLE:
            errors.add(key, _("This field cannot be changed here."))
    errors.raise_if_any()
    if "name" in changes:
        text = (changes["name"] or "").strip()
        if not text:
            errors.add("name", _("A name is required."))
        elif text != locked.name:
            diff["name"] = [locked.name, text[:200]]
            locked.name = text[:200]
    if "description" in changes and (changes["description"] or "") != locked.description:
        diff["description"] = [locked.description, changes["description"] or ""]
        locked.description = changes["description"] or ""
    if "expected_sign_date" in changes and changes["expected_sign_date"] != locked.expected_sign_date:
        diff["expected_sign_date"] = [str(locked.expected_sign_date or ""), str(changes["expected_sign_date"] or "")]
        locked.expected_sign_date = changes["expected_sign_date"]
    if "budget_status" in changes:
        if changes["budget_status"] not in BudgetStatus.values:
            errors.add("budget_status", _("Unknown budget status."))
        elif changes["budget_status"] != locked.budget_status:
            diff["budget_status"] = [locked.budget_status, changes["budget_status"]]
            locked.budget_status = changes["budget_status"]
    if "priority_type" in changes:
        if changes["priority_type"] not in PriorityType.values:
            errors.add("priority_type", _("Unknown priority type."))
        elif changes["priority_type"] != locked.priority_type:
            diff["priority_type"] = [locked.priority_type, changes["priority_type"]]
            locked.priority_type = changes["priority_type"]
    if "amount" in changes:
        amount = changes["amount"]
        if not isinstance(amount, Money) or amount.amount <= 0:
            errors.add("amount", _("The estimated amount must be more than zero."))
        elif amount != locked.amount_money:
            diff["amount"] = [f"{locked.amount} {locked.currency}", f"{amount.amount} {amount.currency}"]
            locked.amount, locked.currency = amount.amount, amount.currency
    if "direct_negotiation" in changes and bool(changes["direct_negotiation"]) != locked.direct_negotiation:
        diff["direct_negotiation"] = [str(locked.direct_negotiation), str(bool(changes["direct_negotiation"]))]
        locked.direct_negotiation = bool(changes["direct_negotiation"])
    if "program" in changes:
        program = changes["program"]
        if program is not None and program.customer_id != locked.customer_id:
            errors.add("program", _("The program belongs to another customer."))
        elif (program.pk if program else None) != locked.program_id:
            diff["program"] = [str(locked.program or ""), str(program or "")]
            locked.program = program
    lines = None
    if "offering_lines" in changes:
        lines = list(changes["offering_lines"] or [])
        if not lines:
            errors.add("offering_lines", _("At least one offering line is required."))
        else:
            before = sorted(locked.offering_lines.values_list("code", flat=True))
            after = sorted(line.code for line in lines)
            if before != after:
                diff["offering_lines"] = [", ".join(before), ", ".join(after)]
            else:
                lines = None
    errors.raise_if_any()
    if not diff:
        return locked
    old_grade = locked.grade
    try:
        derived = _derived(amount=locked.amount_money, priority_type=locked.priority_type, conf=OpportunitySettings.current())
    except ValidationFailed as exc:
        if exc.code != "fx_rate_missing":
            raise
        raise ValidationFailed(exc.detail, field="currency", code=exc.code) from None
    for key, value in derived.items():
        setattr(locked, key, value)
    if lines is not None:
        locked.offering_lines.set(lines)
        locked.offering_line = lines[0]
    locked.version += 1
    with totals.tracked(locked.pk):
        locked.save()
    core_events.record(events.OPPORTUNITY_UPDATED, locked, actor=actor, payload={"changes": diff})
    if locked.grade != old_grade:
        core_events.record(events.GRADE_CHANGED, locked, actor=actor, payload={"from": old_grade, "to": locked.grade})
    return locked


@transaction.atomic
def opportunity_set_forecast_category(*, opportunity: Opportunity, actor: Actor, category: str | None) -> Opportunity:
    """The AR's judgement of the forecast category; ``None`` returns to the stage default."""
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    require_work(locked, actor)
    require_open(locked)
    if locked.stage == Stage.ON_HOLD:
        raise InvalidTransition(_("An opportunity on hold is omitted from the forecast."), code="on_hold")
    allowed = [ForecastCategory.PIPELINE, ForecastCategory.BEST_CASE, ForecastCategory.COMMIT, ForecastCategory.OMITTED]
    if category is not None and category not in allowed:
        raise ValidationFailed(
            _("Choose one of: %(v)s (closed follows from winning).") % {"v": ", ".join(allowed)}, field="category"
        )
    before = locked.forecast_category
    locked.forecast_category = category or DEFAULT_FORECAST[locked.stage]
    locked.forecast_category_manual = category is not None
    locked.version += 1
    with totals.tracked(locked.pk):
        locked.save(update_fields=["forecast_category", "forecast_category_manual", "version", "updated_at"])
    core_events.record(events.FORECAST_CHANGED, locked, actor=actor,
                       payload={"from": before, "to": locked.forecast_category, "manual": category is not None})
    return locked


# gates.py imports these three from here; the stage moves live in stages.py.
from .stages import _notify_team, opportunity_abandon, opportunity_hold  # noqa: E402, F401

