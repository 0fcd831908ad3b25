"""Status choices and transition tables of enablement (domain.md 7.5, 11.11 certification part).

Enrolment:   ENROLLED → COMPLETED.
Attempt:     IN_PROGRESS → SUBMITTED (handed in before the deadline) | TIMED_OUT (closed at or after it).
Course, exam: DRAFT → PUBLISHED (open to learners; an exam needs enough questions in its banks) → RETIRED
             (closed to new enrolments and attempts; what was earned stays); a retired one may be republished.
Certificate: VALID → EXPIRING (valid_to − notice days; the holder is told) → EXPIRED (after valid_to);
             VALID | EXPIRING → REVOKED (by an enablement manager, with a reason) | RENEWED (a new
             certificate of the same line, track and level replaces it).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.errors import ValidationFailed
from m2c.core.models import Role
from m2c.core.state_machine import StateMachine, t

from . import events


class Audience(models.TextChoices):
    """Who a course or exam is for: the company's staff, partner staff, or both."""

    INTERNAL = "internal", _("Staff")
    PARTNER = "partner", _("Partner staff")
    EVERYONE = "everyone", _("Staff and partner staff")


class CourseRole(models.TextChoices):
    """The role a course trains for (domain.md 7.5: AR, SR, FR, partner sales, pre-sales, post-sales)."""

    AR = "ar", _("Account responsible (AR)")
    SR = "sr", _("Solution responsible (SR)")
    FR = "fr", _("Fulfilment responsible (FR)")
    MARKETING = "marketing", _("Marketing")
    PARTNER_SALES = "partner_sales", _("Partner sales")
    PARTNER_PRESALES = "partner_presales", _("Partner pre-sales")
    PARTNER_POSTSALES = "partner_postsales", _("Partner post-sales")


class Track(models.TextChoices):
    SALES = "sales", _("Sales")
    PRESALES = "presales", _("Pre-sales")
    POSTSALES = "postsales", _("Post-sales")


class Level(models.TextChoices):
    """The three tiers, as Huawei's HCIA / HCIP / HCIE."""

    ASSOCIATE = "associate", _("Associate")
    PROFESSIONAL = "professional", _("Professional")
    EXPERT = "expert", _("Expert")


class MaterialKind(models.TextChoices):
    FILE = "file", pgettext_lazy("material", "File")
    LINK = "link", pgettext_lazy("material", "Link")
    ASSET = "asset", _("Marketing asset")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class SrRule(models.TextChoices):
    """What happens when an SR without a valid certificate for the deal's offering line is assigned."""

    OFF = "off", _("Not checked")
    WARN = "warn", _("Warning")
    BLOCK = "block", _("Hard block")


# The role of enablement authors (seeded by migration 0003): they write courses, question banks and exams.
# Administrators and the members of an enablement center author too.
ENABLEMENT_MANAGER = Role.ENABLEMENT_MANAGER


class ContentStatus(models.TextChoices):
    """Where a course or an exam stands in its authoring life."""

    DRAFT = "DRAFT", pgettext_lazy("content", "Draft")
    PUBLISHED = "PUBLISHED", pgettext_lazy("content", "Published")
    RETIRED = "RETIRED", pgettext_lazy("content", "Retired")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "ENROLLED", _("Enrolled")
    COMPLETED = "COMPLETED", _("Completed")


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "IN_PROGRESS", _("In progress")
    SUBMITTED = "SUBMITTED", _("Submitted")
    TIMED_OUT = "TIMED_OUT", _("Timed out")


class CertificateStatus(models.TextChoices):
    VALID = "VALID", pgettext_lazy("certificate", "Valid")
    EXPIRING = "EXPIRING", _("Expiring")
    EXPIRED = "EXPIRED", _("Expired")
    REVOKED = "REVOKED", _("Revoked")
    RENEWED = "RENEWED", _("Renewed")


LIVE = (CertificateStatus.VALID, CertificateStatus.EXPIRING)

COURSE_MACHINE = StateMachine(
    name=_("Course"),
    labels=dict(ContentStatus.choices),
    default_event=events.COURSE_STATUS_CHANGED,
    transitions=[
        t([ContentStatus.DRAFT, ContentStatus.RETIRED], ContentStatus.PUBLISHED, event=events.COURSE_PUBLISHED),
        t(ContentStatus.PUBLISHED, ContentStatus.RETIRED, event=events.COURSE_RETIRED),
    ],
)

def enough_questions(exam: Any, context: dict[str, Any]) -> None:
    """An exam is published only when its banks hold at least the questions one attempt draws."""
    pool = exam.banks.aggregate(n=Count("questions", filter=Q(questions__active=True), distinct=True))["n"] or 0
    if pool < exam.question_count:
        raise ValidationFailed(_("The exam draws %(n)s questions but its banks hold %(pool)s active ones.")
                               % {"n": exam.question_count, "pool": pool}, field="question_count")


EXAM_MACHINE = StateMachine(
    name=_("Exam"),
    labels=dict(ContentStatus.choices),
    default_event=events.EXAM_STATUS_CHANGED,
    transitions=[
        t([ContentStatus.DRAFT, ContentStatus.RETIRED], ContentStatus.PUBLISHED, guards=[enough_questions],
          event=events.EXAM_PUBLISHED),
        t(ContentStatus.PUBLISHED, ContentStatus.RETIRED, event=events.EXAM_RETIRED),
    ],
)

ENROLMENT_MACHINE = StateMachine(
    name=_("Enrolment"),
    labels=dict(EnrolmentStatus.choices),
    default_event=events.ENROLMENT_CHANGED,
    transitions=[t(EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, event=events.COMPLETED)],
    terminal=frozenset({EnrolmentStatus.COMPLETED}),
)

ATTEMPT_MACHINE = StateMachine(
    name=_("Exam attempt"),
    labels=dict(AttemptStatus.choices),
    default_event=events.ATTEMPT_CHANGED,
    transitions=[
        t(AttemptStatus.IN_PROGRESS, AttemptStatus.SUBMITTED, event=events.ATTEMPT_SUBMITTED),
        t(AttemptStatus.IN_PROGRESS, AttemptStatus.TIMED_OUT, event=events.ATTEMPT_TIMED_OUT),
    ],
    terminal=frozenset({AttemptStatus.SUBMITTED, AttemptStatus.TIMED_OUT}),
)

CERTIFICATE_MACHINE = StateMachine(
    name=_("Certificate"),
    labels=dict(CertificateStatus.choices),
    default_event=events.CERTIFICATE_CHANGED,
    transitions=[
        t(CertificateStatus.VALID, CertificateStatus.EXPIRING, event=events.CERTIFICATE_EXPIRING),
        t(list(LIVE), CertificateStatus.EXPIRED, event=events.CERTIFICATE_EXPIRED),
        t(list(LIVE), CertificateStatus.REVOKED, event=events.CERTIFICATE_REVOKED),
        t(list(LIVE), CertificateStatus.RENEWED, event=events.CERTIFICATE_RENEWED),
    ],
    terminal=frozenset({CertificateStatus.EXPIRED, CertificateStatus.REVOKED, CertificateStatus.RENEWED}),
)
