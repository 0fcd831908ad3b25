"""Authoring over the API (enablement managers): courses and their materials, question banks and questions,
exams; publishing and retiring. Everyone else gets 403. References are by code (offering line, org unit,
bank, course), as the other write APIs take them."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import Field

from m2c.core.errors import FieldErrors, NotFound, PermissionDenied
from m2c.core.models import OfferingLine, OrgUnit
from m2c.core.schemas import ERRORS, InSchema, OutSchema, RefOut, ref_out

from . import selectors, services
from .models import Course, Exam, Question, QuestionBank
from .states import Audience, CourseRole, Level, MaterialKind, QuestionKind, Track

router = Router(tags=["enablement"])
BASE = "/enablement/authoring"

# What the services accept, documented in the OpenAPI document; the services still check and name the field.
CODE = {"pattern": r"^[-a-z0-9_]+$", "examples": ["sales-101"]}


BankCode = Annotated[str, Field(max_length=40, **CODE)]


def _one_of(choices: type, *, blank: bool = False) -> dict[str, Any]:
    return {"json_schema_extra": {"enum": [*([""] if blank else []), *choices.values]}}


class AuthoredCourseIn(InSchema):
    code: str = Field(..., max_length=40, **CODE)
    name: str = Field(..., max_length=200)
    name_en: str = Field("", max_length=200)
    offering_line: str = Field(..., max_length=40, description="Offering line code")
    role: str = Field(..., max_length=20, **_one_of(CourseRole))
    audience: str = Field("internal", max_length=10, **_one_of(Audience))
    hours: Decimal = Field(Decimal(0))
    description: str = Field("", max_length=10000)
    org_unit: str | None = Field(None, max_length=40, description="Org unit code (administrators); blank: yours")


class AuthoredCoursePatch(InSchema):
    name: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    offering_line: str | None = Field(None, max_length=40)
    role: str | None = Field(None, max_length=20, **_one_of(CourseRole))
    audience: str | None = Field(None, max_length=10, **_one_of(Audience))
    hours: Decimal | None = None
    description: str | None = Field(None, max_length=10000)


class AuthoredMaterialIn(InSchema):
    kind: str = Field(..., max_length=10, **_one_of(MaterialKind), description="asset (from the marketing asset library) or link")
    title: str = Field("", max_length=200)
    url: str = Field("", max_length=500)
    asset_id: uuid.UUID | None = None


class AuthoredMaterialOut(OutSchema):
    id: int
    kind: str
    title: str
    url: str
    asset_id: uuid.UUID | None


class AuthoredCourseOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    name_en: str
    offering_line: RefOut
    role: str
    audience: str
    hours: Decimal
    description: str
    org_unit: RefOut | None
    status: str
    materials: list[AuthoredMaterialOut] = []


class QuestionBankIn(InSchema):
    code: str = Field(..., max_length=40, **CODE)
    name: str = Field(..., max_length=200)
    name_en: str = Field("", max_length=200)
    offering_line: str | None = Field(None, max_length=40)
    org_unit: str | None = Field(None, max_length=40)


class QuestionBankPatch(InSchema):
    name: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    offering_line: str | None = Field(None, max_length=40)


class AuthoredOptionIn(InSchema):
    text: str = Field(..., max_length=500)
    correct: bool = False


class AuthoredQuestionIn(InSchema):
    kind: str = Field("single", max_length=10, **_one_of(QuestionKind))
    text: str = Field(..., max_length=2000)
    explanation: str = Field("", max_length=2000)
    points: int = Field(1)
    active: bool = True
    options: list[AuthoredOptionIn] = Field(..., max_length=20)


class AuthoredOptionOut(OutSchema):
    id: int
    text: str
    correct: bool


class AuthoredQuestionOut(OutSchema):
    id: int
    kind: str
    text: str
    explanation: str
    points: int
    active: bool
    options: list[AuthoredOptionOut]


class QuestionBankOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    name_en: str
    offering_line: RefOut | None
    org_unit: RefOut | None
    questions: list[AuthoredQuestionOut] = []


class AuthoredExamIn(InSchema):
    code: str = Field(..., max_length=40, **CODE)
    name: str = Field(..., max_length=200)
    name_en: str = Field("", max_length=200)
    course: str | None = Field(None, max_length=40, description="Course code")
    banks: list[BankCode] = Field(..., min_length=1, max_length=20, description="Question bank codes")
    question_count: int
    duration_minutes: int
    pass_mark: Decimal
    max_attempts: int | None = None
    retake_wait_days: int = 0
    audience: str = Field("internal", max_length=10, **_one_of(Audience))
    offering_line: str | None = Field(None, max_length=40, description="The certificate's offering line")
    track: str = Field("", max_length=10, **_one_of(Track, blank=True))
    level: str = Field("", max_length=12, **_one_of(Level, blank=True))
    validity_days: int = 730
    org_unit: str | None = Field(None, max_length=40)


class AuthoredExamPatch(InSchema):
    name: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    course: str | None = Field(None, max_length=40)
    banks: list[BankCode] | None = Field(None, max_length=20)
    question_count: int | None = None
    duration_minutes: int | None = None
    pass_mark: Decimal | None = None
    max_attempts: int | None = None
    retake_wait_days: int | None = None
    audience: str | None = Field(None, max_length=10, **_one_of(Audience))
    offering_line: str | None = Field(None, max_length=40)
    track: str | None = Field(None, max_length=10)
    level: str | None = Field(None, max_length=12)
    validity_days: int | None = None


class AuthoredExamOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    name_en: str
    course: str | None
    banks: list[str]
    question_count: int
    duration_minutes: int
    pass_mark: Decimal
    max_attempts: int | None
    retake_wait_days: int
    audience: str
    certificate_offering_line: RefOut | None
    certificate_track: str
    certificate_level: str
    validity_days: int
    org_unit: RefOut | None
    status: str


# --- serialising and resolving codes -------------------------------------------------------------------------


def _course_out(c: Course) -> dict[str, Any]:
    return {"id": c.pk, "code": c.code, "name": c.name, "name_en": c.name_en, "offering_line": ref_out(c.offering_line),
            "role": c.role, "audience": c.audience, "hours": c.hours, "description": c.description,
            "org_unit": ref_out(c.org_unit), "status": c.status,
            "materials": [{"id": m.pk, "kind": m.kind, "title": m.title, "url": m.url, "asset_id": m.asset_id}
                          for m in c.materials.all()]}


def _question_out(q: Question) -> dict[str, Any]:
    return {"id": q.pk, "kind": q.kind, "text": q.text, "explanation": q.explanation, "points": q.points,
            "active": q.active, "options": [{"id": o.pk, "text": o.text, "correct": o.correct} for o in q.options.all()]}


def _bank_out(b: QuestionBank, *, detail: bool = False) -> dict[str, Any]:
    return {"id": b.pk, "code": b.code, "name": b.name, "name_en": b.name_en, "offering_line": ref_out(b.offering_line),
            "org_unit": ref_out(b.org_unit),
            "questions": [_question_out(q) for q in selectors.bank_questions(b)] if detail else []}


def _exam_out(e: Exam) -> dict[str, Any]:
    return {"id": e.pk, "code": e.code, "name": e.name, "name_en": e.name_en,
            "course": e.course.code if e.course_id else None, "banks": sorted(b.code for b in e.banks.all()),
            "question_count": e.question_count, "duration_minutes": e.duration_minutes, "pass_mark": e.pass_mark,
            "max_attempts": e.max_attempts, "retake_wait_days": e.retake_wait_days, "audience": e.audience,
            "certificate_offering_line": ref_out(e.offering_line), "certificate_track": e.track,
            "certificate_level": e.level, "validity_days": e.validity_days, "org_unit": ref_out(e.org_unit),
            "status": e.status}


def _author(request: HttpRequest) -> None:
    if not selectors.can_author(request.user):
        raise PermissionDenied(_("Only enablement managers author courses, question banks and exams."))


def _resolve(errors: FieldErrors, data: dict[str, Any], user: Any) -> dict[str, Any]:
    """Codes in ``data`` → records; an unknown code is an error naming its field."""
    lookups = {"offering_line": OfferingLine.objects.all(), "org_unit": OrgUnit.objects.all(),
               "course": selectors.authored_courses(user)}
    for name, qs in lookups.items():
        if name in data and data[name] not in (None, ""):
            found = qs.filter(code=data[name]).first()
            if found is None:
                errors.add(name, _("Unknown code."))
            data[name] = found
        elif name in data:
            data[name] = None
    if data.get("banks") is not None:
        codes = list(data["banks"])
        found = list(selectors.authored_banks(user).filter(code__in=codes))
        if len(found) != len(set(codes)):
            errors.add("banks", _("Choose among your question banks."))
        data["banks"] = found
    return data


def _data(request: HttpRequest, payload: Any, *, partial: bool) -> dict[str, Any]:
    _author(request)
    data = payload.model_dump(exclude_unset=partial)
    errors = FieldErrors()
    data = _resolve(errors, data, request.user)
    errors.raise_if_any()
    return data


# --- courses ----------------------------------------------------------------------------------------------------


@router.get(f"{BASE}/courses", response={200: list[AuthoredCourseOut], **ERRORS},
            summary="The courses the caller authors, drafts and retired ones included")
def authored_courses(request: HttpRequest):
    _author(request)
    return [_course_out(c) for c in selectors.authored_courses(request.user).prefetch_related("materials")]


@router.post(f"{BASE}/courses", response={201: AuthoredCourseOut, **ERRORS}, summary="Draft a course")
def create_course(request: HttpRequest, payload: AuthoredCourseIn):
    return Status(201, _course_out(services.course_create(actor=request.user, **_data(request, payload, partial=False))))


@router.get(f"{BASE}/courses/{{course_id}}", response={200: AuthoredCourseOut, **ERRORS}, summary="One authored course")
def get_authored_course(request: HttpRequest, course_id: uuid.UUID):
    _author(request)
    return _course_out(selectors.authored_course_get(user=request.user, course_id=course_id))


@router.patch(f"{BASE}/courses/{{course_id}}", response={200: AuthoredCourseOut, **ERRORS}, summary="Change a course")
def update_course(request: HttpRequest, course_id: uuid.UUID, payload: AuthoredCoursePatch):
    _author(request)
    course = selectors.authored_course_get(user=request.user, course_id=course_id)
    return _course_out(services.course_update(actor=request.user, course=course,
                                              **_data(request, payload, partial=True)))


@router.post(f"{BASE}/courses/{{course_id}}/materials", response={201: AuthoredCourseOut, **ERRORS},
             summary="Add a material: a published asset of the library, or a link")
def add_material(request: HttpRequest, course_id: uuid.UUID, payload: AuthoredMaterialIn):
    _author(request)
    course = selectors.authored_course_get(user=request.user, course_id=course_id)
    services.material_add(actor=request.user, course=course, **payload.model_dump())
    return Status(201, _course_out(course))


@router.post(f"{BASE}/courses/{{course_id}}/{{command}}", response={200: AuthoredCourseOut, **ERRORS},
             summary="publish (DRAFT | RETIRED → PUBLISHED) or retire (PUBLISHED → RETIRED) a course")
def course_command(request: HttpRequest, course_id: uuid.UUID, command: str):
    _author(request)
    course = selectors.authored_course_get(user=request.user, course_id=course_id)
    if command not in ("publish", "retire"):
        raise _unknown(command)
    return _course_out(getattr(services, f"course_{command}")(actor=request.user, course=course))


def _unknown(command: str) -> Exception:
    return NotFound(f"No command “{command[:40]}”.")


# --- question banks and questions --------------------------------------------------------------------------------


@router.get(f"{BASE}/banks", response={200: list[QuestionBankOut], **ERRORS}, summary="The caller's question banks")
def authored_banks(request: HttpRequest):
    _author(request)
    return [_bank_out(b) for b in selectors.authored_banks(request.user)]


@router.post(f"{BASE}/banks", response={201: QuestionBankOut, **ERRORS}, summary="Create a question bank")
def create_bank(request: HttpRequest, payload: QuestionBankIn):
    return Status(201, _bank_out(services.bank_create(actor=request.user, **_data(request, payload, partial=False))))


@router.get(f"{BASE}/banks/{{bank_id}}", response={200: QuestionBankOut, **ERRORS},
            summary="A question bank with its questions and their correct options")
def get_bank(request: HttpRequest, bank_id: uuid.UUID):
    _author(request)
    return _bank_out(selectors.authored_bank_get(user=request.user, bank_id=bank_id), detail=True)


@router.patch(f"{BASE}/banks/{{bank_id}}", response={200: QuestionBankOut, **ERRORS}, summary="Change a question bank")
def update_bank(request: HttpRequest, bank_id: uuid.UUID, payload: QuestionBankPatch):
    _author(request)
    bank = selectors.authored_bank_get(user=request.user, bank_id=bank_id)
    return _bank_out(services.bank_update(actor=request.user, bank=bank, **_data(request, payload, partial=True)),
                     detail=True)


@router.post(f"{BASE}/banks/{{bank_id}}/questions", response={201: AuthoredQuestionOut, **ERRORS},
             summary="Add a single- or multiple-choice question (≥ 2 options; single: 1 correct, multiple: ≥ 1)")
def add_question(request: HttpRequest, bank_id: uuid.UUID, payload: AuthoredQuestionIn):
    _author(request)
    bank = selectors.authored_bank_get(user=request.user, bank_id=bank_id)
    return Status(201, _question_out(services.question_save(actor=request.user, bank=bank, **payload.model_dump())))


@router.put(f"{BASE}/questions/{{question_id}}", response={200: AuthoredQuestionOut, **ERRORS},
            summary="Rewrite a question (its options stay once it has been drawn into an attempt)")
def update_question(request: HttpRequest, question_id: int, payload: AuthoredQuestionIn):
    _author(request)
    question = selectors.authored_question_get(user=request.user, question_id=question_id)
    return _question_out(services.question_save(actor=request.user, bank=question.bank, question=question,
                                                **payload.model_dump()))


# --- exams -------------------------------------------------------------------------------------------------------


@router.get(f"{BASE}/exams", response={200: list[AuthoredExamOut], **ERRORS},
            summary="The exams the caller authors, drafts and retired ones included")
def authored_exams(request: HttpRequest):
    _author(request)
    return [_exam_out(e) for e in selectors.authored_exams(request.user).prefetch_related("banks")]


@router.post(f"{BASE}/exams", response={201: AuthoredExamOut, **ERRORS},
             summary="Draft an exam: banks, questions per attempt, time limit, pass mark (0–100), certificate")
def create_exam(request: HttpRequest, payload: AuthoredExamIn):
    return Status(201, _exam_out(services.exam_create(actor=request.user, **_data(request, payload, partial=False))))


@router.get(f"{BASE}/exams/{{exam_id}}", response={200: AuthoredExamOut, **ERRORS}, summary="One authored exam")
def get_authored_exam(request: HttpRequest, exam_id: uuid.UUID):
    _author(request)
    return _exam_out(selectors.authored_exam_get(user=request.user, exam_id=exam_id))


@router.patch(f"{BASE}/exams/{{exam_id}}", response={200: AuthoredExamOut, **ERRORS}, summary="Change an exam")
def update_exam(request: HttpRequest, exam_id: uuid.UUID, payload: AuthoredExamPatch):
    _author(request)
    exam = selectors.authored_exam_get(user=request.user, exam_id=exam_id)
    return _exam_out(services.exam_update(actor=request.user, exam=exam, **_data(request, payload, partial=True)))


@router.post(f"{BASE}/exams/{{exam_id}}/{{command}}", response={200: AuthoredExamOut, **ERRORS},
             summary="publish (needs enough active questions in its banks) or retire an exam")
def exam_command(request: HttpRequest, exam_id: uuid.UUID, command: str):
    _author(request)
    exam = selectors.authored_exam_get(user=request.user, exam_id=exam_id)
    if command not in ("publish", "retire"):
        raise _unknown(command)
    return _exam_out(getattr(services, f"exam_{command}")(actor=request.user, exam=exam))
