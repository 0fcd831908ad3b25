"""Business plans and key-account plans: every write, with its permission check and event.

Business plans are marketing's (market management); a key-account plan belongs to its account owner, whom
marketing and administrators may stand in for.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.money import to_decimal
from m2c.core.roles import Actor
from m2c.core.services import model_update
from m2c.customers.models import DecisionRole

from .. import events
from ..models import BusinessPlan, KeyAccountAction, KeyAccountContact, KeyAccountLink, KeyAccountPlan
from ..states import KEY_ACCOUNT_MACHINE, MARKET_ROLES, Attitude, Influence, KeyAccountPlanStatus

PERIOD = re.compile(r"^(20\d\d)(Q[1-4])?$")
BUSINESS_FIELDS = ("name", "revenue_target", "margin_target_pct", "currency", "owner", "note")
ACCOUNT_FIELDS = ("goals", "revenue_goal", "currency", "owner")


def _marketing(actor: Actor) -> None:
    if actor is not None and not (actor.is_superuser or actor.has_role(*MARKET_ROLES)):
        raise PermissionDenied(_("Only marketing may change business plans."))


def _account_owner(plan: KeyAccountPlan, actor: Actor) -> None:
    if actor is None or actor.is_superuser or actor.has_role(*MARKET_ROLES) or actor.pk == plan.owner_id:
        return
    raise PermissionDenied(_("Only the account owner or marketing may change this key-account plan."))


def _clean_business(data: dict[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    clean = {k: v.replace("\r\n", "\n") if isinstance(v, str) else v for k, v in data.items()}
    if "name" in clean and not (clean["name"] or "").strip():
        errors.add("name", _("A name is required."))
    if "revenue_target" in clean:
        try:
            clean["revenue_target"] = to_decimal(clean["revenue_target"], field="revenue_target")
            if clean["revenue_target"] < 0:
                errors.add("revenue_target", _("The revenue target cannot be negative."))
        except ValidationFailed as exc:
            errors.add("revenue_target", exc.detail)
    if "margin_target_pct" in clean:
        try:
            clean["margin_target_pct"] = to_decimal(clean["margin_target_pct"], field="margin_target_pct")
            if not Decimal(-100) <= clean["margin_target_pct"] <= Decimal(100):
                errors.add("margin_target_pct", _("A margin is between -100 % and 100 %."))
        except ValidationFailed as exc:
            errors.add("margin_target_pct", exc.detail)
    errors.raise_if_any()
    return clean


@transaction.atomic
def business_plan_create(*, actor: Actor, name: str, org_unit: Any, offering_line: Any, period: str,
                         revenue_target: Any, margin_target_pct: Any = 0, currency: str = "CNY", segment: Any = None,
                         owner: Any = None, note: str = "") -> BusinessPlan:
    _marketing(actor)
    period = (period or "").strip().upper()
    errors = FieldErrors()
    if not PERIOD.match(period):
        errors.add("period", _("A year (2026) or a quarter (2026Q3)."))
    if org_unit is None:
        errors.add("org_unit", _("Choose the org unit the plan is for."))
    if offering_line is None:
        errors.add("offering_line", _("Choose an offering line."))
    if segment is not None and offering_line is not None and segment.offering_line_id != offering_line.pk:
        errors.add("segment", _("The segment belongs to another offering line."))
    elif BusinessPlan.objects.filter(org_unit=org_unit, offering_line=offering_line, segment=segment,
                                     period=period).exists():  # NULL segments are distinct to the constraint
        errors.add("period", _("This org unit already has a plan for the offering line, segment and period."))
    errors.raise_if_any()
    data = _clean_business({"name": name, "revenue_target": revenue_target, "margin_target_pct": margin_target_pct})
    try:
        with transaction.atomic():
            plan = BusinessPlan.objects.create(
                name=data["name"].strip()[:200], org_unit=org_unit, offering_line=offering_line, segment=segment,
                period=period, currency=currency, revenue_target=data["revenue_target"],
                margin_target_pct=data["margin_target_pct"], owner=owner or actor,
                note=(note or "").replace("\r\n", "\n").strip(),
                created_by=actor if getattr(actor, "is_authenticated", False) else None)
    except IntegrityError:
        raise ValidationFailed(_("This org unit already has a plan for the offering line, segment and period."),
                               field="period") from None
    core_events.record(events.BUSINESS_PLAN_CREATED, plan, actor=actor,
                       payload={"changes": {"period": period, "revenue_target": str(plan.revenue_target)}})
    return plan


@transaction.atomic
def business_plan_update(*, plan: BusinessPlan, actor: Actor, **data: Any) -> BusinessPlan:
    _marketing(actor)
    diff = model_update(plan, BUSINESS_FIELDS, _clean_business(data))
    if diff:
        core_events.record(events.BUSINESS_PLAN_UPDATED, plan, actor=actor,
                           payload={"changes": {k: [str(v) for v in pair] for k, pair in diff.items()}})
    plan.refresh_from_db()
    return plan


@transaction.atomic
def key_account_plan_create(*, actor: Actor, customer: Any, year: int, goals: str, owner: Any = None,
                            revenue_goal: Any = 0, currency: str = "CNY") -> KeyAccountPlan:
    owner = owner or actor
    if actor is not None and not (actor.is_superuser or actor.has_role(*MARKET_ROLES) or actor == owner):
        raise PermissionDenied(_("Only the account owner or marketing may plan an account."))
    errors = FieldErrors()
    if customer is None:
        errors.add("customer", _("Choose the customer."))
    if not (goals or "").strip():
        errors.add("goals", _("State the goals for the account."))
    if not 2000 <= int(year or 0) <= 2100:
        errors.add("year", _("A year such as 2026."))
    try:
        goal = to_decimal(revenue_goal, field="revenue_goal")
        if goal < 0:
            errors.add("revenue_goal", _("The revenue goal cannot be negative."))
    except ValidationFailed as exc:
        errors.add("revenue_goal", exc.detail)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            plan = KeyAccountPlan.objects.create(
                customer=customer, year=int(year), owner=owner, org_unit=customer.org_unit, goals=goals.replace("\r\n", "\n").strip(),
                revenue_goal=goal, currency=currency,
                created_by=actor if getattr(actor, "is_authenticated", False) else None)
    except IntegrityError:
        raise ValidationFailed(_("The customer already has a key-account plan for %(y)s.") % {"y": year},
                               field="year") from None
    core_events.record(events.KEY_ACCOUNT_PLAN_CREATED, plan, actor=actor, to_state=plan.status,
                       payload={"changes": {"customer": str(customer), "year": plan.year}})
    return plan


@transaction.atomic
def key_account_plan_update(*, plan: KeyAccountPlan, actor: Actor, **data: Any) -> KeyAccountPlan:
    _account_owner(plan, actor)
    if plan.status == KeyAccountPlanStatus.CLOSED:
        raise ValidationFailed(_("A closed plan is kept as it was."), field="status")
    if "goals" in data and not (data["goals"] or "").strip():
        raise ValidationFailed(_("State the goals for the account."), field="goals")
    if "revenue_goal" in data:
        data["revenue_goal"] = to_decimal(data["revenue_goal"], field="revenue_goal")
        if data["revenue_goal"] < 0:
            raise ValidationFailed(_("The revenue goal cannot be negative."), field="revenue_goal")
    if "goals" in data:
        data["goals"] = data["goals"].replace("\r\n", "\n").strip()  # browsers send CRLF from a textarea
    diff = model_update(plan, ACCOUNT_FIELDS, data)
    if diff:
        core_events.record(events.KEY_ACCOUNT_PLAN_UPDATED, plan, actor=actor,
                           payload={"changes": {k: [str(v) for v in pair] for k, pair in diff.items()}})
    plan.refresh_from_db()
    return plan


@transaction.atomic
def key_account_plan_activate(*, plan: KeyAccountPlan, actor: Actor) -> KeyAccountPlan:
    _account_owner(plan, actor)
    return KEY_ACCOUNT_MACHINE.apply(plan, KeyAccountPlanStatus.ACTIVE, actor=actor)


@transaction.atomic
def key_account_plan_close(*, plan: KeyAccountPlan, actor: Actor, note: str = "") -> KeyAccountPlan:
    _account_owner(plan, actor)
    return KEY_ACCOUNT_MACHINE.apply(plan, KeyAccountPlanStatus.CLOSED, actor=actor, reason=note)


def _open(plan: KeyAccountPlan, actor: Actor) -> None:
    _account_owner(plan, actor)
    if plan.status == KeyAccountPlanStatus.CLOSED:
        raise ValidationFailed(_("A closed plan is kept as it was."), field="status")


def _added(plan: KeyAccountPlan, actor: Actor, kind: str, label: str) -> None:
    core_events.record(events.KEY_ACCOUNT_PLAN_ITEM_ADDED, plan, actor=actor, payload={"changes": {kind: label}})


@transaction.atomic
def key_account_contact_add(*, plan: KeyAccountPlan, actor: Actor, name: str = "", title: str = "",
                            role: str = DecisionRole.UNKNOWN, influence: str = Influence.MEDIUM,
                            attitude: str = Attitude.NEUTRAL, our_owner: Any = None, reports_to: Any = None,
                            contact: Any = None) -> KeyAccountContact:
    """Add a person of the customer's decision chain (a stored contact of the customer, or a name)."""
    _open(plan, actor)
    errors = FieldErrors()
    if contact is not None and contact.customer_id != plan.customer_id:
        errors.add("contact", _("The contact belongs to another customer."))
    name = (name or (contact.name if contact is not None else "")).strip()
    if not name:
        errors.add("name", _("A name is required."))
    for field, value, choices in (("role", role, DecisionRole.values), ("influence", influence, Influence.values),
                                  ("attitude", attitude, Attitude.values)):
        if value not in choices:
            errors.add(field, _("Choose one of: %(v)s.") % {"v": ", ".join(choices)})
    if reports_to is not None and reports_to.plan_id != plan.pk:
        errors.add("reports_to", _("The manager must be in the same plan."))
    errors.raise_if_any()
    row = KeyAccountContact.objects.create(
        plan=plan, contact=contact, name=name[:120], title=(title or (contact.title if contact else ""))[:120],
        role=role, influence=influence, attitude=attitude, our_owner=our_owner, reports_to=reports_to,
        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _added(plan, actor, "contact", row.name)
    return row


@transaction.atomic
def key_account_link_add(*, plan: KeyAccountPlan, actor: Actor, campaign: Any = None,
                         opportunity: Any = None) -> KeyAccountLink:
    _open(plan, actor)
    if (campaign is None) == (opportunity is None):
        raise ValidationFailed(_("Link one campaign or one deal."), field="opportunity")
    if opportunity is not None and opportunity.customer_id != plan.customer_id:
        raise ValidationFailed(_("The deal is for another customer."), field="opportunity")
    if KeyAccountLink.objects.filter(plan=plan, campaign=campaign, opportunity=opportunity).exists():
        raise ValidationFailed(_("Already in the plan."), field="opportunity" if opportunity else "campaign")
    row = KeyAccountLink.objects.create(plan=plan, campaign=campaign, opportunity=opportunity,
                                        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _added(plan, actor, "campaign" if campaign else "opportunity", str(campaign or opportunity))
    return row


@transaction.atomic
def key_account_action_add(*, plan: KeyAccountPlan, actor: Actor, description: str, owner: Any,
                           due_on: Any) -> KeyAccountAction:
    _open(plan, actor)
    errors = FieldErrors()
    if not (description or "").strip():
        errors.add("description", _("Describe the action."))
    if owner is None:
        errors.add("owner", _("Name who does it."))
    if due_on is None:
        errors.add("due_on", _("Give a due date."))
    errors.raise_if_any()
    row = KeyAccountAction.objects.create(plan=plan, description=description.strip()[:500], owner=owner,
                                          due_on=due_on,
                                          created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _added(plan, actor, "action", row.description)
    return row


@transaction.atomic
def key_account_action_done(*, action: KeyAccountAction, actor: Actor, done_on: Any) -> KeyAccountAction:
    plan = action.plan
    if actor is not None and actor.pk != action.owner_id:
        _account_owner(plan, actor)
    if action.done_on is not None:
        raise ValidationFailed(_("The action is already done."), field="done_on")
    model_update(action, ["done_on"], {"done_on": done_on})
    core_events.record(events.KEY_ACCOUNT_ACTION_DONE, plan, actor=actor,
                       payload={"changes": {"action": action.description, "done_on": str(done_on)}})
    action.refresh_from_db()
    return action
