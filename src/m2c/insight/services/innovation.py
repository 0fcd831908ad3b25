"""Joint innovation projects: every write with its permission check and event. The owner or marketing
changes a project; raising a requirement from it goes through the requirement loop (source joint_innovation)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.models import Role
from m2c.core.roles import Actor
from m2c.core.services import model_update

from .. import events
from ..models import (
    InnovationMilestone,
    InnovationOutput,
    InnovationParticipant,
    InnovationProject,
    Requirement,
)
from ..states import (
    INNOVATION_MACHINE,
    MARKET_ROLES,
    InnovationOutputKind,
    InnovationStatus,
    ParticipantSide,
    RequirementSource,
)
from .backlog import requirement_raise

PROJECT_FIELDS = ("name", "objective", "starts_on", "ends_on")


def _may_change(project: InnovationProject, actor: Actor) -> None:
    if actor is None or actor.is_superuser or actor.has_role(*MARKET_ROLES) or actor.pk == project.owner_id:
        return
    raise PermissionDenied(_("Only the project owner or marketing may change this project."))


def _open(project: InnovationProject, actor: Actor) -> None:
    _may_change(project, actor)
    if project.status in INNOVATION_MACHINE.terminal:
        raise ValidationFailed(_("A finished project is kept as it was."), field="status")


def _dates(starts_on: Any, ends_on: Any, errors: FieldErrors) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        errors.add("ends_on", _("The end date is before the start date."))


@transaction.atomic
def innovation_create(*, actor: Actor, name: str, customer: Any, offering_line: Any, objective: str,
                      owner: Any = None, starts_on: Any = None, ends_on: Any = None) -> InnovationProject:
    if actor is not None and actor.has_role(Role.PARTNER) and not actor.sees_everything:
        raise PermissionDenied(_("Partner users cannot run joint innovation projects here."))
    errors = FieldErrors()
    if not (name or "").strip():
        errors.add("name", _("A name is required."))
    if customer is None:
        errors.add("customer", _("Choose the customer."))
    if offering_line is None:
        errors.add("offering_line", _("Choose an offering line."))
    if not (objective or "").strip():
        errors.add("objective", _("State the objective."))
    _dates(starts_on, ends_on, errors)
    errors.raise_if_any()
    prefix = f"JI-{timezone.localdate().year}-"
    for attempt in range(5):
        last = InnovationProject.objects.filter(number__startswith=prefix).order_by("-number").values_list(
            "number", flat=True).first()
        number = f"{prefix}{(int(last.rsplit('-', 1)[-1]) + 1) if last else 1:04d}"
        try:
            with transaction.atomic():
                project = InnovationProject.objects.create(
                    number=number, name=name.strip()[:200], customer=customer, offering_line=offering_line,
                    org_unit=customer.org_unit, owner=owner or actor,
                    objective=objective.replace("\r\n", "\n").strip(),
                    starts_on=starts_on, ends_on=ends_on, created_by=actor)
                break
        except IntegrityError:
            if attempt == 4:
                raise
    core_events.record(events.INNOVATION_CREATED, project, actor=actor, to_state=project.status,
                       payload={"changes": {"number": project.number, "customer": str(customer)}})
    return project


@transaction.atomic
def innovation_update(*, project: InnovationProject, actor: Actor, **data: Any) -> InnovationProject:
    _open(project, actor)
    errors = FieldErrors()
    for field in ("name", "objective"):
        if field in data and not (data[field] or "").strip():
            errors.add(field, _("This cannot be empty."))
    _dates(data.get("starts_on", project.starts_on), data.get("ends_on", project.ends_on), errors)
    errors.raise_if_any()
    diff = model_update(project, PROJECT_FIELDS, {k: v.replace("\r\n", "\n").strip() if isinstance(v, str) else v for k, v in data.items()})
    if diff:
        core_events.record(events.INNOVATION_UPDATED, project, actor=actor,
                           payload={"changes": {k: [str(v) for v in pair] for k, pair in diff.items()}})
    project.refresh_from_db()
    return project


def _command(target: str) -> Any:
    @transaction.atomic
    def command(*, project: InnovationProject, actor: Actor, note: str = "") -> InnovationProject:
        _may_change(project, actor)
        return INNOVATION_MACHINE.apply(project, target, actor=actor, reason=note)

    return command


innovation_start = _command(InnovationStatus.ACTIVE)
innovation_complete = _command(InnovationStatus.COMPLETED)
innovation_cancel = _command(InnovationStatus.CANCELLED)


def _added(project: InnovationProject, actor: Actor, kind: str, label: str) -> None:
    core_events.record(events.INNOVATION_ITEM_ADDED, project, actor=actor, payload={"changes": {kind: label}})


@transaction.atomic
def innovation_milestone_add(*, project: InnovationProject, actor: Actor, name: str,
                             due_on: Any) -> InnovationMilestone:
    _open(project, actor)
    errors = FieldErrors()
    if not (name or "").strip():
        errors.add("name", _("A name is required."))
    if due_on is None:
        errors.add("due_on", _("Give a due date."))
    errors.raise_if_any()
    row = InnovationMilestone.objects.create(project=project, name=name.strip()[:200], due_on=due_on, created_by=actor)
    _added(project, actor, "milestone", row.name)
    return row


@transaction.atomic
def innovation_milestone_done(*, milestone: InnovationMilestone, actor: Actor, done_on: Any) -> InnovationMilestone:
    _open(milestone.project, actor)
    if milestone.done_on is not None:
        raise ValidationFailed(_("The milestone is already done."), field="done_on")
    model_update(milestone, ["done_on"], {"done_on": done_on})
    _added(milestone.project, actor, "milestone_done", milestone.name)
    milestone.refresh_from_db()
    return milestone


@transaction.atomic
def innovation_participant_add(*, project: InnovationProject, actor: Actor, side: str, name: str = "",
                               user: Any = None, role: str = "") -> InnovationParticipant:
    _open(project, actor)
    errors = FieldErrors()
    if side not in ParticipantSide.values:
        errors.add("side", _("Choose one of: %(v)s.") % {"v": ", ".join(ParticipantSide.values)})
    name = (name or (str(user) if user is not None else "")).strip()
    if not name:
        errors.add("name", _("A name is required."))
    errors.raise_if_any()
    row = InnovationParticipant.objects.create(project=project, side=side, user=user, name=name[:120],
                                               role=(role or "").strip()[:120], created_by=actor)
    _added(project, actor, "participant", row.name)
    return row


@transaction.atomic
def innovation_output_add(*, project: InnovationProject, actor: Actor, kind: str, title: str,
                          reference: str = "") -> InnovationOutput:
    _may_change(project, actor)
    errors = FieldErrors()
    if kind not in InnovationOutputKind.values:
        errors.add("kind", _("Choose one of: %(v)s.") % {"v": ", ".join(InnovationOutputKind.values)})
    if not (title or "").strip():
        errors.add("title", _("A title is required."))
    errors.raise_if_any()
    row = InnovationOutput.objects.create(project=project, kind=kind, title=title.strip()[:200],
                                          reference=(reference or "").strip()[:300], created_by=actor)
    _added(project, actor, "output", row.title)
    return row


def innovation_raise_requirement(*, project: InnovationProject, actor: Actor, title: str, description: str,
                                 urgency: str = "medium") -> Requirement:
    """A requirement the project found, raised into the loop with the project as its source."""
    return requirement_raise(actor=actor, title=title, description=description,
                             source_type=RequirementSource.JOINT_INNOVATION, source_id=project.pk,
                             customer=project.customer, offering_line=project.offering_line, urgency=urgency,
                             org_unit=project.org_unit)
