"""Event types of the enablement app, each with its payload schema."""

from django.utils.translation import gettext_lazy as _

from m2c.core.events import EventPayload, NoPayload, register


class CourseRef(EventPayload):
    course: str
    user: str


class AttemptStarted(EventPayload):
    exam: str
    questions: int
    deadline: str


class AttemptScored(EventPayload):
    exam: str
    points: int
    max_points: int
    score_pct: str
    pass_mark: str
    passed: bool
    certificate: str | None = None


class CertificateIssued(EventPayload):
    number: str
    holder: str
    offering_line: str
    track: str
    level: str
    valid_from: str
    valid_to: str
    attempt: str | None = None
    replaces: str | None = None


class CertificateMoved(EventPayload):
    number: str
    valid_to: str


class ContentRef(EventPayload):
    code: str
    name: str


class ContentChanged(EventPayload):
    changes: dict[str, list[str]]


class QuestionRef(EventPayload):
    bank: str
    question: int
    kind: str
    options: int


class MaterialRef(EventPayload):
    title: str
    kind: str
    asset: str | None = None


class ConfigChanged(EventPayload):
    changes: dict[str, list[str]]


ENROLLED = register("enablement.enrolment.created", _("Enrolled in a course"), CourseRef)
COMPLETED = register("enablement.enrolment.completed", _("Course completed"), CourseRef)
ENROLMENT_CHANGED = register("enablement.enrolment.status_changed", _("Enrolment status changed"), NoPayload)
ATTEMPT_STARTED = register("enablement.attempt.started", _("Exam attempt started"), AttemptStarted)
ATTEMPT_SUBMITTED = register("enablement.attempt.submitted", _("Exam attempt submitted and scored"), AttemptScored)
ATTEMPT_TIMED_OUT = register("enablement.attempt.timed_out", _("Exam attempt closed at its deadline and scored"),
                             AttemptScored)
ATTEMPT_CHANGED = register("enablement.attempt.status_changed", _("Exam attempt status changed"), NoPayload)
CERTIFICATE_ISSUED = register("enablement.certificate.issued", _("Certificate issued"), CertificateIssued)
CERTIFICATE_EXPIRING = register("enablement.certificate.expiring", _("Certificate expiring soon"), CertificateMoved)
CERTIFICATE_EXPIRED = register("enablement.certificate.expired", _("Certificate expired"), CertificateMoved)
CERTIFICATE_REVOKED = register("enablement.certificate.revoked", _("Certificate revoked"), CertificateMoved)
CERTIFICATE_RENEWED = register("enablement.certificate.renewed", _("Certificate replaced by a renewal"),
                               CertificateMoved)
CERTIFICATE_CHANGED = register("enablement.certificate.status_changed", _("Certificate status changed"), NoPayload)
CONFIG_CHANGED = register("enablement.config.changed", _("Enablement settings changed"), ConfigChanged)
COURSE_CREATED = register("enablement.course.created", _("Course drafted"), ContentRef)
COURSE_UPDATED = register("enablement.course.updated", _("Course changed"), ContentChanged)
COURSE_PUBLISHED = register("enablement.course.published", _("Course published"), ContentRef)
COURSE_RETIRED = register("enablement.course.retired", _("Course retired"), ContentRef)
COURSE_STATUS_CHANGED = register("enablement.course.status_changed", _("Course status changed"), NoPayload)
MATERIAL_ADDED = register("enablement.course.material_added", _("Course material added"), MaterialRef)
MATERIAL_REMOVED = register("enablement.course.material_removed", _("Course material removed"), MaterialRef)
BANK_CREATED = register("enablement.bank.created", _("Question bank created"), ContentRef)
BANK_UPDATED = register("enablement.bank.updated", _("Question bank changed"), ContentChanged)
QUESTION_ADDED = register("enablement.bank.question_added", _("Question added"), QuestionRef)
QUESTION_CHANGED = register("enablement.bank.question_changed", _("Question changed"), QuestionRef)
EXAM_CREATED = register("enablement.exam.created", _("Exam drafted"), ContentRef)
EXAM_UPDATED = register("enablement.exam.updated", _("Exam changed"), ContentChanged)
EXAM_PUBLISHED = register("enablement.exam.published", _("Exam published"), ContentRef)
EXAM_RETIRED = register("enablement.exam.retired", _("Exam retired"), ContentRef)
EXAM_STATUS_CHANGED = register("enablement.exam.status_changed", _("Exam status changed"), NoPayload)
