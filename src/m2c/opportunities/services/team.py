"""The iron triangle and the records kept around a deal: stakeholders, competitors, risks, activities,
programs."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.errors import Conflict, FieldErrors, ValidationFailed
from m2c.core.models import Role, User
from m2c.core.money import Money
from m2c.core.notifications import message, notify
from m2c.core.roles import Actor, authenticated, require_role
from m2c.core.services import model_update
from m2c.customers.models import DecisionRole
from m2c.enablement.services import sr_assignment_check

from .. import events, rules
from ..models import Activity, Competitor, Level3, Opportunity, Program, Risk, Stakeholder, TeamAssignment
from ..states import RISK_MACHINE, Grade, RiskStatus, Stage, TeamRole
from ._common import link, require_open, require_work

if TYPE_CHECKING:
    # annotations only: reads go through customers.selectors
    from m2c.customers.models import Contact, Customer

# Which platform role a person needs to hold a triangle role.
ROLE_NEEDS = {TeamRole.AR: Role.AR, TeamRole.SR: Role.SR, TeamRole.FR: Role.FR}

# The fields each update service may change; anything else is refused by ``model_update``.
STAKEHOLDER_FIELDS = ("decision_role", "attitude", "influence", "notes")
COMPETITOR_FIELDS = ("incumbent", "threat", "strengths", "weaknesses")
RISK_FIELDS = ("mitigation", "due_date", "owner", "description", "category", "probability", "impact")


@transaction.atomic
def team_assign(*, opportunity: Opportunity, actor: Actor, role: str, user: User, valid_from: dt.date | None = None,
                note: str = "") -> TeamAssignment:
    """Put ``user`` in ``role``. A new AR, SR or FR replaces the current holder (whose period ends today).

    The AR may also hold FR for grades B and C until ATB (domain.md 4.3); otherwise nobody holds two
    triangle roles at once.
    """
    opp = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    require_work(opp, actor)
    require_open(opp)
    errors = FieldErrors()
    if role not in TeamRole.values:
        errors.add("role", _("Unknown team role."))
    if user is None or not user.is_active:
        errors.add("user", _("Choose an active user."))
    errors.raise_if_any()
    holders = rules.triangle(opp)
    needed = ROLE_NEEDS.get(role)
    covering = role == TeamRole.FR and holders[TeamRole.AR] == user
    if needed and not covering and not user.has_role(needed):
        errors.add("user", _("%(user)s does not hold the %(role)s role.") % {"user": user, "role": Role(needed).label})
    if role in (TeamRole.AR, TeamRole.SR, TeamRole.FR):
        others = {r: u for r, u in holders.items() if r != role and u is not None}
        for other_role, other_user in others.items():
            if other_user != user:
                continue
            allowed = (
                {role, other_role} == {TeamRole.AR, TeamRole.FR}
                and opp.grade in (Grade.B, Grade.C)
                and opp.stage in (Stage.O1_VALIDATE, Stage.O2_SHAPE, Stage.O3_BID)
                and rules.latest_decided(opp, "ATB") is None
            )
            if not allowed:
                errors.add("user", _("%(user)s is already the %(role)s; the AR may cover the FR only for grades B and C "
                                     "until ATB.") % {"user": user, "role": TeamRole(other_role).label})
    errors.raise_if_any()
    today = timezone.localdate()
    start = valid_from or today
    # The SR-certification rule (domain.md 7.5): a warning, or 422 sr_not_certified in hard-block mode.
    warning = sr_assignment_check(user=user, offering_line=opp.offering_line, on_date=start) if role == TeamRole.SR else None
    replaced = None
    if role in (TeamRole.AR, TeamRole.SR, TeamRole.FR):
        current = opp.team.filter(role=role, valid_to__isnull=True).first()
        if current is not None:
            if current.user_id == user.pk:
                raise Conflict(_("%(user)s already holds this role.") % {"user": user}, code="already_assigned")
            current.valid_to = today
            current.save(update_fields=["valid_to"])
            replaced = current.user
    elif opp.team.filter(role=role, user=user, valid_to__isnull=True).exists():
        raise Conflict(_("%(user)s already holds this role.") % {"user": user}, code="already_assigned")
    row = TeamAssignment.objects.create(opportunity=opp, role=role, user=user, valid_from=start, note=note[:200])
    if role == TeamRole.AR:
        opp.owner = user
        opp.version += 1
        opp.save(update_fields=["owner", "version", "updated_at"])
    core_events.record(
        events.TEAM_ASSIGNED, opp, actor=actor,
        payload={"role": role, "user": user.username, "replaced": replaced.username if replaced else None,
                 "from": str(start), **({"certification_warning": warning} if warning else {})},
    )
    row.certification_warning = warning
    if getattr(actor, "pk", None) != user.pk:
        notify(user, title=message(gettext_noop("You are %(role)s on %(name)s"), role=TeamRole(role).label,
                                   name=opp.name),
               url=link("opportunities:detail", opp.pk), kind="opportunities", subject=opp)
    return row


@transaction.atomic
def team_end(*, assignment: TeamAssignment, actor: Actor, valid_to: dt.date | None = None) -> TeamAssignment:
    """End an assignment. The AR is never simply removed: assign the new AR instead."""
    opp = Opportunity.objects.select_for_update().get(pk=assignment.opportunity_id)
    require_work(opp, actor)
    if assignment.role == TeamRole.AR:
        raise Conflict(_("An opportunity always has an AR: assign the new AR instead of ending this one."),
                       code="ar_required")
    if assignment.valid_to is not None:
        raise Conflict(_("This assignment has already ended."), code="already_ended")
    assignment.valid_to = valid_to or timezone.localdate()
    assignment.save(update_fields=["valid_to"])
    core_events.record(events.TEAM_ENDED, opp, actor=actor,
                       payload={"role": assignment.role, "user": assignment.user.username, "to": str(assignment.valid_to)})
    return assignment


# --- stakeholders -----------------------------------------------------------------------------------


def _level(value: str, field: str, errors: FieldErrors) -> str:
    if value not in Level3.values:
        errors.add(field, _("Choose low, medium or high."))
    return value


@transaction.atomic
def stakeholder_add(*, opportunity: Opportunity, actor: Actor, contact: Contact, decision_role: str | None = None,
                    attitude: str = Stakeholder.Attitude.UNKNOWN, influence: str = Level3.MEDIUM,
                    notes: str = "") -> Stakeholder:
    """Add one of the customer's contacts to the deal's decision chain."""
    require_work(opportunity, actor)
    require_open(opportunity)
    errors = FieldErrors()
    if contact.customer_id != opportunity.customer_id:
        errors.add("contact", _("The contact works for another customer."))
    role = decision_role or contact.decision_role
    if role not in DecisionRole.values:
        errors.add("decision_role", _("Unknown decision role."))
    if attitude not in Stakeholder.Attitude.values:
        errors.add("attitude", _("Unknown attitude."))
    _level(influence, "influence", errors)
    errors.raise_if_any()
    if opportunity.stakeholders.filter(contact=contact).exists():
        raise Conflict(_("This contact is already a stakeholder."), code="duplicate", extra={"field": "contact"})
    row = Stakeholder.objects.create(opportunity=opportunity, contact=contact, decision_role=role, attitude=attitude,
                                     influence=influence, notes=notes)
    core_events.record(events.STAKEHOLDER_ADDED, opportunity, actor=actor,
                       payload={"contact": contact.name, "decision_role": role, "attitude": attitude})
    return row


@transaction.atomic
def stakeholders_from_lead(*, opportunity: Opportunity, actor: Actor, contacts: list[Contact]) -> list[Stakeholder]:
    """Carry a converted lead's contacts into the new deal's decision chain (domain.md 3.6, step 5).

    Called by the lead conversion, which has already checked that ``actor`` may convert: the person
    converting is not necessarily on the new deal's team yet. Contacts of another customer and those
    already in the chain are skipped; each one added is recorded as a stakeholder event.
    """
    require_open(opportunity)
    added: list[Stakeholder] = []
    seen = set(opportunity.stakeholders.values_list("contact_id", flat=True))
    for contact in contacts:
        if contact.customer_id != opportunity.customer_id or contact.pk in seen:
            continue
        seen.add(contact.pk)
        role = contact.decision_role if contact.decision_role in DecisionRole.values else DecisionRole.UNKNOWN
        added.append(Stakeholder.objects.create(opportunity=opportunity, contact=contact, decision_role=role))
        core_events.record(events.STAKEHOLDER_ADDED, opportunity, actor=actor,
                           payload={"contact": contact.name, "decision_role": role,
                                    "attitude": Stakeholder.Attitude.UNKNOWN, "from_lead": True})
    return added


@transaction.atomic
def stakeholder_update(*, stakeholder: Stakeholder, actor: Actor, **changes: Any) -> Stakeholder:
    require_work(stakeholder.opportunity, actor)
    errors = FieldErrors()
    for key, value in changes.items():
        if key == "decision_role" and value not in DecisionRole.values:
            errors.add(key, _("Unknown decision role."))
        elif key == "attitude" and value not in Stakeholder.Attitude.values:
            errors.add(key, _("Unknown attitude."))
        elif key == "influence":
            _level(value, key, errors)
    errors.raise_if_any()
    diff = model_update(stakeholder, STAKEHOLDER_FIELDS, changes)
    if diff:
        core_events.record(events.STAKEHOLDER_UPDATED, stakeholder.opportunity, actor=actor,
                           payload={"contact": stakeholder.contact.name, "changes": diff})
    return stakeholder


@transaction.atomic
def stakeholder_remove(*, stakeholder: Stakeholder, actor: Actor) -> None:
    opp = stakeholder.opportunity
    require_work(opp, actor)
    name = stakeholder.contact.name
    stakeholder.delete()
    core_events.record(events.STAKEHOLDER_REMOVED, opp, actor=actor, payload={"contact": name})


# --- competitors ------------------------------------------------------------------------------------


@transaction.atomic
def competitor_add(*, opportunity: Opportunity, actor: Actor, name: str, incumbent: bool = False,
                   threat: str = Level3.MEDIUM, strengths: str = "", weaknesses: str = "") -> Competitor:
    require_work(opportunity, actor)
    require_open(opportunity)
    errors = FieldErrors()
    text = (name or "").strip()
    if not text:
        errors.add("name", _("Name the competitor."))
    _level(threat, "threat", errors)
    errors.raise_if_any()
    if opportunity.competitors.filter(name__iexact=text).exists():
        raise Conflict(_("This competitor is already listed."), code="duplicate")
    row = Competitor.objects.create(opportunity=opportunity, name=text[:120], incumbent=incumbent, threat=threat,
                                    strengths=strengths, weaknesses=weaknesses)
    core_events.record(events.COMPETITOR_ADDED, opportunity, actor=actor, payload={"name": row.name, "threat": threat})
    return row


@transaction.atomic
def competitor_update(*, competitor: Competitor, actor: Actor, **changes: Any) -> Competitor:
    require_work(competitor.opportunity, actor)
    errors = FieldErrors()
    for key, value in changes.items():
        if key == "threat":
            _level(value, key, errors)
    errors.raise_if_any()
    diff = model_update(competitor, COMPETITOR_FIELDS, changes)
    if diff:
        core_events.record(events.COMPETITOR_UPDATED, competitor.opportunity, actor=actor,
                           payload={"name": competitor.name, "changes": diff})
    return competitor


@transaction.atomic
def competitor_remove(*, competitor: Competitor, actor: Actor) -> None:
    opp = competitor.opportunity
    require_work(opp, actor)
    name = competitor.name
    competitor.delete()
    core_events.record(events.COMPETITOR_REMOVED, opp, actor=actor, payload={"name": name})


# --- risks ------------------------------------------------------------------------------------------


@transaction.atomic
def risk_add(*, opportunity: Opportunity, actor: Actor, description: str, category: str = Risk.Category.OTHER,
             probability: str = Level3.MEDIUM, impact: str = Level3.MEDIUM, owner: User | None = None,
             mitigation: str = "", due_date: dt.date | None = None) -> Risk:
    require_work(opportunity, actor)
    require_open(opportunity)
    errors = FieldErrors()
    if not (description or "").strip():
        errors.add("description", _("Describe the risk."))
    if category not in Risk.Category.values:
        errors.add("category", _("Unknown category."))
    _level(probability, "probability", errors)
    _level(impact, "impact", errors)
    errors.raise_if_any()
    row = Risk.objects.create(opportunity=opportunity, description=description.strip(), category=category,
                              probability=probability, impact=impact, owner=owner, mitigation=mitigation,
                              due_date=due_date)
    core_events.record(events.RISK_ADDED, opportunity, actor=actor,
                       payload={"risk": row.description[:120], "probability": probability, "impact": impact})
    if owner is not None and getattr(actor, "pk", None) != owner.pk:
        notify(owner, title=message(gettext_noop("You own a risk on %(name)s"), name=opportunity.name),
               body=row.description,
               url=link("opportunities:detail", opportunity.pk), kind="opportunities", subject=opportunity)
    return row


@transaction.atomic
def risk_update(*, risk: Risk, actor: Actor, **changes: Any) -> Risk:
    """Change what a risk says. Its status moves only by the commands below (mitigate, close, reopen)."""
    require_work(risk.opportunity, actor)
    errors = FieldErrors()
    for key, value in changes.items():
        if key in ("probability", "impact"):
            _level(value, key, errors)
        elif key == "category" and value not in Risk.Category.values:
            errors.add(key, _("Unknown category."))
    if "description" in changes and not (changes["description"] or "").strip():
        errors.add("description", _("Describe the risk."))
    errors.raise_if_any()
    diff = model_update(risk, RISK_FIELDS, changes)
    if diff:
        core_events.record(events.RISK_UPDATED, risk.opportunity, actor=actor,
                           payload={"risk": risk.description[:120], "changes": diff})
    return risk


def _risk_move(risk: Risk, actor: Actor, target: str, reason: str = "") -> Risk:
    require_work(risk.opportunity, actor)
    return RISK_MACHINE.apply(risk, target, actor=actor, reason=(reason or "").strip(), context={"reason": reason},
                              payload={"risk": risk.description[:120], "risk_id": str(risk.pk)},
                              subject=risk.opportunity)


@transaction.atomic
def risk_mitigate(*, risk: Risk, actor: Actor, reason: str = "") -> Risk:
    """OPEN → MITIGATED: the mitigation is in place; the risk stays on the register."""
    return _risk_move(risk, actor, RiskStatus.MITIGATED, reason)


@transaction.atomic
def risk_close(*, risk: Risk, actor: Actor, reason: str = "") -> Risk:
    """OPEN or MITIGATED → CLOSED: the risk can no longer happen."""
    return _risk_move(risk, actor, RiskStatus.CLOSED, reason)


@transaction.atomic
def risk_reopen(*, risk: Risk, actor: Actor, reason: str) -> Risk:
    """MITIGATED or CLOSED → OPEN, saying why the risk is back."""
    return _risk_move(risk, actor, RiskStatus.OPEN, reason)


# --- activities and programs --------------------------------------------------------------------------


@transaction.atomic
def activity_log(*, opportunity: Opportunity, actor: Actor, subject: str, kind: str = Activity.Kind.MEETING,
                 occurred_on: dt.date | None = None, outcome: str = "", next_step: str = "",
                 next_step_due: dt.date | None = None) -> Activity:
    require_work(opportunity, actor)
    errors = FieldErrors()
    if not (subject or "").strip():
        errors.add("subject", _("Give the activity a subject."))
    if kind not in Activity.Kind.values:
        errors.add("kind", _("Unknown activity type."))
    day = occurred_on or timezone.localdate()
    if day > timezone.localdate():
        errors.add("occurred_on", _("Log activities that happened; plan future ones as a next step."))
    if next_step_due is not None and not next_step.strip():
        errors.add("next_step", _("Say what the next step is."))
    errors.raise_if_any()
    user = authenticated(actor) or opportunity.owner
    row = Activity.objects.create(opportunity=opportunity, kind=kind, occurred_on=day, subject=subject.strip()[:200],
                                  outcome=outcome, next_step=next_step.strip()[:200], next_step_due=next_step_due,
                                  user=user)
    core_events.record(events.ACTIVITY_LOGGED, opportunity, actor=actor,
                       payload={"kind": kind, "subject": row.subject, "next_step": row.next_step})
    return row


@transaction.atomic
def program_create(*, actor: Actor, customer: Customer, name: str, target_amount: Money | None = None,
                   description: str = "") -> Program:
    require_role(actor, Role.AR, message=_("Only an AR or an administrator can create a program."), system=True)
    if not (name or "").strip():
        raise ValidationFailed(_("A name is required."), field="name")
    if target_amount is not None and target_amount.amount < 0:
        raise ValidationFailed(_("The target cannot be negative."), field="target_amount")
    target = target_amount or Money(0, "CNY")
    program = Program.objects.create(customer=customer, name=name.strip()[:200], target_amount=target.amount,
                                     currency=target.currency, description=description,
                                     created_by=authenticated(actor))
    core_events.record(events.PROGRAM_CREATED, program, actor=actor, payload={"name": program.name})
    return program
