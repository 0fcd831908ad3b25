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
