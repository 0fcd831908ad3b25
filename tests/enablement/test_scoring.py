"""Exam scoring and pass marks, with numbers checked by hand (the bank is described in conftest.py).

Rule: a single-choice question scores its points when the one correct option is chosen; a multiple-choice
question scores its points only when exactly the correct set is chosen; score % = points / 5 × 100.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from m2c.core.errors import ValidationFailed
from m2c.core.models import Event
from m2c.enablement import services
from m2c.enablement.models import Attempt, Certificate

from .conftest import pick


def take(world, answers: dict[str, str], *, pass_mark: str | None = None) -> Attempt:
    if pass_mark is not None:
        world.exam.pass_mark = Decimal(pass_mark)
        world.exam.save(update_fields=["pass_mark"])
    attempt = services.attempt_start(exam=world.exam, actor=world.sr)
    for name, letters in answers.items():
        question = getattr(world.q, name)
        services.attempt_answer(attempt=attempt, actor=world.sr, question_id=question.pk,
                                option_ids=pick(question, letters))
    return services.attempt_submit(attempt=attempt, actor=world.sr)


@pytest.mark.parametrize(
    ("answers", "points", "pct", "passed"),
    [
        pytest.param({"q1": "B", "q2": "A", "q3": "AC", "q4": "ABD"}, 5, "100.00", True, id="all right: 5/5"),
        # q4 {A,B} misses D: a subset scores nothing. 1 + 2 = 3 of 5 = 60 %, exactly the pass mark: passes.
        pytest.param({"q1": "B", "q2": "B", "q3": "AC", "q4": "AB"}, 3, "60.00", True, id="3/5 on the mark"),
        # q3 {A,B,C} has one too many: a superset scores nothing. 1 + 1 = 2 of 5 = 40 %.
        pytest.param({"q1": "B", "q2": "A", "q3": "ABC", "q4": "ABD"}, 3, "60.00", True, id="q4 right, q3 superset"),
        pytest.param({"q1": "B", "q2": "A", "q3": "ABC"}, 2, "40.00", False, id="superset and unanswered: 2/5"),
        pytest.param({"q1": "A"}, 0, "0.00", False, id="one wrong answer, three unanswered"),
        pytest.param({"q3": "CA", "q4": "DBA"}, 3, "60.00", True, id="order of choice does not matter"),
    ],
)
def test_scoring_by_the_exact_set_rule(exam_world, answers, points, pct, passed):
    attempt = take(exam_world, answers)
    assert (attempt.points, attempt.max_points) == (points, 5)
    assert attempt.score_pct == Decimal(pct)
    assert attempt.passed is passed
    assert attempt.status == "SUBMITTED"


def test_a_pass_mark_one_hundredth_above_the_score_fails(exam_world):
    attempt = take(exam_world, {"q1": "B", "q3": "AC"}, pass_mark="60.01")  # 3/5 = 60.00 %
    assert attempt.score_pct == Decimal("60.00") and attempt.passed is False
    assert not Certificate.objects.exists()


def test_the_attempt_keeps_the_pass_mark_it_started_with(exam_world):
    attempt = services.attempt_start(exam=exam_world.exam, actor=exam_world.sr)
    exam_world.exam.pass_mark = Decimal("90")
    exam_world.exam.save(update_fields=["pass_mark"])
    for name, letters in {"q1": "B", "q2": "A", "q3": "AC"}.items():  # 4/5 = 80 %
        question = getattr(exam_world.q, name)
        services.attempt_answer(attempt=attempt, actor=exam_world.sr, question_id=question.pk,
                                option_ids=pick(question, letters))
    result = services.attempt_submit(attempt=attempt, actor=exam_world.sr)
    assert (result.score_pct, result.pass_mark, result.passed) == (Decimal("80.00"), Decimal("60.00"), True)


@pytest.mark.parametrize(("points", "total", "pct"), [(2, 3, "66.67"), (1, 3, "33.33"), (1, 6, "16.67"),
                                                      (1, 8, "12.50"), (7, 7, "100.00"), (0, 0, "0.00")])
def test_percentages_round_half_up_to_hundredths(points, total, pct):
    assert services.score_pct(points, total) == Decimal(pct)


def test_every_answer_is_checked_and_saving_replaces_the_previous_one(exam_world):
    world = exam_world
    attempt = services.attempt_start(exam=world.exam, actor=world.sr)
    with pytest.raises(ValidationFailed) as single:
        services.attempt_answer(attempt=attempt, actor=world.sr, question_id=world.q.q1.pk,
                                option_ids=pick(world.q.q1, "AB"))
    assert single.value.errors[0]["field"] == "options"
    with pytest.raises(ValidationFailed) as foreign:
        services.attempt_answer(attempt=attempt, actor=world.sr, question_id=world.q.q1.pk,
                                option_ids=pick(world.q.q2, "A"))
    assert foreign.value.errors[0]["field"] == "options"
    services.attempt_answer(attempt=attempt, actor=world.sr, question_id=world.q.q3.pk, option_ids=pick(world.q.q3, "B"))
    services.attempt_answer(attempt=attempt, actor=world.sr, question_id=world.q.q3.pk, option_ids=pick(world.q.q3, "AC"))
    result = services.attempt_submit(attempt=attempt, actor=world.sr)
    assert result.points == 2


def test_questions_are_drawn_at_random_without_repeats(exam_world):
    world = exam_world
    world.exam.question_count = 2
    world.exam.save(update_fields=["question_count"])
    seen = set()
    for n in range(12):
        attempt = services.attempt_start(exam=world.exam, actor=world.sr, now=timezone.now() + dt.timedelta(hours=n))
        drawn = list(attempt.questions.values_list("question_id", flat=True))
        assert len(drawn) == len(set(drawn)) == 2
        assert set(drawn) <= {q.pk for q in vars(world.q).values()}
        seen.add(frozenset(drawn))
        services.attempt_submit(attempt=attempt, actor=world.sr, now=timezone.now() + dt.timedelta(hours=n))
    # 6 possible pairs; twelve draws that all came out the same would mean no draw at all (odds 6^-11).
    assert len(seen) > 1
    started = Event.objects.filter(event_type="enablement.attempt.started").count()
    assert started == 12
