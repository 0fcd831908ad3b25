"""Certificates: issued on passing, dates checked by hand, the EXPIRING window and EXPIRED, revocation,
renewal, partner staff, and ``valid_certificates`` for the partners app."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event
from m2c.core.notifications import Notification
from m2c.enablement import selectors, services
from m2c.enablement.models import Certificate, Enrolment
from m2c.enablement.tasks import certificate_sweep

from .conftest import pick

PARTNER = uuid.UUID("6f1c1a52-8d0e-4a43-9d54-2d1f5b3c0a11")


def pass_exam(world):
    attempt = services.attempt_start(exam=world.exam, actor=world.sr)
    for name, letters in {"q1": "B", "q2": "A", "q3": "AC", "q4": "ABD"}.items():
        question = getattr(world.q, name)
        services.attempt_answer(attempt=attempt, actor=world.sr, question_id=question.pk,
                                option_ids=pick(question, letters))
    return services.attempt_submit(attempt=attempt, actor=world.sr)


def issue(world, *, valid_from, days, holder=None, **extra):
    return services.certificate_issue(actor=None, system=True, offering_line=world.lines.campus, track="presales",
                                      level="professional", holder_user=holder or world.sr, valid_from=valid_from,
                                      validity_days=days, **extra)


def test_passing_issues_the_certificate_and_completes_the_course(exam_world):
    attempt = pass_exam(exam_world)
    today = timezone.localdate()
    certificate = Certificate.objects.get(attempt=attempt)
    assert (certificate.holder_user, certificate.offering_line, certificate.track, certificate.level) == (
        exam_world.sr, exam_world.lines.campus, "presales", "professional")
    # 365 days from today, today included.
    assert (certificate.valid_from, certificate.valid_to) == (today, today + dt.timedelta(days=364))
    assert certificate.status == "VALID"
    assert certificate.number == f"CERT-{today.year}-00001"
    assert Enrolment.objects.get(course=exam_world.course, user=exam_world.sr).status == "COMPLETED"
    assert Notification.objects.filter(recipient=exam_world.sr, kind="enablement").count() == 1
    assert selectors.has_valid_certificate(exam_world.sr, exam_world.lines.campus)


def test_failing_issues_nothing(exam_world):
    attempt = services.attempt_start(exam=exam_world.exam, actor=exam_world.sr)
    services.attempt_submit(attempt=attempt, actor=exam_world.sr)
    assert not Certificate.objects.exists()
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("valid_to_in", "status"),
    [
        pytest.param(91, "VALID", id="91 days left: before the 90-day window"),
        pytest.param(90, "EXPIRING", id="90 days left: the window opens"),
        pytest.param(0, "EXPIRING", id="the last valid day"),
        pytest.param(-1, "EXPIRED", id="the day after valid_to"),
    ],
)
def test_the_daily_sweep_puts_each_certificate_where_the_date_says(exam_world, valid_to_in, status):
    today = dt.date(2026, 6, 1)
    # valid_to = valid_from + days − 1; make valid_to = today + valid_to_in.
    certificate = issue(exam_world, valid_from=dt.date(2025, 1, 1),
                        days=(today + dt.timedelta(days=valid_to_in) - dt.date(2025, 1, 1)).days + 1)
    Certificate.objects.filter(pk=certificate.pk).update(status="VALID")  # as it was before these dates
    services.certificates_sweep(today)
    certificate.refresh_from_db()
    assert certificate.valid_to == today + dt.timedelta(days=valid_to_in)
    assert certificate.status == status


def test_expiring_then_expired_each_told_once(exam_world):
    certificate = issue(exam_world, valid_from=dt.date(2026, 1, 1), days=181)  # valid to 2026-06-30
    Certificate.objects.filter(pk=certificate.pk).update(status="VALID")
    assert certificate.valid_to == dt.date(2026, 6, 30)
    assert services.certificates_sweep(dt.date(2026, 3, 31)) == {"expired": 0, "expiring": 0}  # 91 days left
    assert services.certificates_sweep(dt.date(2026, 4, 1)) == {"expired": 0, "expiring": 1}   # 90 days left
    assert services.certificates_sweep(dt.date(2026, 4, 2)) == {"expired": 0, "expiring": 0}
    assert services.certificates_sweep(dt.date(2026, 7, 1)) == {"expired": 1, "expiring": 0}
    assert services.certificates_sweep(dt.date(2026, 7, 2)) == {"expired": 0, "expiring": 0}
    moves = list(Event.objects.for_subject(certificate).exclude(event_type="enablement.certificate.issued")
                 .values_list("from_state", "to_state"))
    assert moves[-2:] == [("VALID", "EXPIRING"), ("EXPIRING", "EXPIRED")]
    titles = list(Notification.objects.filter(recipient=exam_world.sr, subject_id=str(certificate.pk))
                  .order_by("id").values_list("title", flat=True))
    assert titles[-2:] == [f"Certificate {certificate.number} expires in 90 days",
                           f"Certificate {certificate.number} has expired"]


def test_the_notice_window_is_configurable(exam_world):
    services.config_update(actor=exam_world.users.admin, expiry_notice_days=30)
    certificate = issue(exam_world, valid_from=dt.date(2026, 1, 1), days=181)
    Certificate.objects.filter(pk=certificate.pk).update(status="VALID")
    assert services.certificates_sweep(dt.date(2026, 5, 30)) == {"expired": 0, "expiring": 0}  # 31 days left
    assert services.certificates_sweep(dt.date(2026, 5, 31)) == {"expired": 0, "expiring": 1}  # 30 days left
    with pytest.raises(PermissionDenied):
        services.config_update(actor=exam_world.sr, expiry_notice_days=60)


def test_the_worker_job_runs_the_sweep(exam_world):
    certificate = issue(exam_world, valid_from=timezone.localdate() - dt.timedelta(days=10), days=5)
    Certificate.objects.filter(pk=certificate.pk).update(status="VALID")
    assert certificate_sweep() == {"expired": 1, "expiring": 0}


def test_renewal_replaces_the_live_certificate(exam_world):
    old = issue(exam_world, valid_from=timezone.localdate() - dt.timedelta(days=700), days=730)
    assert old.status == "EXPIRING"
    new = pass_exam(exam_world).certificate
    old.refresh_from_db()
    assert (old.status, new.status) == ("RENEWED", "VALID")
    assert Event.objects.for_subject(new).get(event_type="enablement.certificate.issued").payload["replaces"] == old.number


def test_revocation_needs_a_manager_and_a_reason_and_ends_validity_that_day(exam_world):
    today = timezone.localdate()
    certificate = issue(exam_world, valid_from=today - dt.timedelta(days=10), days=365)
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(certificate=certificate, actor=exam_world.sr, reason="作弊")
    with pytest.raises(ValidationFailed):
        services.certificate_revoke(certificate=certificate, actor=exam_world.manager, reason=" ")
    services.certificate_revoke(certificate=certificate, actor=exam_world.manager, reason="考试违规")
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoked_on) == ("REVOKED", today)
    assert not selectors.valid_certificates(holder=exam_world.sr, on_date=today).exists()
    # Before the day it was revoked it was valid: the partners app may ask about a past period.
    assert selectors.valid_certificates(holder=exam_world.sr, on_date=today - dt.timedelta(days=1)).exists()
    with pytest.raises(InvalidTransition):
        services.certificate_revoke(certificate=certificate, actor=exam_world.manager, reason="again")


def test_valid_certificates_for_partner_staff_by_date(exam_world):
    certificate = services.certificate_issue(
        actor=exam_world.manager, offering_line=exam_world.lines.campus, track="presales", level="expert",
        holder_name="陈晓", partner_id=PARTNER, valid_from=dt.date(2026, 1, 1), validity_days=365)
    assert certificate.valid_to == dt.date(2026, 12, 31)
    line = exam_world.lines.campus
    assert list(selectors.valid_certificates(partner_id=PARTNER, offering_line=line, on_date=dt.date(2026, 12, 31))) == [
        certificate]
    assert not selectors.valid_certificates(partner_id=PARTNER, offering_line=line, on_date=dt.date(2027, 1, 1)).exists()
    assert not selectors.valid_certificates(partner_id=PARTNER, offering_line=line, on_date=dt.date(2025, 12, 31)).exists()
    assert not selectors.valid_certificates(partner_id=PARTNER, offering_line=exam_world.lines.wlan,
                                            on_date=dt.date(2026, 6, 1)).exists()
    with pytest.raises(ValidationFailed) as nameless:
        services.certificate_issue(actor=exam_world.manager, offering_line=line, track="sales", level="associate",
                                   partner_id=PARTNER)
    assert nameless.value.errors[0]["field"] == "holder_name"
    with pytest.raises(PermissionDenied):
        services.certificate_issue(actor=exam_world.sr, offering_line=line, track="sales", level="associate",
                                   holder_name="x", partner_id=PARTNER)


def test_the_expiring_list_an_enablement_center_works_from(exam_world):
    today = timezone.localdate()
    soon = issue(exam_world, valid_from=today - dt.timedelta(days=700), days=730)  # 29 days left
    issue(exam_world, valid_from=today, days=730, holder=exam_world.manager)  # two years left
    assert list(selectors.certificates_expiring(user=exam_world.manager)) == [soon]  # the East's manager
    assert list(selectors.certificates_expiring(user=exam_world.sr, within_days=28)) == []
    assert list(selectors.certificates_expiring(user=exam_world.users.ar_north)) == []  # not theirs
