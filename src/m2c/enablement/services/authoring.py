"""Authoring: courses with their materials, question banks and their questions (issue 13).

Only authors write (``selectors.can_author``: administrators, enablement managers, members of an
enablement center); an author writes for their region (an enablement center works for the region above
it), administrators for any unit or the whole company. A course starts as a DRAFT; publishing and retiring
go through ``COURSE_MACHINE`` and record their events.

A question needs at least two options; a single-choice question exactly one correct option, a
multiple-choice question at least one. A question already drawn into an attempt keeps its options (the
attempt's answers point at them): retire it and add a new one instead.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from m2c.campaigns import asset_selectors
from m2c.core import events as core_events
from m2c.core.errors import Conflict, FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.models import OfferingLine, OrgUnit
from m2c.core.roles import Actor, authenticated
from m2c.core.services import model_update

from .. import events
from ..models import AttemptQuestion, Course, CourseMaterial, Option, Question, QuestionBank
from ..selectors import authored_banks, authored_courses, authoring_unit, can_author
from ..states import COURSE_MACHINE, Audience, ContentStatus, CourseRole, MaterialKind, QuestionKind

CODE = re.compile(r"[-a-z0-9_]+")
COURSE_FIELDS = ("name", "name_en", "offering_line", "role", "audience", "description", "hours")
BANK_FIELDS = ("name", "name_en", "offering_line")
MAX_OPTIONS = 8


def require_author(actor: Actor) -> None:
    if not can_author(actor):
        raise PermissionDenied(_("Only enablement managers author courses, question banks and exams."))


def unit_for(actor: Actor, org_unit: OrgUnit | None) -> OrgUnit | None:
    """The unit a new record is offered by: the author's region unless an administrator chose another."""
    own = authoring_unit(actor)
    if own is None:
        return org_unit
    if org_unit is not None and not org_unit.path.startswith(own.path):
        raise PermissionDenied(_("You author for %(unit)s only.") % {"unit": own.label})
    return org_unit or own


def check_code(errors: FieldErrors, code: str) -> str:
    text = errors.text("code", code, required=_("Give it a code."), max_length=40).lower()
    if text and not CODE.fullmatch(text):
        errors.add("code", _("Lower-case letters, digits, hyphens and underscores only."))
    return text


def number(errors: FieldErrors, name: str, value: Any, *, low: Decimal, high: Decimal,
           whole: bool = False) -> Decimal | None:
    """``value`` as a Decimal within [low, high] (a whole number when ``whole``), or an error naming the field."""
    if value in (None, ""):
        errors.add(name, _("A number is required."))
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(name, _("Not a number."))
        return None
    if not result.is_finite():
        errors.add(name, _("Not a number."))
        return None
    if whole and result != result.to_integral_value():
        errors.add(name, _("A whole number."))
        return None
    if not low <= result <= high:
        errors.add(name, _("Between %(low)s and %(high)s.") % {"low": low, "high": high})
        return None
    return result


def _name_values(errors: FieldErrors, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data or not partial:
        values["name"] = errors.text("name", data.get("name"), required=_("Give it a name."), max_length=200)
    if "name_en" in data:
        values["name_en"] = errors.text("name_en", data.get("name_en"), max_length=200)
    return values


def _course_values(errors: FieldErrors, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    values = _name_values(errors, data, partial=partial)
    if "offering_line" in data or not partial:
        if not isinstance(data.get("offering_line"), OfferingLine):
            errors.add("offering_line", _("Choose the offering line."))
        else:
            values["offering_line"] = data["offering_line"]
    if "role" in data or not partial:
        if data.get("role") not in CourseRole.values:
            errors.add("role", _("Choose one of: %(v)s.") % {"v": ", ".join(CourseRole.values)})
        else:
            values["role"] = data["role"]
    if "audience" in data:
        if data["audience"] not in Audience.values:
            errors.add("audience", _("Choose one of: %(v)s.") % {"v": ", ".join(Audience.values)})
        else:
            values["audience"] = data["audience"]
    if "description" in data:
        values["description"] = errors.text("description", data["description"], max_length=10000)
    if "hours" in data:
        hours = number(errors, "hours", data["hours"], low=Decimal(0), high=Decimal(1000))
        if hours is not None:
            values["hours"] = hours.quantize(Decimal("0.1"))
    return values


# --- courses ---------------------------------------------------------------------------------------------


@transaction.atomic
def course_create(*, actor: Actor, code: str, org_unit: OrgUnit | None = None, **data: Any) -> Course:
    """Draft a course for one role on one offering line."""
    require_author(actor)
    errors = FieldErrors()
    code_text = check_code(errors, code)
    values = _course_values(errors, data, partial=False)
    unknown = set(data) - set(COURSE_FIELDS)
    for key in sorted(unknown):
        errors.add(key, _("This field cannot be set here."))
    errors.raise_if_any()
    unit = unit_for(actor, org_unit)
    if Course.objects.filter(code=code_text).exists():
        raise Conflict(_("A course with this code exists."), code="duplicate", field="code")
    course = Course.objects.create(code=code_text, org_unit=unit, status=ContentStatus.DRAFT,
                                   created_by=authenticated(actor), **values)
    core_events.record(events.COURSE_CREATED, course, actor=actor, to_state=course.status,
                       payload={"code": course.code, "name": course.name})
    return course


@transaction.atomic
def course_update(*, actor: Actor, course: Course, **data: Any) -> Course:
    require_author(actor)
    if not authored_courses(actor).filter(pk=course.pk).exists():
        raise PermissionDenied(_("This course is not yours to change."))
    errors = FieldErrors()
    values = _course_values(errors, data, partial=True)
    errors.raise_if_any()
    diff = model_update(course, COURSE_FIELDS, values)
    if diff:
        core_events.record(events.COURSE_UPDATED, course, actor=actor, payload={"changes": diff})
    return course


def _course_move(course: Course, actor: Actor, target: str) -> Course:
    require_author(actor)
    if not authored_courses(actor).filter(pk=course.pk).exists():
        raise PermissionDenied(_("This course is not yours to change."))
    return COURSE_MACHINE.apply(course, target, actor=actor, payload={"code": course.code, "name": course.name})


def course_publish(*, actor: Actor, course: Course) -> Course:
    """DRAFT | RETIRED → PUBLISHED: learners of its audience and region see it."""
    return _course_move(course, actor, ContentStatus.PUBLISHED)


def course_retire(*, actor: Actor, course: Course) -> Course:
    """PUBLISHED → RETIRED: closed to new enrolments; enrolments and completions stay."""
    return _course_move(course, actor, ContentStatus.RETIRED)


@transaction.atomic
def material_add(*, actor: Actor, course: Course, kind: str, title: str = "", url: str = "",
                 asset_id: Any = None) -> CourseMaterial:
    """Add a link, or a published asset of the marketing asset library, to a course."""
    require_author(actor)
    if not authored_courses(actor).filter(pk=course.pk).exists():
        raise PermissionDenied(_("This course is not yours to change."))
    errors = FieldErrors()
    title_text = errors.text("title", title, max_length=200)
    link = ""
    asset = None
    if kind == MaterialKind.ASSET:
        try:
            asset = asset_selectors.asset_list(published_only=True).filter(pk=uuid.UUID(str(asset_id))).first()
        except ValueError:
            asset = None
        if asset is None:
            errors.add("asset", _("Choose a published asset of the library."))
        else:
            title_text = title_text or asset.title
            link = reverse("campaigns:asset", args=[asset.pk])
    elif kind == MaterialKind.LINK:
        link = errors.text("url", url, required=_("Give the link."), max_length=500)
        if link and not re.match(r"https?://", link):
            errors.add("url", _("A web address starting with http:// or https://."))
        if not title_text:
            errors.add("title", _("Give the material a title."))
    else:
        errors.add("kind", _("Choose one of: %(v)s.") % {"v": ", ".join([MaterialKind.LINK, MaterialKind.ASSET])})
    errors.raise_if_any()
    position = (course.materials.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    material = CourseMaterial.objects.create(course=course, position=position, kind=kind, title=title_text,
                                             url=link, asset_id=asset.pk if asset is not None else None)
    core_events.record(events.MATERIAL_ADDED, course, actor=actor, payload={
        "title": material.title, "kind": kind, "asset": str(material.asset_id) if material.asset_id else None})
    return material


@transaction.atomic
def material_remove(*, actor: Actor, material: CourseMaterial) -> None:
    require_author(actor)
    course = material.course
    if not authored_courses(actor).filter(pk=course.pk).exists():
        raise PermissionDenied(_("This course is not yours to change."))
    payload = {"title": material.title, "kind": material.kind,
               "asset": str(material.asset_id) if material.asset_id else None}
    material.delete()
    core_events.record(events.MATERIAL_REMOVED, course, actor=actor, payload=payload)


# --- question banks and questions ------------------------------------------------------------------------


def _bank_values(errors: FieldErrors, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    values = _name_values(errors, data, partial=partial)
    if "offering_line" in data:
        line = data["offering_line"]
        if line is not None and not isinstance(line, OfferingLine):
            errors.add("offering_line", _("Choose the offering line."))
        else:
            values["offering_line"] = line
    return values


@transaction.atomic
def bank_create(*, actor: Actor, code: str, org_unit: OrgUnit | None = None, **data: Any) -> QuestionBank:
    require_author(actor)
    errors = FieldErrors()
    code_text = check_code(errors, code)
    values = _bank_values(errors, data, partial=False)
    for key in sorted(set(data) - set(BANK_FIELDS)):
        errors.add(key, _("This field cannot be set here."))
    errors.raise_if_any()
    unit = unit_for(actor, org_unit)
    if QuestionBank.objects.filter(code=code_text).exists():
        raise Conflict(_("A question bank with this code exists."), code="duplicate", field="code")
    bank = QuestionBank.objects.create(code=code_text, org_unit=unit, created_by=authenticated(actor), **values)
    core_events.record(events.BANK_CREATED, bank, actor=actor, payload={"code": bank.code, "name": bank.name})
    return bank


def _own_bank(actor: Actor, bank: QuestionBank) -> None:
    require_author(actor)
    if not authored_banks(actor).filter(pk=bank.pk).exists():
        raise PermissionDenied(_("This question bank is not yours to change."))


@transaction.atomic
def bank_update(*, actor: Actor, bank: QuestionBank, **data: Any) -> QuestionBank:
    _own_bank(actor, bank)
    errors = FieldErrors()
    values = _bank_values(errors, data, partial=True)
    errors.raise_if_any()
    diff = model_update(bank, BANK_FIELDS, values)
    if diff:
        core_events.record(events.BANK_UPDATED, bank, actor=actor, payload={"changes": diff})
    return bank


def _options(errors: FieldErrors, kind: str, options: Any) -> list[tuple[str, bool]]:
    rows: list[tuple[str, bool]] = []
    for i, item in enumerate(options or [], 1):
        text, correct = (item.get("text"), item.get("correct")) if isinstance(item, dict) else item
        text = str(text or "").strip()
        if not text:
            continue
        if len(text) > 500:
            errors.add("options", _("Option %(n)s: at most 500 characters.") % {"n": i})
        rows.append((text, bool(correct)))
    if len(rows) < 2:
        errors.add("options", _("A question needs at least two options."))
    elif len(rows) > MAX_OPTIONS:
        errors.add("options", _("At most %(n)s options.") % {"n": MAX_OPTIONS})
    elif len({text for text, _c in rows}) < len(rows):
        errors.add("options", _("Two options read the same."))
    correct = sum(1 for _t, c in rows if c)
    if kind == QuestionKind.SINGLE and len(rows) >= 2 and correct != 1:
        errors.add("options", _("A single-choice question has exactly one correct option."))
    if kind == QuestionKind.MULTIPLE and len(rows) >= 2 and correct < 1:
        errors.add("options", _("A multiple-choice question has at least one correct option."))
    return rows


@transaction.atomic
def question_save(*, actor: Actor, bank: QuestionBank, kind: str, text: str, options: Any, explanation: str = "",
                  points: Any = 1, active: bool = True, question: Question | None = None) -> Question:
    """Add a question to ``bank`` or, with ``question``, rewrite it. ``options``: ``[(text, correct), …]`` or
    ``[{"text", "correct"}, …]`` in the order shown; blank texts are skipped."""
    _own_bank(actor, bank)
    if question is not None and question.bank_id != bank.pk:
        raise ValidationFailed(_("This question is not in the bank."), field="question")
    errors = FieldErrors()
    if kind not in QuestionKind.values:
        errors.add("kind", _("Choose one of: %(v)s.") % {"v": ", ".join(QuestionKind.values)})
    body = errors.text("text", text, required=_("Write the question."), max_length=2000)
    note = errors.text("explanation", explanation, max_length=2000)
    score = number(errors, "points", points, low=Decimal(1), high=Decimal(100), whole=True)
    rows = _options(errors, kind, options)
    errors.raise_if_any()
    if question is None:
        question = Question.objects.create(bank=bank, kind=kind, text=body, explanation=note, points=int(score),
                                           active=active)
        event = events.QUESTION_ADDED
    else:
        question = Question.objects.select_for_update().get(pk=question.pk)
        old = [(o.text, o.correct) for o in question.options.order_by("position", "id")]
        if old != rows or question.kind != kind:
            if AttemptQuestion.objects.filter(question=question).exists():
                raise Conflict(_("This question has been drawn into attempts, so its options stay as they are: "
                                 "retire it and add a new one."), code="question_in_use", field="options")
            question.options.all().delete()
        else:
            rows = []
        question.kind, question.text, question.explanation = kind, body, note
        question.points, question.active = int(score), active
        question.save(update_fields=["kind", "text", "explanation", "points", "active"])
        event = events.QUESTION_CHANGED
    Option.objects.bulk_create([Option(question=question, position=i, text=t, correct=c)
                                for i, (t, c) in enumerate(rows, 1)])
    core_events.record(event, bank, actor=actor, payload={"bank": bank.code, "question": question.pk, "kind": kind,
                                                          "options": question.options.count()})
    return question
