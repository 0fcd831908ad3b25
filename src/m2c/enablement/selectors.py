"""Reads of courses, exams, attempts and certificates, scoped; the certificate checks other apps call.

- Courses and exams are a catalogue: a course with no ``org_unit`` is offered to the whole company, one
  with a unit to that unit's subtree; partner users see only what is offered to partner staff.
- Attempts and certificates are personal: their holder sees them; enablement managers (administrators,
  executives and members of an enablement center) see those of their region; a partner user also sees
  the certificates of their partner.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from m2c.core.models import OfferingLine, OrgUnit, Role, User
from m2c.core.scoping import home_unit, scope

from .models import Attempt, Certificate, Course, EnablementConfig, Enrolment, Exam, Question, QuestionBank
from .states import ENABLEMENT_MANAGER, LIVE, Audience, CertificateStatus, ContentStatus

# The staff roles whose certification coverage the coverage page counts.
COVERAGE_ROLES = (Role.AR, Role.SR, Role.FR)


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_enablement_manager(user: Any) -> bool:
    """Administrators, executives and the members of an enablement center manage enablement."""
    if not _signed_in(user):
        return False
    if user.sees_everything or user.has_role(Role.ADMINISTRATOR):
        return True
    return bool(user.org_unit_id and user.org_unit.type == OrgUnit.Type.ENABLEMENT_CENTER)


def can_author(user: Any) -> bool:
    """Who writes courses, question banks and exams: administrators, holders of the enablement manager role and
    the members of an enablement center (executives read, they do not author)."""
    if not _signed_in(user) or (user.has_role(Role.PARTNER) and not user.is_superuser):
        return False
    if user.is_superuser or user.has_role(Role.ADMINISTRATOR, ENABLEMENT_MANAGER):
        return True
    return bool(user.org_unit_id and user.org_unit.type == OrgUnit.Type.ENABLEMENT_CENTER)


def authoring_unit(user: Any) -> OrgUnit | None:
    """The unit an author writes for: an enablement center works for the region above it (core.scoping);
    administrators and authors without a unit write for the whole company (``None``)."""
    if user.is_superuser or user.has_role(Role.ADMINISTRATOR) or not user.org_unit_id:
        return None
    return home_unit(user.org_unit)


def _authored(queryset: QuerySet, user: Any) -> QuerySet:
    """What an author may change: everything for administrators; otherwise what their unit's subtree offers
    (a company-wide course is the administrators' and the authors' without a unit)."""
    if not can_author(user):
        return queryset.none()
    unit = authoring_unit(user)
    if unit is None:
        return queryset if (user.is_superuser or user.has_role(Role.ADMINISTRATOR)) else queryset.filter(
            org_unit__isnull=True)
    return queryset.filter(org_unit__path__startswith=unit.path)


def authored_courses(user: Any) -> QuerySet[Course]:
    return _authored(Course.objects.select_related("offering_line", "org_unit"), user).order_by("code")


def authored_banks(user: Any) -> QuerySet[QuestionBank]:
    return (_authored(QuestionBank.objects.select_related("offering_line", "org_unit"), user)
            .annotate(question_count=Count("questions", filter=Q(questions__active=True))).order_by("code"))


def authored_exams(user: Any) -> QuerySet[Exam]:
    return _authored(Exam.objects.select_related("offering_line", "course", "org_unit"), user).order_by("code")


def authored_course_get(*, user: Any, course_id: Any) -> Course:
    return get_object_or_404(authored_courses(user), pk=course_id)


def authored_bank_get(*, user: Any, bank_id: Any) -> QuestionBank:
    return get_object_or_404(authored_banks(user), pk=bank_id)


def authored_exam_get(*, user: Any, exam_id: Any) -> Exam:
    return get_object_or_404(authored_exams(user).prefetch_related("banks"), pk=exam_id)


def authored_question_get(*, user: Any, question_id: Any) -> Question:
    return get_object_or_404(Question.objects.select_related("bank").prefetch_related("options")
                             .filter(bank__in=authored_banks(user).values("pk")), pk=question_id)


def bank_questions(bank: QuestionBank) -> list[Question]:
    return list(bank.questions.prefetch_related("options").order_by("id"))


def config() -> EnablementConfig:
    row, _created = EnablementConfig.objects.get_or_create(pk=1)
    return row


# --- the catalogue ----------------------------------------------------------------------------------


def _catalogue(queryset: QuerySet, user: Any) -> QuerySet:
    if not _signed_in(user):
        return queryset.none()
    if user.sees_everything:
        return queryset
    if user.has_role(Role.PARTNER):
        return queryset.filter(audience__in=[Audience.PARTNER, Audience.EVERYONE], org_unit__isnull=True)
    condition = Q(org_unit__isnull=True)
    if user.org_unit_id:
        home = home_unit(user.org_unit)
        codes = home.path.strip("/").split("/")
        above = ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
        condition |= Q(org_unit__path__in=above) | Q(org_unit__path__startswith=home.path)
    return queryset.filter(audience__in=[Audience.INTERNAL, Audience.EVERYONE]).filter(condition)


def course_queryset(user: Any) -> QuerySet[Course]:
    return _catalogue(Course.objects.filter(status=ContentStatus.PUBLISHED), user)


def course_list(*, user: Any, offering_line: str | None = None, role: str | None = None,
                search: str | None = None) -> QuerySet[Course]:
    qs = course_queryset(user).select_related("offering_line", "org_unit")
    if offering_line:
        qs = qs.filter(offering_line__code=offering_line)
    if role:
        qs = qs.filter(role=role)
    if search:
        qs = qs.filter(Q(name__icontains=search.strip()) | Q(name_en__icontains=search.strip()))
    return qs.order_by("offering_line__code", "role", "code")


def course_get(*, user: Any, course_id: Any) -> Course:
    return get_object_or_404(course_queryset(user).select_related("offering_line", "org_unit"), pk=course_id)


def enrolments_of(user: Any) -> dict[Any, Enrolment]:
    if not _signed_in(user):
        return {}
    return {e.course_id: e for e in Enrolment.objects.filter(user=user)}


def exam_queryset(user: Any) -> QuerySet[Exam]:
    return _catalogue(Exam.objects.filter(status=ContentStatus.PUBLISHED), user)


def exam_list(*, user: Any, offering_line: str | None = None, course: Any = None) -> QuerySet[Exam]:
    qs = exam_queryset(user).select_related("offering_line", "course")
    if offering_line:
        qs = qs.filter(offering_line__code=offering_line)
    if course is not None:
        qs = qs.filter(course=course)
    return qs.order_by("code")


def exam_get(*, user: Any, exam_id: Any) -> Exam:
    return get_object_or_404(exam_queryset(user).select_related("offering_line", "course"), pk=exam_id)


# --- attempts and certificates ------------------------------------------------------------------------


def attempt_queryset(user: Any) -> QuerySet[Attempt]:
    qs = Attempt.objects.all()
    if not _signed_in(user):
        return qs.none()
    if user.sees_everything:
        return qs
    if is_enablement_manager(user):
        return scope(qs, user, org_field="user__org_unit", owner_fields=("user",))
    return qs.filter(user=user)


def attempt_list(*, user: Any, exam: Any = None, mine: bool = False, status: str | None = None) -> QuerySet[Attempt]:
    qs = attempt_queryset(user).select_related("exam", "user")
    if mine:
        qs = qs.filter(user=user)
    if exam is not None:
        qs = qs.filter(exam=exam)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-started_at", "id")


def attempt_get(*, user: Any, attempt_id: Any) -> Attempt:
    return get_object_or_404(attempt_queryset(user).select_related("exam", "user"), pk=attempt_id)


def attempt_questions(attempt: Attempt) -> list[Any]:
    """The attempt's questions in order, each with its options prefetched."""
    return list(attempt.questions.select_related("question").prefetch_related("question__options")
                .order_by("position"))


def certificate_queryset(user: Any) -> QuerySet[Certificate]:
    qs = Certificate.objects.all()
    if not _signed_in(user):
        return qs.none()
    if user.sees_everything:
        return qs
    if user.has_role(Role.PARTNER):
        partner_id = getattr(user, "partner_id", None)
        condition = Q(holder_user=user)
        if partner_id:
            condition |= Q(partner_id=partner_id)
        return qs.filter(condition)
    if is_enablement_manager(user):
        return scope(qs, user, org_field="org_unit", owner_fields=("holder_user",))
    return qs.filter(holder_user=user)


def certificate_list(*, user: Any, mine: bool = False, status: str | None = None,
                     offering_line: str | None = None) -> QuerySet[Certificate]:
    qs = certificate_queryset(user).select_related("holder_user", "offering_line", "org_unit", "exam")
    if mine:
        qs = qs.filter(holder_user=user)
    if status:
        qs = qs.filter(status=status)
    if offering_line:
        qs = qs.filter(offering_line__code=offering_line)
    return qs.order_by("-valid_from", "number")


def certificate_get(*, user: Any, certificate_id: Any) -> Certificate:
    return get_object_or_404(certificate_queryset(user).select_related("holder_user", "offering_line", "org_unit"),
                             pk=certificate_id)


# --- what other apps ask ----------------------------------------------------------------------------------


def valid_certificates(*, holder: Any = None, partner_id: Any = None, offering_line: Any = None,
                       on_date: dt.date | None = None, track: str | None = None) -> QuerySet[Certificate]:
    """Certificates valid on ``on_date`` (default today): ``valid_from ≤ on_date ≤ valid_to`` and not revoked
    by then. ``holder`` is a user; ``partner_id`` selects every certificate of a partner's staff (the
    partners app counts its experts with it). ``offering_line`` is a line or its id. Not scoped: callers are
    services that have checked their own permission."""
    day = on_date or timezone.localdate()
    qs = Certificate.objects.filter(valid_from__lte=day, valid_to__gte=day).filter(
        ~Q(status=CertificateStatus.REVOKED) | Q(revoked_on__gt=day))
    if holder is not None:
        qs = qs.filter(holder_user=holder)
    if partner_id is not None:
        qs = qs.filter(partner_id=partner_id)
    if offering_line is not None:
        qs = qs.filter(offering_line_id=getattr(offering_line, "pk", offering_line))
    if track:
        qs = qs.filter(track=track)
    return qs


def partner_staff_tracks(*, partner_id: Any, product_category: str, user_ids: Any = (), names: Any = (),
                         on_date: dt.date | None = None) -> set[str]:
    """The tracks (sales, pre-sales, post-sales) in which the partner's current staff hold a certificate valid on
    ``on_date`` for an offering line of ``product_category``: held by one of ``user_ids`` (staff who sign in), or
    by an external person of the partner named in ``names``. The partners app fills expert roles with it."""
    holders = Q(holder_user_id__in=list(user_ids))
    if names:
        holders |= Q(holder_user__isnull=True, partner_id=partner_id, holder_name__in=list(names))
    return set(valid_certificates(on_date=on_date).filter(holders, offering_line__product_category=product_category)
               .values_list("track", flat=True).distinct())


def has_valid_certificate(user: Any, offering_line: Any, on_date: dt.date | None = None) -> bool:
    return valid_certificates(holder=user, offering_line=offering_line, on_date=on_date).exists()


def certificates_expiring(*, user: Any, within_days: int = 90, on_date: dt.date | None = None) -> QuerySet[Certificate]:
    """Live certificates the reader may see whose last valid day falls within ``within_days`` (an enablement
    center's home: who must retake an exam soon), soonest first."""
    day = on_date or timezone.localdate()
    return (certificate_queryset(user).filter(status__in=LIVE, valid_to__gte=day,
                                              valid_to__lte=day + dt.timedelta(days=within_days))
            .select_related("holder_user", "offering_line").order_by("valid_to", "number"))


@dataclass
class ExamDue:
    """An exam someone of a region should sit: to renew a certificate that is expiring, or to finish a course."""

    user: Any
    exam: Exam
    reason: str       # "renewal" or "course"
    due: dt.date | None
    certificate: Certificate | None = None


def exams_due(*, user: Any, region: OrgUnit, within_days: int = 90, on_date: dt.date | None = None) -> list[ExamDue]:
    """For an enablement center's home: in ``region``, the holders of live certificates whose last valid day
    falls within ``within_days`` and the published exam that renews them (same line, track and level), and
    the learners enrolled in a course whose published exam they have not passed yet. Soonest first; only
    people whose certificates or attempts the reader may see (enablement managers: their region)."""
    day = on_date or timezone.localdate()
    people = (User.objects.filter(is_active=True, org_unit__path__startswith=region.path)
              if is_enablement_manager(user) else User.objects.filter(pk=getattr(user, "pk", None)))
    published = Exam.objects.filter(status=ContentStatus.PUBLISHED)
    renewing: dict[tuple[Any, str, str], Exam] = {}
    for exam in published.filter(offering_line__isnull=False).order_by("code"):
        renewing.setdefault((exam.offering_line_id, exam.track, exam.level), exam)
    rows: list[ExamDue] = []
    for cert in certificates_expiring(user=user, within_days=within_days, on_date=day).filter(holder_user__in=people):
        exam = renewing.get((cert.offering_line_id, cert.track, cert.level))
        if exam is not None:
            rows.append(ExamDue(cert.holder_user, exam, "renewal", cert.valid_to, cert))
    passed = set(Attempt.objects.filter(passed=True, user__in=people).values_list("user_id", "exam_id"))
    enrolments = Enrolment.objects.filter(user__in=people, course__status=ContentStatus.PUBLISHED).select_related("user")
    by_course: dict[Any, list[Exam]] = defaultdict(list)
    for exam in published.filter(course__isnull=False).order_by("code"):
        by_course[exam.course_id].append(exam)
    for enrolment in enrolments.order_by("enrolled_at"):
        for exam in by_course.get(enrolment.course_id, []):
            if (enrolment.user_id, exam.pk) not in passed:
                rows.append(ExamDue(enrolment.user, exam, "course", None))
    rows.sort(key=lambda r: (r.due is None, r.due or day, str(r.user)))
    return rows[:100]


def live_certificate_count(user: Any) -> int:
    return Certificate.objects.filter(holder_user=user, status__in=LIVE).count() if _signed_in(user) else 0


# --- coverage -----------------------------------------------------------------------------------------------


def _regions_for(user: Any) -> list[OrgUnit]:
    regions = list(OrgUnit.objects.filter(type=OrgUnit.Type.REGION, active=True).order_by("path"))
    if not _signed_in(user) or (user.has_role(Role.PARTNER) and not user.sees_everything):
        return []
    if user.sees_everything:
        return regions
    if not user.org_unit_id:
        return []
    home = home_unit(user.org_unit)
    return [r for r in regions if r.path.startswith(home.path) or home.path.startswith(r.path)]


def coverage(*, user: Any, on_date: dt.date | None = None) -> dict[str, Any]:
    """Per region, role (AR, SR, FR) and offering line: staff in the role, and how many of them hold a
    certificate for the line valid on ``on_date``. Returns ``{"regions", "lines", "rows"}``, each row
    ``{"region", "role", "line", "in_role", "certified", "pct"}`` (pct None where nobody is in the role)."""
    regions = _regions_for(user)
    lines = list(OfferingLine.objects.filter(active=True).order_by("code"))
    if not regions:
        return {"regions": [], "lines": lines, "rows": []}
    # Counted in the database, grouped by the person's unit and role (and line): a few hundred rows however
    # many people, so 20,000 staff cost two grouped queries, not 20,000 ids read back.
    staff = (User.objects.filter(is_active=True, org_unit__isnull=False, groups__name__in=COVERAGE_ROLES)
             .values("org_unit__path", "groups__name").annotate(n=Count("pk", distinct=True)).order_by())
    held = (valid_certificates(on_date=on_date)
            .filter(holder_user__is_active=True, holder_user__org_unit__isnull=False,
                    holder_user__groups__name__in=COVERAGE_ROLES)
            .values("holder_user__org_unit__path", "holder_user__groups__name", "offering_line_id")
            .annotate(n=Count("holder_user", distinct=True)).order_by())

    if len(regions) < OrgUnit.objects.filter(type=OrgUnit.Type.REGION, active=True).count():
        within = Q()
        for region in regions:
            within |= Q(org_unit__path__startswith=region.path)
        staff = staff.filter(within)
        held = held.filter(holder_user__in=User.objects.filter(within))

    def region_of(path: str) -> Any:
        return next((r.pk for r in regions if path.startswith(r.path)), None)

    in_role: dict[tuple[Any, str], int] = defaultdict(int)
    for row in staff:
        in_role[(region_of(row["org_unit__path"]), row["groups__name"])] += row["n"]
    certified: dict[tuple[Any, str, Any], int] = defaultdict(int)
    for row in held:
        key = (region_of(row["holder_user__org_unit__path"]), row["holder_user__groups__name"], row["offering_line_id"])
        certified[key] += row["n"]
    rows = []
    for region in regions:
        for role in COVERAGE_ROLES:
            members = in_role.get((region.pk, role), 0)
            for line in lines:
                done = certified.get((region.pk, role, line.pk), 0)
                pct = round(100 * done / members) if members else None
                rows.append({"region": region, "role": role, "line": line, "in_role": members,
                             "certified": done, "pct": pct})
    return {"regions": regions, "lines": lines, "rows": rows}
