"""An exam, taking an attempt against the server's clock, and its result."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core.errors import Conflict, DomainError

from .. import selectors, services
from ..models import Attempt
from ..states import AttemptStatus


@login_required
def exam_detail(request: HttpRequest, exam_id: uuid.UUID) -> HttpResponse:
    exam = selectors.exam_get(user=request.user, exam_id=exam_id)
    if request.method == "POST":
        try:
            attempt = services.attempt_start(exam=exam, actor=request.user)
        except Conflict as exc:
            if exc.code == "attempt_in_progress" and exc.extra.get("attempt"):
                return redirect("enablement:attempt", exc.extra["attempt"])
            messages.error(request, exc.detail)
            return redirect("enablement:exam-detail", exam.pk)
        except DomainError as exc:
            messages.error(request, exc.detail)
            return redirect("enablement:exam-detail", exam.pk)
        return redirect("enablement:attempt", attempt.pk)
    attempts = list(selectors.attempt_list(user=request.user, exam=exam, mine=True))
    used = len(attempts)
    return render(request, "enablement/exam_detail.html", {
        "exam": exam, "attempts": attempts, "banks": exam.banks.all(),
        "attempts_left": None if exam.max_attempts is None else max(exam.max_attempts - used, 0),
        "open_attempt": next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None),
    })


def _answers(request: HttpRequest, attempt: Attempt, rows: list) -> None:
    """Save every question's chosen options from the form (``q<question id>`` fields)."""
    for row in rows:
        chosen = [v for v in request.POST.getlist(f"q{row.question_id}") if v.isdigit()]
        if sorted(int(v) for v in chosen) == sorted(row.selected or []):
            continue
        services.attempt_answer(attempt=attempt, actor=request.user, question_id=row.question_id,
                                option_ids=[int(v) for v in chosen])


@login_required
def attempt_page(request: HttpRequest, attempt_id: uuid.UUID) -> HttpResponse:
    attempt = selectors.attempt_get(user=request.user, attempt_id=attempt_id)
    now = timezone.now()
    mine = attempt.user_id == request.user.pk
    if attempt.status == AttemptStatus.IN_PROGRESS and attempt.deadline <= now:
        # The server's clock closed it: score what was saved in time.
        services.attempt_submit(attempt=attempt, actor=None, now=now)
    elif request.method == "POST" and mine and attempt.status == AttemptStatus.IN_PROGRESS:
        rows = selectors.attempt_questions(attempt)
        action = request.POST.get("action")
        if action == "autosave":  # timer.js saves each choice as it is made: no page, no message
            try:
                _answers(request, attempt, rows)
            except DomainError as exc:
                return HttpResponse(status=exc.status)
            return HttpResponse(status=204)
        try:
            _answers(request, attempt, rows)
            if action == "submit":
                services.attempt_submit(attempt=attempt, actor=request.user)
            else:
                messages.success(request, _("Answers saved."))
        except DomainError as exc:
            messages.error(request, exc.detail)
            if exc.code == "deadline_passed":
                services.attempt_submit(attempt=attempt, actor=None)
        return redirect("enablement:attempt", attempt.pk)
    attempt.refresh_from_db()
    rows = selectors.attempt_questions(attempt)
    finished = attempt.status != AttemptStatus.IN_PROGRESS
    certificate = getattr(attempt, "certificate", None) if finished else None
    return render(request, "enablement/attempt.html", {
        "attempt": attempt, "exam": attempt.exam, "rows": rows, "finished": finished, "mine": mine,
        "remaining": max(int((attempt.deadline - now).total_seconds()), 0), "certificate": certificate,
        "answered": sum(1 for r in rows if r.selected),
    })
