"""Authoring exams: which banks they draw from, how many questions, the time allowed, the pass mark, and the
certificate a pass grants (issue 13). An exam starts as a DRAFT; ``EXAM_MACHINE`` publishes it only when its
banks hold enough active questions, and retires it (attempts and certificates already earned stay)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, FieldErrors, PermissionDenied
from m2c.core.models import OfferingLine, OrgUnit
from m2c.core.roles import Actor, authenticated
from m2c.core.services import model_update

from .. import events
from ..models import Course, Exam, QuestionBank
from ..selectors import authored_banks, authored_courses, authored_exams
from ..states import EXAM_MACHINE, Audience, ContentStatus, Level, Track
from .authoring import _name_values, check_code, number, require_author, unit_for

EXAM_FIELDS = ("name", "name_en", "course", "audience", "question_count", "duration_minutes", "pass_mark",
               "max_attempts", "retake_wait_days", "offering_line", "track", "level", "validity_days")
LIMITS = {  # field: (low, high, whole)
    "question_count": (1, 200, True), "duration_minutes": (1, 600, True), "pass_mark": (0, 100, False),
    "max_attempts": (1, 100, True), "retake_wait_days": (0, 365, True), "validity_days": (1, 3650, True),
}


def _exam_values(errors: FieldErrors, actor: Actor, data: dict[str, Any], *, current: Exam | None) -> dict[str, Any]:
    partial = current is not None
    values = _name_values(errors, data, partial=partial)
    for name, (low, high, whole) in LIMITS.items():
        if name not in data and (partial or name in ("max_attempts", "retake_wait_days", "validity_days")):
            continue
        if name == "max_attempts" and data.get(name) in (None, ""):
            values[name] = None
            continue
        found = number(errors, name, data.get(name), low=Decimal(low), high=Decimal(high), whole=whole)
        if found is not None:
            values[name] = int(found) if whole else found.quantize(Decimal("0.01"))
    if "audience" in data:
        if data["audience"] not in Audience.values:
            errors.add("audience", _("Choose one of: %(v)s.") % {"v": ", ".join(Audience.values)})
        else:
            values["audience"] = data["audience"]
    if "course" in data:
        course = data["course"]
        if course is not None and not (isinstance(course, Course)
                                       and authored_courses(actor).filter(pk=course.pk).exists()):
            errors.add("course", _("Choose one of your courses."))
        else:
            values["course"] = course
    # The certificate a pass grants: offering line, track and level together, or none of them.
    grant = {k: data[k] for k in ("offering_line", "track", "level") if k in data}
    if grant or not partial:
        line = grant.get("offering_line", current.offering_line if current else None)
        track = grant.get("track", current.track if current else "") or ""
        level = grant.get("level", current.level if current else "") or ""
        if line is not None and not isinstance(line, OfferingLine):
            errors.add("offering_line", _("Choose the offering line."))
        if track and track not in Track.values:
            errors.add("track", _("Choose one of: %(v)s.") % {"v": ", ".join(Track.values)})
        if level and level not in Level.values:
            errors.add("level", _("Choose one of: %(v)s.") % {"v": ", ".join(Level.values)})
        given = [bool(line), bool(track), bool(level)]
        if any(given) and not all(given):
            for name, ok in zip(("offering_line", "track", "level"), given, strict=True):
                if not ok:
                    errors.add(name, _("A certificate needs its offering line, track and level together."))
        values.update(offering_line=line, track=track, level=level)
    return values


def _banks(errors: FieldErrors, actor: Actor, banks: Any) -> list[QuestionBank]:
    chosen = list(dict.fromkeys(banks or []))
    mine = set(authored_banks(actor).filter(pk__in=[b.pk for b in chosen]).values_list("pk", flat=True))
    if not chosen:
        errors.add("banks", _("Choose at least one question bank."))
    elif any(b.pk not in mine for b in chosen):
        errors.add("banks", _("Choose among your question banks."))
    return chosen


@transaction.atomic
def exam_create(*, actor: Actor, code: str, banks: Any, org_unit: OrgUnit | None = None, **data: Any) -> Exam:
    """Draft an exam drawing ``question_count`` questions from ``banks``."""
    require_author(actor)
    errors = FieldErrors()
    code_text = check_code(errors, code)
    for key in sorted(set(data) - set(EXAM_FIELDS)):
        errors.add(key, _("This field cannot be set here."))
    values = _exam_values(errors, actor, data, current=None)
    chosen = _banks(errors, actor, banks)
    errors.raise_if_any()
    unit = unit_for(actor, org_unit)
    if Exam.objects.filter(code=code_text).exists():
        raise Conflict(_("An exam with this code exists."), code="duplicate", field="code")
    exam = Exam.objects.create(code=code_text, org_unit=unit, status=ContentStatus.DRAFT,
                               created_by=authenticated(actor), **values)
    exam.banks.set(chosen)
    core_events.record(events.EXAM_CREATED, exam, actor=actor, to_state=exam.status,
                       payload={"code": exam.code, "name": exam.name})
    return exam


def _own(actor: Actor, exam: Exam) -> None:
    require_author(actor)
    if not authored_exams(actor).filter(pk=exam.pk).exists():
        raise PermissionDenied(_("This exam is not yours to change."))


@transaction.atomic
def exam_update(*, actor: Actor, exam: Exam, banks: Any = None, **data: Any) -> Exam:
    """Change an exam; attempts already started keep the pass mark and deadline they began with."""
    _own(actor, exam)
    errors = FieldErrors()
    values = _exam_values(errors, actor, data, current=exam)
    chosen = _banks(errors, actor, banks) if banks is not None else None
    errors.raise_if_any()
    diff = model_update(exam, EXAM_FIELDS, values)
    if chosen is not None:
        before = sorted(b.code for b in exam.banks.all())
        after = sorted(b.code for b in chosen)
        if before != after:
            exam.banks.set(chosen)
            diff["banks"] = [", ".join(before), ", ".join(after)]
    if diff:
        core_events.record(events.EXAM_UPDATED, exam, actor=actor,
                           payload={"changes": {k: [str(v) for v in pair] for k, pair in diff.items()}})
    return exam


def exam_publish(*, actor: Actor, exam: Exam) -> Exam:
    """DRAFT | RETIRED → PUBLISHED, when its banks hold at least ``question_count`` active questions."""
    _own(actor, exam)
    return EXAM_MACHINE.apply(exam, ContentStatus.PUBLISHED, actor=actor,
                              payload={"code": exam.code, "name": exam.name})


def exam_retire(*, actor: Actor, exam: Exam) -> Exam:
    """PUBLISHED → RETIRED: no new attempts; attempts and certificates earned stay."""
    _own(actor, exam)
    return EXAM_MACHINE.apply(exam, ContentStatus.RETIRED, actor=actor,
                              payload={"code": exam.code, "name": exam.name})
