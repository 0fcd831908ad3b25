"""Courses, exams, attempts (explicit commands start / answer / submit) and certificates over the API."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from m2c.core.errors import ValidationFailed
from m2c.core.models import OfferingLine, User
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, Page, ref_out, user_ref_out

from . import selectors, services
from .models import Attempt, Certificate, Course, Exam
from .schemas import (
    CertificationCoverageOut,
    CourseEnrolmentOut,
    EnablementCourseOut,
    EnablementExamOut,
    ExamAnswerIn,
    ExamAttemptOut,
    StaffCertificateIssueIn,
    StaffCertificateOut,
    StaffCertificateRevokeIn,
)
from .states import AttemptStatus

router = Router(tags=["enablement"])


def course_out(c: Course, enrolments: dict[Any, Any] | None = None, *, detail: bool = False) -> dict[str, Any]:
    enrolment = (enrolments or {}).get(c.pk)
    return {
        "id": c.pk, "code": c.code, "name": c.label, "offering_line": ref_out(c.offering_line), "role": c.role,
        "audience": c.audience, "hours": c.hours, "description": c.description,
        "materials": [{"kind": m.kind, "title": m.title, "url": m.file.url if m.file else m.url, "asset_id": m.asset_id}
                      for m in c.materials.all()] if detail else [],
        "enrolment_status": enrolment.status if enrolment else None,
    }


def exam_out(e: Exam) -> dict[str, Any]:
    return {
        "id": e.pk, "code": e.code, "name": e.label, "course": e.course_id, "question_count": e.question_count,
        "duration_minutes": e.duration_minutes, "pass_mark": e.pass_mark, "max_attempts": e.max_attempts,
        "retake_wait_days": e.retake_wait_days, "certificate_offering_line": ref_out(e.offering_line),
        "certificate_track": e.track, "certificate_level": e.level, "validity_days": e.validity_days,
    }


def attempt_out(a: Attempt, *, detail: bool = False) -> dict[str, Any]:
    closed = a.status != AttemptStatus.IN_PROGRESS
    certificate = getattr(a, "certificate", None) if closed else None
    questions = []
    if detail:
        for row in selectors.attempt_questions(a):
            q = row.question
            questions.append({
                "question": q.pk, "position": row.position, "kind": q.kind, "text": q.text, "points": q.points,
                "options": [{"id": o.pk, "text": o.text, "correct": o.correct if closed else None}
                            for o in q.options.all()],
                "selected": row.selected or [], "correct": row.correct if closed else None,
                "explanation": q.explanation if closed else None,
            })
    return {
        "id": a.pk, "exam": a.exam_id, "exam_code": a.exam.code, "user": user_ref_out(a.user), "number": a.number,
        "status": a.status, "started_at": a.started_at, "deadline": a.deadline,
        "seconds_left": 0 if closed else max(int((a.deadline - timezone.now()).total_seconds()), 0),
        "submitted_at": a.submitted_at, "points": a.points, "max_points": a.max_points, "score_pct": a.score_pct,
        "pass_mark": a.pass_mark, "passed": a.passed, "certificate": certificate.pk if certificate else None,
        "questions": questions,
    }


def certificate_out(c: Certificate) -> dict[str, Any]:
    return {
        "id": c.pk, "number": c.number, "holder": user_ref_out(c.holder_user), "holder_name": c.holder_label,
        "partner_id": c.partner_id, "offering_line": ref_out(c.offering_line), "track": c.track, "level": c.level,
        "valid_from": c.valid_from, "valid_to": c.valid_to, "status": c.status, "exam": c.exam_id,
        "revoked_on": c.revoked_on,
    }


class CourseFilters(Schema):
    offering_line: str | None = Field(None, max_length=40)
    role: str | None = Field(None, max_length=20)
    search: str | None = Field(None, max_length=200)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/courses", response={200: Page[EnablementCourseOut], **ERRORS}, summary="Courses open to the caller")
def list_courses(request: HttpRequest, filters: Query[CourseFilters]):
    qs = selectors.course_list(user=request.user, **filters.model_dump(exclude={"page", "page_size"}))
    enrolments = selectors.enrolments_of(request.user)
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=lambda c: course_out(c, enrolments))


@router.get("/courses/{course_id}", response={200: EnablementCourseOut, **ERRORS}, summary="One course with its materials")
def get_course(request: HttpRequest, course_id: uuid.UUID):
    course = selectors.course_get(user=request.user, course_id=course_id)
    return course_out(course, selectors.enrolments_of(request.user), detail=True)


def _enrolment_out(e: Any) -> dict[str, Any]:
    return {"course": e.course_id, "status": e.status, "enrolled_at": e.enrolled_at, "completed_at": e.completed_at}


@router.post("/courses/{course_id}/enrol", response={201: CourseEnrolmentOut, **ERRORS}, summary="Enrol in the course")
def enrol(request: HttpRequest, course_id: uuid.UUID):
    course = selectors.course_get(user=request.user, course_id=course_id)
    return Status(201, _enrolment_out(services.course_enrol(course=course, actor=request.user)))


@router.post("/courses/{course_id}/complete", response={200: CourseEnrolmentOut, **ERRORS},
             summary="Mark the course completed (ENROLLED → COMPLETED)")
def complete(request: HttpRequest, course_id: uuid.UUID):
    course = selectors.course_get(user=request.user, course_id=course_id)
    return _enrolment_out(services.course_complete(course=course, actor=request.user))


class ExamFilters(Schema):
    offering_line: str | None = Field(None, max_length=40)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/exams", response={200: Page[EnablementExamOut], **ERRORS}, summary="Exams open to the caller")
def list_exams(request: HttpRequest, filters: Query[ExamFilters]):
    qs = selectors.exam_list(user=request.user, offering_line=filters.offering_line)
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=exam_out)


@router.get("/exams/{exam_id}", response={200: EnablementExamOut, **ERRORS}, summary="One exam")
def get_exam(request: HttpRequest, exam_id: uuid.UUID):
    return exam_out(selectors.exam_get(user=request.user, exam_id=exam_id))


@router.post("/exams/{exam_id}/attempts", response={201: ExamAttemptOut, **ERRORS},
             summary="Start a timed attempt: N questions drawn at random, deadline fixed by the server")
def start_attempt(request: HttpRequest, exam_id: uuid.UUID):
    exam = selectors.exam_get(user=request.user, exam_id=exam_id)
    return Status(201, attempt_out(services.attempt_start(exam=exam, actor=request.user), detail=True))


class AttemptFilters(Schema):
    status: str | None = Field(None, max_length=12)
    exam: uuid.UUID | None = None
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/attempts", response={200: Page[ExamAttemptOut], **ERRORS},
            summary="The caller's attempts (enablement managers: those of their region)")
def list_attempts(request: HttpRequest, filters: Query[AttemptFilters]):
    qs = selectors.attempt_list(user=request.user, exam=filters.exam, status=filters.status)
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=attempt_out)


def _attempt(request: HttpRequest, attempt_id: uuid.UUID) -> Attempt:
    return selectors.attempt_get(user=request.user, attempt_id=attempt_id)


@router.get("/attempts/{attempt_id}", response={200: ExamAttemptOut, **ERRORS},
            summary="One attempt with its questions (answers and explanations once closed)")
def get_attempt(request: HttpRequest, attempt_id: uuid.UUID):
    return attempt_out(_attempt(request, attempt_id), detail=True)


@router.post("/attempts/{attempt_id}/answer", response={200: ExamAttemptOut, **ERRORS},
             summary="Save the answer to one question (409 deadline_passed after the deadline)")
def answer(request: HttpRequest, attempt_id: uuid.UUID, payload: ExamAnswerIn):
    attempt = _attempt(request, attempt_id)
    services.attempt_answer(attempt=attempt, actor=request.user, question_id=payload.question,
                            option_ids=payload.options)
    return attempt_out(attempt, detail=True)


@router.post("/attempts/{attempt_id}/submit", response={200: ExamAttemptOut, **ERRORS},
             summary="Hand in and score; a pass issues the exam's certificate")
def submit(request: HttpRequest, attempt_id: uuid.UUID):
    attempt = _attempt(request, attempt_id)
    result = services.attempt_submit(attempt=attempt, actor=request.user)
    return attempt_out(selectors.attempt_get(user=request.user, attempt_id=result.pk), detail=True)


class CertificateFilters(Schema):
    status: str | None = Field(None, max_length=10)
    offering_line: str | None = Field(None, max_length=40)
    mine: bool = False
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/certificates", response={200: Page[StaffCertificateOut], **ERRORS},
            summary="Certificates the caller may see (their own; managers: their region; partners: their staff)")
def list_certificates(request: HttpRequest, filters: Query[CertificateFilters]):
    qs = selectors.certificate_list(user=request.user, **filters.model_dump(exclude={"page", "page_size"}))
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=certificate_out)


@router.get("/certificates/{certificate_id}", response={200: StaffCertificateOut, **ERRORS}, summary="One certificate")
def get_certificate(request: HttpRequest, certificate_id: uuid.UUID):
    return certificate_out(selectors.certificate_get(user=request.user, certificate_id=certificate_id))


@router.post("/certificates", response={201: StaffCertificateOut, **ERRORS},
             summary="Issue a certificate by hand (enablement managers), e.g. to a partner's external staff")
def issue_certificate(request: HttpRequest, payload: StaffCertificateIssueIn):
    line = OfferingLine.objects.filter(code=payload.offering_line).first()
    if line is None:
        raise ValidationFailed("offering_line: unknown offering line", field="offering_line")
    holder = None
    if payload.holder_user:
        holder = User.objects.filter(username=payload.holder_user, is_active=True).first()
        if holder is None:
            raise ValidationFailed("holder_user: unknown user", field="holder_user")
    row = services.certificate_issue(
        actor=request.user, offering_line=line, track=payload.track, level=payload.level, holder_user=holder,
        holder_name=payload.holder_name, holder_email=payload.holder_email, partner_id=payload.partner_id,
        valid_from=payload.valid_from, validity_days=payload.validity_days)
    return Status(201, certificate_out(row))


@router.post("/certificates/{certificate_id}/revoke", response={200: StaffCertificateOut, **ERRORS},
             summary="VALID | EXPIRING → REVOKED (enablement managers), with a reason")
def revoke_certificate(request: HttpRequest, certificate_id: uuid.UUID, payload: StaffCertificateRevokeIn):
    row = selectors.certificate_get(user=request.user, certificate_id=certificate_id)
    return certificate_out(services.certificate_revoke(certificate=row, actor=request.user, reason=payload.reason))


@router.get("/enablement/coverage", response={200: list[CertificationCoverageOut], **ERRORS},
            summary="Certified / in role per region, role and offering line, today")
def coverage(request: HttpRequest):
    data = selectors.coverage(user=request.user)
    return [{"region": r["region"].code, "role": r["role"], "offering_line": r["line"].code, "in_role": r["in_role"],
             "certified": r["certified"], "pct": r["pct"]} for r in data["rows"]]
