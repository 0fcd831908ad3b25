"""Timed exam attempts: start (draw N questions at random), answer, submit; scored by the server.

Time is the server's: ``deadline = started_at + the exam's duration``, fixed at the start. An answer at
or after the deadline is refused (409 ``deadline_passed``) and writes nothing; submitting at or after it
closes the attempt as TIMED_OUT, scored on the answers saved in time. The worker closes attempts nobody
submitted (``attempts_close_due``).

Scoring rule: each drawn question is worth its ``points``. A single-choice question scores its points
when the one chosen option is the correct one; a multiple-choice question scores its points only when the
set of chosen options is exactly the set of correct options (no partial credit; one option too many or too
few scores 0). Unanswered questions score 0. ``score_pct = points / max_points × 100``, rounded half up to
two decimals; the attempt passes when ``score_pct ≥ pass_mark``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, PermissionDenied, ValidationFailed
from m2c.core.roles import Actor

from .. import events
from ..models import Attempt, AttemptQuestion, Exam, Option, Question
from ..states import ATTEMPT_MACHINE, AttemptStatus, ContentStatus, QuestionKind
from .certificates import certificate_issue_for_attempt
from .courses import enrolment_complete_for

_draw = random.SystemRandom()
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def score_pct(points: int, max_points: int) -> Decimal:
    """``points / max_points × 100`` rounded half up to 0.01 (0 when there is nothing to score)."""
    if max_points <= 0:
        return Decimal("0.00")
    return (Decimal(points) * HUNDRED / Decimal(max_points)).quantize(CENT, rounding=ROUND_HALF_UP)


def is_correct(selected: set[int], correct: set[int]) -> bool:
    """The exact-set rule for both kinds: nothing chosen is never correct."""
    return bool(selected) and selected == correct


@transaction.atomic
def attempt_start(*, exam: Exam, actor: Actor, now: dt.datetime | None = None) -> Attempt:
    """Start a timed attempt: N questions drawn at random from the exam's banks, deadline fixed now."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("You must be signed in."))
    moment = now or timezone.now()
    exam = Exam.objects.select_for_update().get(pk=exam.pk)
    if exam.status != ContentStatus.PUBLISHED:
        raise Conflict(_("This exam is not open."), code="exam_closed")
    mine = Attempt.objects.filter(exam=exam, user=actor)
    open_attempt = mine.filter(status=AttemptStatus.IN_PROGRESS).first()
    if open_attempt is not None:
        if open_attempt.deadline > moment:
            raise Conflict(_("You already have an attempt in progress."), code="attempt_in_progress",
                           extra={"attempt": str(open_attempt.pk)})
        attempt_submit(attempt=open_attempt, actor=None, now=moment)
    taken = mine.count()
    if exam.max_attempts is not None and taken >= exam.max_attempts:
        raise Conflict(_("You have used all %(n)s attempts of this exam.") % {"n": exam.max_attempts},
                       code="attempts_exhausted")
    last = mine.exclude(submitted_at=None).order_by("-submitted_at").first()
    if last is not None and exam.retake_wait_days:
        allowed = last.submitted_at + dt.timedelta(days=exam.retake_wait_days)
        if moment < allowed:
            raise Conflict(_("You can retake this exam from %(when)s.")
                           % {"when": timezone.localtime(allowed).strftime("%Y-%m-%d %H:%M")}, code="retake_wait")
    pool = list(Question.objects.filter(bank__in=exam.banks.all(), active=True).values_list("pk", "points").distinct())
    if len(pool) < exam.question_count:
        raise Conflict(_("The exam's question banks hold %(have)s questions; it draws %(need)s.")
                       % {"have": len(pool), "need": exam.question_count}, code="not_enough_questions")
    drawn = _draw.sample(pool, exam.question_count)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                exam=exam, user=actor, number=taken + 1, started_at=moment,
                deadline=moment + dt.timedelta(minutes=exam.duration_minutes), pass_mark=exam.pass_mark,
                max_points=sum(points for _pk, points in drawn))
    except IntegrityError:
        raise Conflict(_("You already have an attempt in progress."), code="attempt_in_progress") from None
    AttemptQuestion.objects.bulk_create(
        [AttemptQuestion(attempt=attempt, question_id=pk, position=i) for i, (pk, _points) in enumerate(drawn, 1)])
    core_events.record(events.ATTEMPT_STARTED, attempt, actor=actor, to_state=attempt.status,
                       payload={"exam": exam.code, "questions": len(drawn), "deadline": attempt.deadline.isoformat()})
    return attempt


def _lock_open(attempt: Attempt, actor: Actor) -> Attempt:
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if actor is not None and getattr(actor, "pk", None) != locked.user_id:
        raise PermissionDenied(_("Only the candidate answers this attempt."))
    if locked.status != AttemptStatus.IN_PROGRESS:
        raise Conflict(_("This attempt is closed."), code="attempt_closed")
    return locked


@transaction.atomic
def attempt_answer(*, attempt: Attempt, actor: Actor, question_id: int, option_ids: list[int],
                   now: dt.datetime | None = None) -> AttemptQuestion:
    """Save (or replace) the candidate's answer to one drawn question; an empty list clears it."""
    moment = now or timezone.now()
    locked = _lock_open(attempt, actor)
    if moment >= locked.deadline:
        raise Conflict(_("The time for this attempt is over; the answer was not saved."), code="deadline_passed")
    row = (AttemptQuestion.objects.select_related("question").filter(attempt=locked, question_id=question_id)
           .first())
    if row is None:
        raise ValidationFailed(_("This question is not part of the attempt."), field="question")
    chosen = sorted({int(i) for i in option_ids})
    valid = set(row.question.options.values_list("pk", flat=True))
    if not set(chosen) <= valid:
        raise ValidationFailed(_("Choose among the question's options."), field="options")
    if row.question.kind == QuestionKind.SINGLE and len(chosen) > 1:
        raise ValidationFailed(_("A single-choice question takes one answer."), field="options")
    row.selected = chosen
    row.answered_at = moment
    row.save(update_fields=["selected", "answered_at"])
    return row


@transaction.atomic
def attempt_submit(*, attempt: Attempt, actor: Actor, now: dt.datetime | None = None) -> Attempt:
    """Hand the attempt in and score it (see the module's rule). ``actor=None``: the worker closing it.

    Before the deadline: SUBMITTED; at or after it: TIMED_OUT. Passing completes the exam's course and
    issues the certificate the exam grants."""
    moment = now or timezone.now()
    locked = _lock_open(attempt, actor)
    rows = list(AttemptQuestion.objects.filter(attempt=locked).select_related("question"))
    correct_sets: dict[int, set[int]] = {}
    for question_id, option_id in (Option.objects.filter(question_id__in=[r.question_id for r in rows], correct=True)
                                   .values_list("question_id", "pk")):
        correct_sets.setdefault(question_id, set()).add(option_id)
    points = 0
    for row in rows:
        row.correct = is_correct(set(row.selected or []), correct_sets.get(row.question_id, set()))
        points += row.question.points if row.correct else 0
    AttemptQuestion.objects.bulk_update(rows, ["correct"])
    max_points = sum(r.question.points for r in rows)
    pct = score_pct(points, max_points)
    passed = pct >= locked.pass_mark
    target = AttemptStatus.SUBMITTED if moment < locked.deadline else AttemptStatus.TIMED_OUT
    exam = locked.exam
    certificate = None
    payload: dict[str, Any] = {"exam": exam.code, "points": points, "max_points": max_points, "score_pct": str(pct),
                               "pass_mark": str(locked.pass_mark), "passed": passed}
    result = ATTEMPT_MACHINE.apply(locked, target, actor=actor, held=True, payload=payload,
                                   changes={"submitted_at": min(moment, locked.deadline), "points": points, "max_points": max_points, "score_pct": pct,
                                            "passed": passed})
    if passed:
        if exam.course_id:
            enrolment_complete_for(course=exam.course, user=result.user, actor=actor)
        if exam.grants_certificate:
            certificate = certificate_issue_for_attempt(attempt=result, actor=actor)
    for name in ("status", "submitted_at", "points", "max_points", "score_pct", "passed", "version"):
        setattr(attempt, name, getattr(result, name))
    if certificate is not None:
        attempt._certificate = certificate  # noqa: SLF001 - handed to the caller without another read
    return result


def attempts_close_due(now: dt.datetime | None = None) -> int:
    """Close and score every attempt whose deadline has passed (the worker's sweep). Returns how many."""
    moment = now or timezone.now()
    closed = 0
    for attempt in Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lte=moment).order_by("deadline"):
        try:
            attempt_submit(attempt=attempt, actor=None, now=moment)
        except Conflict:
            continue  # closed meanwhile by its candidate
        closed += 1
    return closed
