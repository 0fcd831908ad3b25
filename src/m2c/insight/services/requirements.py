"""Requirement commands: raise an RR, analyse it, dispose it and follow it to closure (domain.md 7.6).

Every disposition notifies the submitter, the analyst and the linked opportunity's owner.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.core.models import OfferingLine, Role
from m2c.core.money import Money
from m2c.core.notifications import message, notify
from m2c.core.roles import Actor

from .. import events
from ..models import Requirement
from ..states import (
    ACCEPTED,
    DISPOSITIONS,
    REQUIREMENT_MACHINE,
    RequirementSource,
    RequirementStatus,
    Urgency,
)


def _next_number() -> str:
    year = timezone.localdate().year
    prefix = f"RR-{year}-"
    last = (
        Requirement.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    )
    n = int(last.rsplit("-", 1)[-1]) + 1 if last else 1
    return f"{prefix}{n:05d}"


def requirement_create(
    *,
    actor: Actor,
    title: str,
    description: str,
    source_type: str,
    source_id: Any = None,
    customer: Any = None,
    opportunity: Any = None,
    offering_line: OfferingLine | None = None,
    business_value: Money | None = None,
    urgency: str = Urgency.MEDIUM,
    org_unit: Any = None,
) -> Requirement:
    """Raise a raw requirement. Anyone signed in who is not a partner user may raise one."""
    if actor is not None and actor.has_role(Role.PARTNER) and not actor.sees_everything:
        raise PermissionDenied(_("Partner users cannot raise requirements here."))
    errors = []
    if not (title or "").strip():
        errors.append({"field": "title", "reason": _("A title is required.")})
    if not (description or "").strip():
        errors.append({"field": "description", "reason": _("Describe the requirement.")})
    if source_type not in RequirementSource.values:
        errors.append({"field": "source_type", "reason": _("Unknown source.")})
    if urgency not in Urgency.values:
        errors.append({"field": "urgency", "reason": _("Unknown urgency.")})
    if business_value is not None and business_value.amount < 0:
        errors.append({"field": "business_value", "reason": _("The business value cannot be negative.")})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)
    value = business_value or Money(Decimal(0), "CNY")
    for attempt in range(5):
        try:
            with transaction.atomic():
                requirement = Requirement.objects.create(
                    number=_next_number(),
                    title=title.strip()[:200],
                    description=description.strip(),
                    source_type=source_type,
                    source_id=source_id,
                    customer=customer,
                    opportunity=opportunity,
                    offering_line=offering_line,
                    org_unit=org_unit or (opportunity.org_unit if opportunity is not None else None)
                    or (customer.org_unit if customer is not None else None),
                    business_value=value.amount,
                    currency=value.currency,
                    urgency=urgency,
                    submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
                core_events.record(
                    events.REQUIREMENT_CREATED, requirement, actor=actor, to_state=requirement.status,
                    payload={"number": requirement.number, "title": requirement.title, "source_type": source_type,
                             "opportunity": str(opportunity.pk) if opportunity is not None else None},
                )
                return requirement
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _recipients(requirement: Requirement) -> list[Any]:
    people = [requirement.submitted_by, requirement.analyst]
    if requirement.opportunity_id:
        people.append(requirement.opportunity.owner)
    # The owners of every other deal linked to it hear about it too (services.backlog links them).
    people.extend(link.opportunity.owner for link in requirement.links.select_related("opportunity__owner"))
    unique: dict[Any, Any] = {}
    for person in people:
        if person is not None:
            unique[person.pk] = person
    return list(unique.values())


def _tell(requirement: Requirement, title: Any, body: Any) -> None:
    try:
        url = reverse("insight:requirement-detail", args=[requirement.pk])
    except NoReverseMatch:
        url = ""
    for person in _recipients(requirement):
        notify(person, title=title, body=body, url=url, kind="insight.requirement", subject=requirement)


@transaction.atomic
def requirement_start_analysis(*, requirement: Requirement, actor: Actor) -> Requirement:
    """NEW → ANALYSING: the actor becomes the requirement's analyst."""
    return REQUIREMENT_MACHINE.apply(requirement, RequirementStatus.ANALYSING, actor=actor, changes={"analyst": actor})


@transaction.atomic
def requirement_dispose(
    *,
    requirement: Requirement,
    actor: Actor,
    disposition: str,
    note: str = "",
    target_release: str = "",
    duplicate_of: Requirement | None = None,
) -> Requirement:
    """ANALYSING → accepted (current or roadmap), rejected (with reason) or duplicate (of another RR)."""
    errors = []
    if disposition not in DISPOSITIONS:
        raise ValidationFailed(_("Choose one of: %(v)s.") % {"v": ", ".join(DISPOSITIONS)}, field="disposition")
    if disposition in ACCEPTED and not (target_release or "").strip():
        errors.append({"field": "target_release", "reason": _("An accepted requirement names its target release.")})
    if disposition == RequirementStatus.REJECTED and not (note or "").strip():
        errors.append({"field": "note", "reason": _("Say why the requirement is rejected.")})
    if disposition == RequirementStatus.DUPLICATE:
        if duplicate_of is None:
            errors.append({"field": "duplicate_of", "reason": _("Name the requirement this one duplicates.")})
        elif duplicate_of.pk == requirement.pk:
            errors.append({"field": "duplicate_of", "reason": _("A requirement cannot duplicate itself.")})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)
    now = timezone.now()
    result = REQUIREMENT_MACHINE.apply(
        requirement,
        disposition,
        actor=actor,
        reason=note,
        changes={
            "disposition_note": note.strip(),
            "target_release": target_release.strip()[:40],
            "duplicate_of": duplicate_of if disposition == RequirementStatus.DUPLICATE else None,
            "analyst": requirement.analyst or actor,
            "disposed_at": now,
            "feedback_sent_at": now,
        },
        payload={"disposition": disposition, "target_release": target_release.strip()},
    )
    if disposition == RequirementStatus.DUPLICATE:
        from .backlog import requirement_revalue

        requirement_revalue(duplicate_of)  # the duplicate's deals roll up into the requirement it duplicates
    label = RequirementStatus(disposition).label
    body = _("%(number)s “%(title)s”: %(status)s.") % {"number": result.number, "title": result.title, "status": label}
    if target_release:
        body += " " + _("Target release: %(r)s.") % {"r": target_release}
    if note:
        body += " " + note
    _tell(result, message(gettext_noop("Requirement %(number)s disposed: %(status)s"), number=result.number,
                          status=label), body)
    return result


def _simple(target: str) -> Any:
    @transaction.atomic
    def command(*, requirement: Requirement, actor: Actor, note: str = "") -> Requirement:
        result = REQUIREMENT_MACHINE.apply(requirement, target, actor=actor, reason=note)
        label = RequirementStatus(target).label
        _tell(result, message(gettext_noop("Requirement %(number)s: %(status)s"), number=result.number,
                              status=label), note)
        return result

    return command


requirement_implement = _simple(RequirementStatus.IMPLEMENTED)
requirement_verify = _simple(RequirementStatus.VERIFIED)
requirement_close = _simple(RequirementStatus.CLOSED)
