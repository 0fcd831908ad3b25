"""Enablement's transition tables. domain.md 7.5 names courses, exams and certificates with validity periods but
gives no state table, so the tables documented in ``m2c.enablement.states`` are pinned here, written out. Every
other move is refused (409) and writes nothing, walked on a real course, exam, enrolment, attempt and
certificate."""

from __future__ import annotations

from django.utils import timezone

from m2c.enablement import services
from m2c.enablement.states import (
    ATTEMPT_MACHINE,
    CERTIFICATE_MACHINE,
    COURSE_MACHINE,
    ENROLMENT_MACHINE,
    EXAM_MACHINE,
    AttemptStatus,
    CertificateStatus,
    ContentStatus,
    EnrolmentStatus,
)
from tests.state_tables import allowed, pairs, refusal_walk

CS, E, AT, CE = ContentStatus, EnrolmentStatus, AttemptStatus, CertificateStatus

# "Course, exam: DRAFT → PUBLISHED → RETIRED; a retired one may be republished." Nothing is terminal.
CONTENT_TABLE = pairs(([CS.DRAFT, CS.RETIRED], CS.PUBLISHED), (CS.PUBLISHED, CS.RETIRED))
# "Enrolment: ENROLLED → COMPLETED."
ENROLMENT_TABLE = pairs((E.ENROLLED, E.COMPLETED))
# "Attempt: IN_PROGRESS → SUBMITTED (handed in before the deadline) | TIMED_OUT (closed at or after it)."
ATTEMPT_TABLE = pairs((AT.IN_PROGRESS, [AT.SUBMITTED, AT.TIMED_OUT]))
# "Certificate: VALID → EXPIRING → EXPIRED (after valid_to); VALID | EXPIRING → REVOKED | RENEWED."
CERTIFICATE_TABLE = pairs(
    (CE.VALID, CE.EXPIRING), (CE.EXPIRING, CE.EXPIRED), ([CE.VALID, CE.EXPIRING], [CE.REVOKED, CE.RENEWED]),
)
CERTIFICATE_EXTRAS = {
    (CE.VALID, CE.EXPIRED): "the sweep first sees it after valid_to, its notice window never seen (``_refresh``)",
}


def _is(table: set, extras: dict | None = None) -> set:
    assert not table & set(extras or {}), "an extra is already the documented table's"
    return {(str(a), str(b)) for a, b in table | set(extras or {})}


def test_course_and_exam_are_drafted_published_retired_and_republished():
    assert allowed(COURSE_MACHINE, CS.values) == allowed(EXAM_MACHINE, CS.values) == _is(CONTENT_TABLE)
    assert COURSE_MACHINE.terminal == EXAM_MACHINE.terminal == frozenset()


def test_enrolment_and_attempt_tables():
    assert allowed(ENROLMENT_MACHINE, E.values) == _is(ENROLMENT_TABLE)
    assert ENROLMENT_MACHINE.terminal == {E.COMPLETED}
    assert allowed(ATTEMPT_MACHINE, AT.values) == _is(ATTEMPT_TABLE)
    assert ATTEMPT_MACHINE.terminal == {AT.SUBMITTED, AT.TIMED_OUT}


def test_the_certificate_table_is_the_documented_one_plus_its_listed_extra():
    assert allowed(CERTIFICATE_MACHINE, CE.values) == _is(CERTIFICATE_TABLE, CERTIFICATE_EXTRAS)
    assert CERTIFICATE_MACHINE.terminal == {CE.EXPIRED, CE.REVOKED, CE.RENEWED}


def test_every_enablement_move_not_in_a_table_is_refused_and_writes_nothing(exam_world):
    w = exam_world
    enrolment = services.course_enrol(course=w.course, actor=w.sr)
    attempt = services.attempt_start(exam=w.exam, actor=w.sr)
    certificate = services.certificate_issue(actor=None, system=True, offering_line=w.lines.campus, track="presales",
                                             level="professional", holder_user=w.sr, valid_from=timezone.localdate(),
                                             validity_days=365)
    walks = ((COURSE_MACHINE, w.course, CS.values), (EXAM_MACHINE, w.exam, CS.values),
             (ENROLMENT_MACHINE, enrolment, E.values), (ATTEMPT_MACHINE, attempt, AT.values),
             (CERTIFICATE_MACHINE, certificate, CE.values))
    refused = [refusal_walk(machine, row, values, actor=w.manager, context={"reason": "walk"})
               for machine, row, values in walks]
    # 9 - 3, 9 - 3, 4 - 1, 9 - 2 and 25 - 7 pairs.
    assert refused == [6, 6, 3, 7, 18]
