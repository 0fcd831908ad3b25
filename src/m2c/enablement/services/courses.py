"""Enrolling in a course and completing it; the enablement settings."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, FieldErrors, PermissionDenied
from m2c.core.models import User
from m2c.core.roles import Actor, require_role

from .. import events
from ..models import Course, EnablementConfig, Enrolment
from ..selectors import config
from ..states import ENROLMENT_MACHINE, EnrolmentStatus, SrRule


def _person(actor: Actor) -> User:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("You must be signed in."))
    return actor


@transaction.atomic
def course_enrol(*, course: Course, actor: Actor) -> Enrolment:
    """Enrol the actor in ``course``. Enrolling twice is refused (409 ``already_enrolled``)."""
    user = _person(actor)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(course=course, user=user)
    except IntegrityError:
        raise Conflict(_("You are already enrolled in this course."), code="already_enrolled") from None
    core_events.record(events.ENROLLED, enrolment, actor=actor, to_state=enrolment.status,
                       payload={"course": course.code, "user": user.username})
    return enrolment


def enrolment_complete_for(*, course: Course, user: User, actor: Actor) -> Enrolment:
    """ENROLLED → COMPLETED for ``user`` (enrolled first if needed); a completed enrolment is left as it is."""
    enrolment = Enrolment.objects.filter(course=course, user=user).first()
    if enrolment is None:
        enrolment = Enrolment.objects.create(course=course, user=user)
        core_events.record(events.ENROLLED, enrolment, actor=actor, to_state=enrolment.status,
                           payload={"course": course.code, "user": user.username})
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return enrolment
    return ENROLMENT_MACHINE.apply(enrolment, EnrolmentStatus.COMPLETED, actor=actor,
                                   changes={"completed_at": timezone.now()},
                                   payload={"course": course.code, "user": user.username})


@transaction.atomic
def course_complete(*, course: Course, actor: Actor) -> Enrolment:
    """The actor has worked through the course: ENROLLED → COMPLETED (409 if already completed)."""
    user = _person(actor)
    enrolment = Enrolment.objects.filter(course=course, user=user).first()
    if enrolment is not None and enrolment.status == EnrolmentStatus.COMPLETED:
        raise Conflict(_("You have already completed this course."), code="already_completed")
    return enrolment_complete_for(course=course, user=user, actor=actor)


@transaction.atomic
def config_update(*, actor: Actor, sr_rule: str | None = None, expiry_notice_days: int | None = None) -> EnablementConfig:
    """Change the SR-certification rule (off / warn / block) or the expiry notice. Administrators only."""
    require_role(actor, message=_("Only an administrator can change the enablement settings."))
    errors = FieldErrors()
    if sr_rule is not None and sr_rule not in SrRule.values:
        errors.add("sr_rule", _("Choose one of: %(v)s.") % {"v": ", ".join(SrRule.values)})
    if expiry_notice_days is not None and not 1 <= expiry_notice_days <= 730:
        errors.add("expiry_notice_days", _("Between 1 and 730 days."))
    errors.raise_if_any()
    row = EnablementConfig.objects.select_for_update().get(pk=config().pk)
    changes: dict[str, Any] = {}
    if sr_rule is not None and sr_rule != row.sr_rule:
        changes["sr_rule"] = [row.sr_rule, sr_rule]
        row.sr_rule = sr_rule
    if expiry_notice_days is not None and expiry_notice_days != row.expiry_notice_days:
        changes["expiry_notice_days"] = [str(row.expiry_notice_days), str(expiry_notice_days)]
        row.expiry_notice_days = expiry_notice_days
    if changes:
        row.save()
        core_events.record(events.CONFIG_CHANGED, row, actor=actor, payload={"changes": changes})
    return row
