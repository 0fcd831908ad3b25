"""API schemas of enablement (names prefixed so they stay unique across apps' OpenAPI components)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from pydantic import ConfigDict, Field

from m2c.core.schemas import InSchema, OutSchema, RefOut, UserRefOut


class EnablementMaterialOut(OutSchema):
    kind: str
    title: str
    url: str
    asset_id: uuid.UUID | None


class EnablementCourseOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    offering_line: RefOut
    role: str
    audience: str
    hours: Decimal
    description: str
    materials: list[EnablementMaterialOut] = []
    enrolment_status: str | None


class CourseEnrolmentOut(OutSchema):
    course: uuid.UUID
    status: str
    enrolled_at: dt.datetime
    completed_at: dt.datetime | None


class EnablementExamOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    course: uuid.UUID | None
    question_count: int
    duration_minutes: int
    pass_mark: Decimal
    max_attempts: int | None
    retake_wait_days: int
    certificate_offering_line: RefOut | None
    certificate_track: str
    certificate_level: str
    validity_days: int


class ExamOptionOut(OutSchema):
    id: int
    text: str
    correct: bool | None = Field(None, description="Shown only once the attempt is closed")


class AttemptQuestionOut(OutSchema):
    question: int
    position: int
    kind: str
    text: str
    points: int
    options: list[ExamOptionOut]
    selected: list[int]
    correct: bool | None = Field(None, description="Shown only once the attempt is closed")
    explanation: str | None = Field(None, description="Shown only once the attempt is closed")


class ExamAttemptOut(OutSchema):
    id: uuid.UUID
    exam: uuid.UUID
    exam_code: str
    user: UserRefOut
    number: int
    status: str
    started_at: dt.datetime
    deadline: dt.datetime
    seconds_left: int
    submitted_at: dt.datetime | None
    points: int
    max_points: int
    score_pct: Decimal | None
    pass_mark: Decimal
    passed: bool | None
    certificate: uuid.UUID | None
    questions: list[AttemptQuestionOut] = []


class ExamAnswerIn(InSchema):
    question: int = Field(ge=1, le=2**31 - 1)
    options: list[int] = Field(default_factory=list, max_length=50)


class StaffCertificateOut(OutSchema):
    id: uuid.UUID
    number: str
    holder: UserRefOut | None
    holder_name: str
    partner_id: uuid.UUID | None
    offering_line: RefOut
    track: str
    level: str
    valid_from: dt.date
    valid_to: dt.date
    status: str
    exam: uuid.UUID | None
    revoked_on: dt.date | None


class StaffCertificateRevokeIn(InSchema):
    reason: str = Field(min_length=1, max_length=2000)


class StaffCertificateIssueIn(InSchema):
    """A certificate issued by hand: to a staff member (``holder_user``) or to a partner's external person
    (``holder_name`` and ``partner_id``)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "offering_line": "campus", "track": "presales", "level": "professional", "holder_name": "陈晓",
        "partner_id": "6f1c1a52-8d0e-4a43-9d54-2d1f5b3c0a11", "validity_days": 730}]})

    offering_line: str = Field(max_length=40, description="Offering line code")
    track: str = Field(pattern="^(sales|presales|postsales)$", examples=["presales"])
    level: str = Field(pattern="^(associate|professional|expert)$", examples=["professional"])
    holder_user: str | None = Field(None, max_length=150, description="Username of a staff holder")
    holder_name: str = Field("", max_length=120, description="An external holder's name (partner staff)")
    holder_email: str = Field("", max_length=254)
    partner_id: uuid.UUID | None = None
    valid_from: dt.date | None = None
    validity_days: int = Field(730, ge=1, le=3650)


class CertificationCoverageOut(OutSchema):
    region: str
    role: str
    offering_line: str
    in_role: int
    certified: int
    pct: int | None
