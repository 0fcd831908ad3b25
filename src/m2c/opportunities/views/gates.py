"""Gate review pages: drafting, answering, submitting, assigning and deciding; conditions."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.contracts import selectors as contract_selectors
from m2c.core.errors import FieldErrors, ValidationFailed
from m2c.core.models import Role, User
from m2c.core.money import to_decimal
from m2c.core.selectors import user_resolve

from .. import rules, selectors, services
from ..models import (
    AnswerType,
    GateAnswer,
    GateReview,
)
from ..states import (
    ConditionBlocks,
    Decision,
    QuoteStatus,
    ReviewStatus,
)
from ._common import _back, _date, _run


@login_required
@require_POST
def review_create(request: HttpRequest, opportunity_id: uuid.UUID, gate: str) -> HttpResponse:
    opp = selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    review = _run(request, lambda: services.gate_review_create(opportunity=opp, actor=request.user, gate_type=gate,
                                                                summary=request.POST.get("summary", "")[:5000]),
                  _("Review drafted: answer the checklist, then submit."))
    if review is None:
        return redirect("opportunities:detail", opp.pk)
    return redirect("opportunities:review", review.pk)


@login_required
def review_detail(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    review = selectors.review_get(user=request.user, review_id=review_id)
    opp = review.opportunity
    if request.method == "POST":
        return _review_action(request, review)
    answers = {a.code: a for a in review.answers.select_related("answered_by")}
    items = [(item, answers.get(item.code)) for item in review.checklist.items.all()] if review.checklist_id else []
    sections: list[tuple[str, list[Any]]] = []
    for item, answer in items:
        label = item.section_en if (request.LANGUAGE_CODE or "").startswith("en") and item.section_en else item.section
        if not sections or sections[-1][0] != label:
            sections.append((label, []))
        sections[-1][1].append((item, answer))
    is_member = rules.is_member(review.decision_body, request.user)
    can_edit = review.status == ReviewStatus.DRAFT and opp is not None and rules.can_work_on(opp, request.user)
    bodies = rules.bodies_for(opp, min_level=review.required_level or "rep_office") if opp else []
    # ATAC/ATCC are held on a contract: no quote is under review; the page leads to the contract and change.
    subject = contract_selectors.review_subject(review_id=review.pk, contract_id=review.contract_id,
                                                gate_type=review.gate_type, user=request.user)
    context = {
        "review": review, "opportunity": opp, "sections": sections, "can_edit": can_edit,
        "can_decide": review.status == ReviewStatus.IN_REVIEW and is_member and request.user.pk != review.requested_by_id,
        "can_assign": review.status == ReviewStatus.SUBMITTED and (
            request.user.is_superuser or request.user.has_role(Role.ADMINISTRATOR)
            or any(rules.is_member(b, request.user) for b in bodies)),
        "bodies": bodies, "members": (review.decision_body.memberships.select_related("user").filter(valid_to=None)
                                      if review.decision_body_id else []),
        "conditions": review.conditions.select_related("owner", "closed_by"), "decisions": Decision.choices,
        "blocks": ConditionBlocks.choices, "candidates": _condition_owners(opp), "quotes": (
            opp.quotes.exclude(status__in=[QuoteStatus.WITHDRAWN]).order_by("-number") if _reviews_quote(review) else []),
        "reviews_quote": _reviews_quote(review), "subject": subject,
        "deviations": [("none", _("None")), ("moderate", _("Moderate")), ("severe", _("Severe"))],
        "is_member": is_member, "tab": "inbox", "today": timezone.localdate(),
        "matrix": review.authority_matrix, "reasons": reasons_display(review.level_reasons),
    }
    return render(request, "opportunities/review_detail.html", context)


def _reviews_quote(review: GateReview) -> bool:
    """ATB and ATC review a quote of the deal; ATI comes before any quote, ATAC/ATCC review a contract."""
    return review.opportunity_id is not None and review.contract_id is None and review.gate_type != "ATI"


def reasons_display(reasons: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The rules that fired, worded in the reader's language from their structured parts."""
    from ..models import Dimension
    from ..states import DecisionLevel

    shown = []
    for reason in reasons or []:
        dimension = reason.get("dimension", "")
        label = str(Dimension(dimension).label) if dimension in Dimension.values else dimension
        value = str(reason.get("value", ""))
        try:
            value = f"{Decimal(value).normalize():,f}"
        except ArithmeticError:
            value = {"True": _("Yes"), "False": _("No")}.get(value, value)
        level = reason.get("level", "")
        level_label = str(DecisionLevel(level).label) if level in DecisionLevel.values else level
        shown.append({"text": f"{label}: {value} → {level_label}", "rule": str(reason.get("rule", ""))})
    return shown


def _condition_owners(opp: Any) -> list[User]:
    if opp is None:
        return []
    people = {row.user for row in rules.active_team(opp)}
    people.add(opp.owner)
    return sorted(people, key=lambda u: u.username)


def _review_action(request: HttpRequest, review: GateReview) -> HttpResponse:
    action = request.POST.get("action", "")
    here = reverse("opportunities:review", args=[review.pk])
    if action in ("save", "submit"):
        changes: dict[str, Any] = {"summary": request.POST.get("summary", "")[:5000]}
        answers: dict[str, Any] = {}
        for item in review.checklist.items.all() if review.checklist_id else []:
            key = f"answer_{item.code}"
            if item.answer_type == AnswerType.FILE:
                upload = request.FILES.get(key)
                if upload is not None and review.status == ReviewStatus.DRAFT:
                    _run(request, lambda u=upload, c=item.code: services.gate_answer_upload(
                        review=review, actor=request.user, code=c, upload=u), "")
                continue
            if key in request.POST:
                value = request.POST.get(key, "").strip()
                if item.answer_type == AnswerType.YES_NO:
                    answers[item.code] = {"yes": True, "no": False}.get(value)
                else:
                    answers[item.code] = value or None
        changes["answers"] = answers
        for field in ("margin_pct",):
            value = request.POST.get(field, "").strip()
            if value:
                changes[field] = value
        if request.POST.get("payment_term_deviation"):
            changes["payment_term_deviation"] = request.POST["payment_term_deviation"]
        changes["non_standard_terms"] = request.POST.get("non_standard_terms") == "on"
        changes["new_country_or_offering"] = request.POST.get("new_country_or_offering") == "on"
        quote_id = request.POST.get("quote", "") if _reviews_quote(review) else ""
        if quote_id:
            changes["quote"] = review.opportunity.quotes.filter(pk=quote_id).first() if _is_uuid(quote_id) else None
        saved = _run(request, lambda: services.gate_review_update(review=review, actor=request.user, **changes),
                     "" if action == "submit" else _("Answers saved."))
        if saved is not None and action == "submit":
            result = _run(request, lambda: services.gate_review_submit(review=review, actor=request.user), "")
            if result is not None:
                if result.status == ReviewStatus.IN_REVIEW:
                    messages.success(request, _("Submitted and put to %(body)s.") % {"body": result.decision_body})
                else:
                    messages.success(request, _("Submitted; waiting for a decision body at the required level."))
    elif action == "assign":
        body = rules.bodies_for(review.opportunity) if review.opportunity_id else []
        chosen = next((b for b in body if str(b.pk) == request.POST.get("decision_body")), None)
        if chosen is None:
            messages.error(request, _("Choose a decision body."))
        else:
            _run(request, lambda: services.gate_review_assign(review=review, actor=request.user, body=chosen),
                 _("Assigned."))
    elif action == "withdraw":
        _run(request, lambda: services.gate_review_withdraw(review=review, actor=request.user,
                                                             reason=request.POST.get("reason", "")[:2000]),
             _("Review withdrawn."))
    elif action == "decide":
        _decide(request, review)
    else:
        raise Http404
    return redirect(here)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _decide(request: HttpRequest, review: GateReview) -> None:
    post = request.POST
    conditions = []
    unknown = FieldErrors()
    for i in range(int(post.get("condition_count", "0") or 0) if post.get("condition_count", "0").isdigit() else 0):
        text = post.get(f"condition_{i}_text", "").strip()
        if not text:
            continue
        owner = None
        if post.get(f"condition_{i}_owner"):
            owner = user_resolve(post.get(f"condition_{i}_owner"), field=f"conditions.{i}.owner", errors=unknown)
        conditions.append({"text": text, "owner": owner, "due_date": _date(post.get(f"condition_{i}_due", "")),
                           "blocks": post.get(f"condition_{i}_blocks") or ConditionBlocks.NEXT_GATE})
    if unknown:
        messages.error(request, "; ".join(e["reason"] for e in unknown.items))
        return
    floor = override = None
    try:
        if post.get("floor_price", "").strip():
            floor = to_decimal(post["floor_price"], field="floor_price")
        if post.get("probability_override", "").strip():
            override = to_decimal(post["probability_override"], field="probability_override")
    except ValidationFailed as exc:
        messages.error(request, exc.detail)
        return
    _run(request, lambda: services.gate_decide(
        review=review, actor=request.user, decision=post.get("decision", ""), rationale=post.get("rationale", "")[:5000],
        conditions=conditions, rehearing_date=_date(post.get("rehearing_date", "")), floor_price=floor,
        probability_override=override), _("Decision recorded. It is final: a changed situation needs a new review."))


@login_required
def review_file(request: HttpRequest, review_id: uuid.UUID, code: str) -> FileResponse:
    review = selectors.review_get(user=request.user, review_id=review_id)
    answer = get_object_or_404(GateAnswer, review=review, code=code)
    if not answer.file:
        raise Http404
    return FileResponse(answer.file.open("rb"), as_attachment=True, filename=answer.file.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def condition_action(request: HttpRequest, condition_id: uuid.UUID, action: str) -> HttpResponse:
    condition = selectors.condition_get(user=request.user, condition_id=condition_id)
    text = request.POST.get("note", "").strip()[:2000]
    if action == "close":
        _run(request, lambda: services.condition_close(condition=condition, actor=request.user, note=text),
             _("Condition closed."))
    elif action == "waive":
        _run(request, lambda: services.condition_waive(condition=condition, actor=request.user, reason=text),
             _("Condition waived."))
    else:
        raise Http404
    return _back(request, reverse("opportunities:review", args=[condition.review_id]))
