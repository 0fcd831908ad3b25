"""Timed attempts: the server's clock decides. Answers at or after the deadline are refused and write
nothing; a late hand-in is TIMED_OUT and scored on the answers saved in time; the worker closes the rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from m2c.core.errors import Conflict, PermissionDenied
from m2c.core.models import Event
from m2c.enablement import services
from m2c.enablement.models import Attempt, AttemptQuestion, Certificate
from m2c.enablement.tasks import attempt_sweep

from .conftest import pick

T0 = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0))


def test_the_deadline_is_fixed_by_the_server_at_the_start(exam_world):
    attempt = services.attempt_start(exam=exam_world.exam, actor=exam_world.sr, now=T0)
    assert attempt.started_at == T0
    assert attempt.deadline == T0 + dt.timedelta(minutes=30)
    assert (attempt.number, attempt.status, attempt.max_points, attempt.pass_mark) == (1, "IN_PROGRESS", 5, Decimal(60))


def test_an_answer_at_the_deadline_is_refused_and_writes_nothing(exam_world):
    world = exam_world
    attempt = services.attempt_start(exam=world.exam, actor=world.sr, now=T0)
    just_in_time = T0 + dt.timedelta(minutes=30) - dt.timedelta(microseconds=1)
    services.attempt_answer(attempt=attempt, actor=world.sr, question_id=world.q.q1.pk,
                            option_ids=pick(world.q.q1, "B"), now=just_in_time)
    with pytest.raises(Conflict) as late:
        services.attempt_answer(attempt=attempt, actor=world.sr, question_id=world.q.q3.pk,
                                option_ids=pick(world.q.q3, "AC"), now=T0 + dt.timedelta(minutes=30))
    assert late.value.code == "deadline_passed"
    assert AttemptQuestion.objects.get(attempt=attempt, question=world.q.q3).selected == []
    # Handed in late: TIMED_OUT, scored on q1 only (1 of 5 = 20 %), submitted_at is the deadline.
    result = services.attempt_submit(attempt=attempt, actor=world.sr, now=T0 + dt.timedelta(minutes=45))
    assert (result.status, result.points, result.score_pct, result.passed) == ("TIMED_OUT", 1, Decimal("20.00"), False)
    assert result.submitted_at == T0 + dt.timedelta(minutes=30)


def test_a_timed_out_attempt_can_still_pass_on_what_was_saved(exam_world):
    world = exam_world
    attempt = services.attempt_start(exam=world.exam, actor=world.sr, now=T0)
    for name, letters in {"q1": "B", "q2": "A", "q3": "AC"}.items():
        question = getattr(world.q, name)
        services.attempt_answer(attempt=attempt, actor=world.sr, question_id=question.pk,
                                option_ids=pick(question, letters), now=T0 + dt.timedelta(minutes=10))
    assert attempts_closed(T0 + dt.timedelta(minutes=29)) == 0
    assert attempts_closed(T0 + dt.timedelta(minutes=31)) == 1
    attempt.refresh_from_db()
    assert (attempt.status, attempt.points, attempt.score_pct, attempt.passed) == ("TIMED_OUT", 4, Decimal("80.00"), True)
    assert Certificate.objects.get(attempt=attempt).holder_user == world.sr
    assert Event.objects.filter(event_type="enablement.attempt.timed_out", subject_id=str(attempt.pk)).count() == 1


def attempts_closed(now):
    return services.attempts_close_due(now=now)


def test_the_worker_sweep_closes_overdue_attempts(exam_world):
    attempt = services.attempt_start(exam=exam_world.exam, actor=exam_world.sr,
                                     now=timezone.now() - dt.timedelta(hours=1))
    assert attempt_sweep() == 1
    attempt.refresh_from_db()
    assert attempt.status == "TIMED_OUT"
    assert attempt_sweep() == 0


def test_only_the_candidate_answers_and_a_closed_attempt_takes_nothing(exam_world):
    world = exam_world
    attempt = services.attempt_start(exam=world.exam, actor=world.sr, now=T0)
    with pytest.raises(PermissionDenied):
        services.attempt_answer(attempt=attempt, actor=world.manager, question_id=world.q.q1.pk,
                                option_ids=pick(world.q.q1, "B"), now=T0)
    services.attempt_submit(attempt=attempt, actor=world.sr, now=T0 + dt.timedelta(minutes=5))
    with pytest.raises(Conflict) as closed:
        services.attempt_answer(attempt=attempt, actor=world.sr, question_id=world.q.q1.pk,
                                option_ids=pick(world.q.q1, "B"), now=T0 + dt.timedelta(minutes=6))
    assert closed.value.code == "attempt_closed"
    with pytest.raises(Conflict):
        services.attempt_submit(attempt=attempt, actor=world.sr, now=T0 + dt.timedelta(minutes=6))


def test_one_open_attempt_at_a_time_attempt_limits_and_retake_wait(exam_world):
    world = exam_world
    world.exam.max_attempts = 2
    world.exam.retake_wait_days = 7
    world.exam.save(update_fields=["max_attempts", "retake_wait_days"])
    first = services.attempt_start(exam=world.exam, actor=world.sr, now=T0)
    with pytest.raises(Conflict) as busy:
        services.attempt_start(exam=world.exam, actor=world.sr, now=T0 + dt.timedelta(minutes=1))
    assert busy.value.code == "attempt_in_progress" and busy.value.extra["attempt"] == str(first.pk)
    services.attempt_submit(attempt=first, actor=world.sr, now=T0 + dt.timedelta(minutes=10))
    with pytest.raises(Conflict) as wait:
        services.attempt_start(exam=world.exam, actor=world.sr, now=T0 + dt.timedelta(days=7, minutes=9))
    assert wait.value.code == "retake_wait"
    second = services.attempt_start(exam=world.exam, actor=world.sr, now=T0 + dt.timedelta(days=7, minutes=10))
    assert second.number == 2
    services.attempt_submit(attempt=second, actor=world.sr, now=T0 + dt.timedelta(days=7, minutes=20))
    with pytest.raises(Conflict) as used:
        services.attempt_start(exam=world.exam, actor=world.sr, now=T0 + dt.timedelta(days=30))
    assert used.value.code == "attempts_exhausted"
    assert Attempt.objects.filter(user=world.sr).count() == 2


def test_an_expired_open_attempt_is_closed_when_the_next_one_starts(exam_world):
    world = exam_world
    first = services.attempt_start(exam=world.exam, actor=world.sr, now=T0)
    second = services.attempt_start(exam=world.exam, actor=world.sr, now=T0 + dt.timedelta(hours=1))
    first.refresh_from_db()
    assert (first.status, second.number) == ("TIMED_OUT", 2)


def test_a_bank_too_small_for_the_exam_is_refused(exam_world):
    exam_world.exam.question_count = 5
    exam_world.exam.save(update_fields=["question_count"])
    with pytest.raises(Conflict) as small:
        services.attempt_start(exam=exam_world.exam, actor=exam_world.sr, now=T0)
    assert small.value.code == "not_enough_questions"
    assert not Attempt.objects.exists()
