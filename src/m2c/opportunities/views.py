"""Pages of the opportunities app: the board, the list, a deal, a gate review, a quote, the approvals
inbox, reports and the configuration in force. As thin as the API: parse, call a service or selector,
render. A service's refusal is shown beside the action that caused it and changes nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.core import events as core_events
from m2c.core import fx
from m2c.core.errors import DomainError, ValidationFailed
from m2c.core.models import OfferingLine, OrgUnit, Role, User
from m2c.core.money import Money, to_decimal
from m2c.customers import selectors as customer_selectors

from . import pdf, rules, selectors, services, vat
from .forms import (
    AbandonForm,
    ActivityForm,
    BidForm,
    CompetitorForm,
    HoldForm,
    LoseForm,
    OpportunityForm,
    QuoteHeaderForm,
    QuoteLineForm,
    RiskForm,
    StakeholderForm,
    TeamForm,
)
from .models import (
    AnswerType,
    CompanyProfile,
    Competitor,
    GateAnswer,
    GateReview,
    OpportunitySettings,
    PriceList,
    Product,
    QuoteLine,
    Risk,
    Stakeholder,
    TeamAssignment,
)
from .selectors import Filters
from .states import (
    GATE_OF_STAGE,
    NEXT_STAGE,
    OPEN_STAGES,
    OPPORTUNITY_MACHINE,
    AbandonReason,
    ConditionBlocks,
    Decision,
    ForecastCategory,
    Grade,
    LossReason,
    QuoteStatus,
    ReviewStatus,
    Stage,
)

FILTER_KEYS = ("search", "region", "offering_line", "owner", "grade", "stage", "forecast_category", "mine", "sign_from",
               "sign_to")


def _params(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:100] for k in FILTER_KEYS}


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(params: dict[str, str]) -> Filters:
    return Filters(
        search=params["search"] or None, region=params["region"] or None, offering_line=params["offering_line"] or None,
        owner=params["owner"] or None, grade=params["grade"] if params["grade"] in Grade.values else None,
        stage=params["stage"] if params["stage"] in Stage.values else None,
        forecast_category=params["forecast_category"] if params["forecast_category"] in ForecastCategory.values else None,
        mine=params["mine"] == "1", sign_from=_date(params["sign_from"]), sign_to=_date(params["sign_to"]),
    )


def _filter_context(params: dict[str, str]) -> dict[str, Any]:
    return {
        "params": params,
        "query": urlencode({k: v for k, v in params.items() if v}),
        "regions": OrgUnit.objects.filter(type=OrgUnit.Type.REGION, active=True),
        "offering_lines": OfferingLine.objects.filter(active=True),
        "grades": Grade.choices,
        "stages": Stage.choices,
        "forecast_categories": ForecastCategory.choices,
        "reporting_currency": fx.reporting_currency(),
    }


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    """Run a service; its refusal becomes a message beside the action (nothing changed)."""
    try:
        result = action()
    except DomainError as exc:
        detail = exc.detail
        if exc.errors and len(exc.errors) > 1:
            detail = "; ".join(e.get("reason", "") for e in exc.errors)
        messages.error(request, detail)
        return None
    if success:
        messages.success(request, success)
    return result


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next") or default
    if not target.startswith("/") or target.startswith("//"):
        target = default
    return redirect(target)


def _user_or_error(value: str) -> User:
    user = None
    if value:
        try:
            user = User.objects.filter(pk=uuid.UUID(value)).first()
        except ValueError:
            user = User.objects.filter(username=value).first()
    if user is None or not user.is_active:
        raise ValidationFailed(_("Choose an active user."), field="user")
    return user


# --- board and list ---------------------------------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    data = selectors.board(user=request.user, filters=_filters(params), per_column=25)
    columns = data["columns"]
    totals = {"count": sum(c.count for c in columns if c.stage in OPEN_STAGES),
              "amount": sum((c.amount for c in columns if c.stage in OPEN_STAGES), Decimal(0)),
              "weighted": sum((c.weighted for c in columns if c.stage in OPEN_STAGES), Decimal(0))}
    moves = {stage: OPPORTUNITY_MACHINE.targets(stage) for stage in Stage.values}
    context = {**_filter_context(params), "columns": columns, "totals": totals, "unconverted": data["unconverted"],
               "moves": moves, "loss_reasons": LossReason.choices, "board_i18n": {
                   "refused": _("Refused"), "error": _("The server could not be reached. Nothing was changed."),
                   "LOST": _("Mark as lost"), "ABANDONED": _("Abandon the deal"), "ON_HOLD": _("Put on hold")},
               "abandon_reasons": AbandonReason.choices, "inbox_count": selectors.inbox_count(request.user),
               "tab": "board"}
    return render(request, "opportunities/board.html", context)


@login_required
def opportunity_list(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    ordering = request.GET.get("ordering", "sign_date")
    qs = selectors.opportunity_list(user=request.user, filters=_filters(params), ordering=ordering)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    context = {**_filter_context(params), "page": page, "ordering": ordering, "tab": "list",
               "inbox_count": selectors.inbox_count(request.user)}
    template = "opportunities/partials/opportunity_table.html" if request.htmx else "opportunities/opportunity_list.html"
    return render(request, template, context)


@login_required
def opportunity_create(request: HttpRequest) -> HttpResponse:
    form = OpportunityForm(request.POST or None, user=request.user, initial={"customer": request.GET.get("customer")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customer = customer_selectors.customer_get(user=request.user, customer_id=data["customer"].pk)
            opportunity = services.opportunity_create(
                actor=request.user, customer=customer, name=data["name"],
                amount=Money(data["amount"], data["currency"]), offering_lines=data["offering_lines"],
                owner=data.get("owner") or request.user, expected_sign_date=data["expected_sign_date"],
                budget_status=data["budget_status"], priority_type=data["priority_type"],
                description=data["description"], direct_negotiation=data["direct_negotiation"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        except Http404:
            form.add_error("customer", _("You cannot see this customer."))
        else:
            messages.success(request, _("Opportunity “%(name)s” created in O1.") % {"name": opportunity.name})
            return redirect("opportunities:detail", opportunity.pk)
    return render(request, "opportunities/opportunity_form.html", {"form": form, "creating": True, "tab": "list"})


@login_required
def opportunity_edit(request: HttpRequest, opportunity_id: uuid.UUID) -> HttpResponse:
    opp = selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    initial = {"customer": opp.customer, "name": opp.name, "amount": opp.amount, "currency": opp.currency,
               "offering_lines": list(opp.offering_lines.all()), "owner": opp.owner,
               "expected_sign_date": opp.expected_sign_date, "budget_status": opp.budget_status,
               "priority_type": opp.priority_type, "description": opp.description,
               "direct_negotiation": opp.direct_negotiation}
    form = OpportunityForm(request.POST or None, user=request.user, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.opportunity_update(
                opportunity=opp, actor=request.user, expected_version=int(request.POST.get("version") or opp.version),
                name=data["name"], amount=Money(data["amount"], data["currency"]),
                offering_lines=list(data["offering_lines"]), expected_sign_date=data["expected_sign_date"],
                budget_status=data["budget_status"], priority_type=data["priority_type"],
                description=data["description"], direct_negotiation=data["direct_negotiation"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Opportunity saved."))
            return redirect("opportunities:detail", opp.pk)
    return render(request, "opportunities/opportunity_form.html", {"form": form, "opportunity": opp, "creating": False,
                                                                   "tab": "list"})


# --- one deal -----------------------------------------------------------------------------------------


@login_required
def opportunity_detail(request: HttpRequest, opportunity_id: uuid.UUID) -> HttpResponse:
    opp = selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    team = list(opp.team.select_related("user").order_by("valid_to", "role", "valid_from"))
    holders = rules.triangle(opp)
    reviews = list(selectors.reviews_of(opp))
    latest = {gate: rules.latest_decided(opp, gate) for gate in ("ATI", "ATB", "ATC")}
    open_reviews = {r.gate_type: r for r in reviews if r.status in (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED,
                                                                      ReviewStatus.IN_REVIEW)}
    current_stage = opp.previous_stage if opp.stage == Stage.ON_HOLD else opp.stage
    next_gate = GATE_OF_STAGE.get(current_stage)
    can_work = rules.can_work_on(opp, request.user)
    timeline = [(e, core_events.label_for(e.event_type)) for e in reversed(core_events.timeline(opp))]
    quotes = list(opp.quotes.select_related("approved_by").order_by("-number"))
    bids = list(opp.bids.all())
    context = {
        "opportunity": opp, "team": team, "holders": holders, "reviews": reviews, "latest": latest,
        "open_reviews": open_reviews, "next_gate": next_gate, "can_work": can_work,
        "conditions": list(selectors.conditions_of(opp)),
        "open_conditions": opp.conditions.filter(status="OPEN").count(), "stakeholders": opp.stakeholders.select_related("contact"),
        "competitors": opp.competitors.all(), "risks": opp.risks.select_related("owner"),
        "activities": opp.activities.select_related("user")[:50], "timeline": timeline, "quotes": quotes, "bids": bids,
        "final_quote": rules.final_quote(opp), "bid": rules.current_bid(opp),
        "team_problems": rules.team_problems(opp, at_gate=next_gate or "ATI") if opp.is_open else [],
        "stage_path": [(s, Stage(s).label) for s in OPEN_STAGES], "stage_index": _index(current_stage),
        "next_stage": NEXT_STAGE.get(opp.stage),
        "next_stage_label": Stage(NEXT_STAGE[opp.stage]).label if opp.stage in NEXT_STAGE else "", "allowed": OPPORTUNITY_MACHINE.targets(opp.stage),
        "forms": {"lose": LoseForm(), "abandon": AbandonForm(), "hold": HoldForm(), "team": TeamForm(),
                  "stakeholder": StakeholderForm(customer=opp.customer), "competitor": CompetitorForm(),
                  "risk": RiskForm(), "activity": ActivityForm(), "bid": BidForm()},
        "price_lists": PriceList.objects.filter(active=True), "forecast_categories": ForecastCategory.choices,
        "requirements": opp.requirements.all(), "tab": "list", "weighted": opp.amount_reporting * opp.probability / 100,
        "reporting_currency": fx.reporting_currency(),
    }
    return render(request, "opportunities/opportunity_detail.html", context)


def _index(stage: str) -> int:
    try:
        return list(OPEN_STAGES).index(stage)
    except ValueError:
        return 4 if stage == Stage.WON else -1


COMMANDS = ("advance", "win", "lose", "abandon", "hold", "resume", "send_back", "forecast", "requirement")


@login_required
@require_POST
def opportunity_command(request: HttpRequest, opportunity_id: uuid.UUID, command: str) -> HttpResponse:
    opp = selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    back = reverse("opportunities:detail", args=[opp.pk])
    reason = request.POST.get("reason", "").strip()[:2000]
    if command == "advance":
        _run(request, lambda: services.opportunity_advance(opportunity=opp, actor=request.user, reason=reason),
             _("Moved to the next stage."))
    elif command == "win":
        _run(request, lambda: services.opportunity_win(opportunity=opp, actor=request.user, reason=reason),
             _("Won. The contract can now be created from the approved version."))
    elif command == "send_back":
        _run(request, lambda: services.opportunity_send_back_to_bid(opportunity=opp, actor=request.user, reason=reason),
             _("Sent back to O3: a new ATB decision is needed."))
    elif command == "resume":
        _run(request, lambda: services.opportunity_resume(opportunity=opp, actor=request.user, reason=reason),
             _("Resumed."))
    elif command == "lose":
        form = LoseForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Complete the loss form: %(errors)s") % {"errors": form.errors.as_text()})
        else:
            d = form.cleaned_data
            gap = Money(d["price_gap"], opp.currency) if d.get("price_gap") is not None else None
            _run(request, lambda: services.opportunity_lose(
                opportunity=opp, actor=request.user, loss_reason=d["loss_reason"], detail=d["detail"],
                competitor=d["competitor"], price_gap=gap, raise_requirement=d["raise_requirement"],
                requirement_description=d["detail"]), _("Marked as lost."))
    elif command == "abandon":
        form = AbandonForm(request.POST)
        if form.is_valid():
            _run(request, lambda: services.opportunity_abandon(opportunity=opp, actor=request.user,
                                                              abandon_reason=form.cleaned_data["abandon_reason"],
                                                              reason=form.cleaned_data["reason"]), _("Abandoned."))
        else:
            messages.error(request, form.errors.as_text())
    elif command == "hold":
        form = HoldForm(request.POST)
        if form.is_valid():
            _run(request, lambda: services.opportunity_hold(opportunity=opp, actor=request.user,
                                                           hold_until=form.cleaned_data["hold_until"],
                                                           reason=form.cleaned_data["reason"]), _("Put on hold."))
        else:
            messages.error(request, form.errors.as_text())
    elif command == "forecast":
        value = request.POST.get("category") or None
        _run(request, lambda: services.opportunity_set_forecast_category(opportunity=opp, actor=request.user,
                                                                         category=value), _("Forecast category saved."))
    elif command == "requirement":
        _run(request, lambda: services.opportunity_raise_requirement(
            opportunity=opp, actor=request.user, title=request.POST.get("title", "")[:200],
            description=request.POST.get("description", "")[:5000]), _("Requirement raised."))
    else:
        raise Http404
    return _back(request, back)


@login_required
@require_POST
def board_move(request: HttpRequest, opportunity_id: uuid.UUID) -> JsonResponse:
    """The board's drop, for the browser: run the real command; on refusal say why (nothing changed)."""
    try:
        opp = selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    except Http404:
        return JsonResponse({"ok": False, "detail": _("Not found")}, status=404)
    target = request.POST.get("to", "")
    data: dict[str, Any] = {"hold_until": _date(request.POST.get("hold_until", "")),
                            "loss_reason": request.POST.get("loss_reason", ""),
                            "abandon_reason": request.POST.get("abandon_reason", ""),
                            "competitor": request.POST.get("competitor", "")[:120]}
    try:
        result = services.opportunity_move(opportunity=opp, actor=request.user, target=target,
                                           reason=request.POST.get("reason", "")[:2000], **data)
    except DomainError as exc:
        reasons = [e.get("reason", "") for e in exc.errors] if exc.errors else []
        return JsonResponse({"ok": False, "code": exc.code, "detail": exc.detail, "reasons": reasons},
                            status=exc.status)
    return JsonResponse({"ok": True, "stage": result.stage, "label": str(result.get_stage_display()),
                         "probability": str(result.probability),
                         "message": _("“%(name)s” moved to %(stage)s.") % {"name": result.name,
                                                                          "stage": result.get_stage_display()}})


# --- team and records ---------------------------------------------------------------------------------


@login_required
@require_POST
def team_add(request: HttpRequest, opportunity_id: uuid.UUID) -> HttpResponse:
    opp = selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    form = TeamForm(request.POST)
    if form.is_valid():
        _run(request, lambda: services.team_assign(opportunity=opp, actor=request.user, role=form.cleaned_data["role"],
                                                   user=form.cleaned_data["user"], note=form.cleaned_data["note"]),
             _("Team updated."))
    else:
        messages.error(request, form.errors.as_text())
    return redirect("opportunities:detail", opp.pk)


def _child(model: Any, request: HttpRequest, pk: uuid.UUID) -> Any:
    return get_object_or_404(model.objects.filter(opportunity__in=selectors.visible_ids(request.user)), pk=pk)


@login_required
@require_POST
def team_end(request: HttpRequest, assignment_id: uuid.UUID) -> HttpResponse:
    row = _child(TeamAssignment, request, assignment_id)
    _run(request, lambda: services.team_end(assignment=row, actor=request.user), _("Assignment ended."))
    return redirect("opportunities:detail", row.opportunity_id)


@login_required
@require_POST
def record_add(request: HttpRequest, opportunity_id: uuid.UUID, kind: str) -> HttpResponse:
    opp = selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    if kind == "stakeholder":
        form: Any = StakeholderForm(request.POST, customer=opp.customer)
        if form.is_valid():
            d = form.cleaned_data
            _run(request, lambda: services.stakeholder_add(opportunity=opp, actor=request.user, contact=d["contact"],
                                                           decision_role=d["decision_role"] or None,
                                                           attitude=d["attitude"], influence=d["influence"],
                                                           notes=d["notes"]), _("Stakeholder added."))
    elif kind == "competitor":
        form = CompetitorForm(request.POST)
        if form.is_valid():
            _run(request, lambda: services.competitor_add(opportunity=opp, actor=request.user, **form.cleaned_data),
                 _("Competitor added."))
    elif kind == "risk":
        form = RiskForm(request.POST)
        if form.is_valid():
            _run(request, lambda: services.risk_add(opportunity=opp, actor=request.user, **form.cleaned_data),
                 _("Risk registered."))
    elif kind == "activity":
        form = ActivityForm(request.POST)
        if form.is_valid():
            _run(request, lambda: services.activity_log(opportunity=opp, actor=request.user, **form.cleaned_data),
                 _("Activity logged."))
    elif kind == "bid":
        form = BidForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            deadline = timezone.make_aware(dt.datetime.combine(d["deadline_date"], d["deadline_time"]))
            _run(request, lambda: services.bid_record(opportunity=opp, actor=request.user,
                                                      rfp_received_on=d["rfp_received_on"], deadline=deadline,
                                                      reference=d["reference"]), _("Tender recorded."))
    else:
        raise Http404
    if form.errors:
        messages.error(request, form.errors.as_text())
    return redirect(reverse("opportunities:detail", args=[opp.pk]) + f"#{kind}s")


@login_required
@require_POST
def record_remove(request: HttpRequest, kind: str, record_id: uuid.UUID) -> HttpResponse:
    if kind == "stakeholder":
        row = _child(Stakeholder, request, record_id)
        _run(request, lambda: services.stakeholder_remove(stakeholder=row, actor=request.user), _("Removed."))
    elif kind == "competitor":
        row = _child(Competitor, request, record_id)
        _run(request, lambda: services.competitor_remove(competitor=row, actor=request.user), _("Removed."))
    elif kind == "risk":
        row = _child(Risk, request, record_id)
        status = request.POST.get("status", "closed")
        _run(request, lambda: services.risk_update(risk=row, actor=request.user, status=status), _("Risk updated."))
    else:
        raise Http404
    return redirect(reverse("opportunities:detail", args=[row.opportunity_id]) + f"#{kind}s")


# --- gate reviews -------------------------------------------------------------------------------------


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
            opp.quotes.exclude(status__in=[QuoteStatus.WITHDRAWN]).order_by("-number") if opp else []),
        "deviations": [("none", _("None")), ("moderate", _("Moderate")), ("severe", _("Severe"))],
        "is_member": is_member, "tab": "inbox", "today": timezone.localdate(),
        "matrix": review.authority_matrix, "reasons": reasons_display(review.level_reasons),
    }
    return render(request, "opportunities/review_detail.html", context)


def reasons_display(reasons: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The rules that fired, worded in the reader's language from their structured parts."""
    from .models import Dimension
    from .states import DecisionLevel

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
        quote_id = request.POST.get("quote", "")
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
    for i in range(int(post.get("condition_count", "0") or 0) if post.get("condition_count", "0").isdigit() else 0):
        text = post.get(f"condition_{i}_text", "").strip()
        if not text:
            continue
        owner = None
        if post.get(f"condition_{i}_owner"):
            owner = User.objects.filter(username=post.get(f"condition_{i}_owner")).first()
        conditions.append({"text": text, "owner": owner, "due_date": _date(post.get(f"condition_{i}_due", "")),
                           "blocks": post.get(f"condition_{i}_blocks") or ConditionBlocks.NEXT_GATE})
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


# --- quotes and bids ----------------------------------------------------------------------------------


@login_required
@require_POST
def quote_create(request: HttpRequest, opportunity_id: uuid.UUID) -> HttpResponse:
    opp = selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    source = opp.quotes.filter(pk=request.POST["copy_from"]).first() if _is_uuid(request.POST.get("copy_from", "")) else None
    price_list = PriceList.objects.filter(pk=request.POST.get("price_list")).first() if _is_uuid(
        request.POST.get("price_list", "")) else None
    quote = _run(request, lambda: services.quote_create(opportunity=opp, actor=request.user, copy_from=source,
                                                        price_list=price_list), _("Quote version created."))
    if quote is None:
        return redirect("opportunities:detail", opp.pk)
    return redirect("opportunities:quote", quote.pk)


@login_required
def quote_detail(request: HttpRequest, quote_id: uuid.UUID) -> HttpResponse:
    quote = selectors.quote_get(user=request.user, quote_id=quote_id)
    opp = quote.opportunity
    if request.method == "POST":
        action = request.POST.get("action", "")
        note = request.POST.get("note", "").strip()[:2000]
        if action == "line":
            form = QuoteLineForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                _run(request, lambda: services.quote_line_add(
                    quote=quote, actor=request.user, product=d["product"], description=d["description"], site=d["site"],
                    quantity=d["quantity"], unit_list_price=d["unit_list_price"], discount_pct=d["discount_pct"] or 0,
                    unit_cost=d["unit_cost"]), _("Line added."))
            else:
                messages.error(request, form.errors.as_text())
        elif action == "header":
            header = QuoteHeaderForm(request.POST, quote=quote)
            if header.is_valid():
                _run(request, lambda: services.quote_update(quote=quote, actor=request.user, **header.cleaned_data),
                     _("Quote saved."))
            else:
                messages.error(request, header.errors.as_text())
        elif action == "request_approval":
            result = _run(request, lambda: services.quote_request_approval(quote=quote, actor=request.user), "")
            if result is not None:
                messages.success(request, _("Approved: the discount is within your authority.")
                                 if result.status == QuoteStatus.APPROVED else
                                 _("Sent for discount approval at level %(level)s.") % {
                                     "level": result.get_required_level_display()})
        elif action == "approve":
            _run(request, lambda: services.quote_approve(quote=quote, actor=request.user, note=note),
                 _("Discount approved."))
        elif action == "reject":
            _run(request, lambda: services.quote_reject(quote=quote, actor=request.user, reason=note),
                 _("Discount refused; the quote is back in draft."))
        elif action == "submit":
            _run(request, lambda: services.quote_submit(quote=quote, actor=request.user),
                 _("Submitted to the customer."))
        elif action == "submit_bid":
            bid = rules.current_bid(opp)
            if bid is None:
                messages.error(request, _("Record the tender first."))
            else:
                _run(request, lambda: services.bid_submit(bid=bid, actor=request.user, quote=quote),
                     _("Bid submitted with this version."))
        elif action == "withdraw":
            _run(request, lambda: services.quote_withdraw(quote=quote, actor=request.user, reason=note),
                 _("Quote withdrawn."))
        elif action == "remove_line":
            line = quote.lines.filter(pk=request.POST.get("line")).first() if _is_uuid(request.POST.get("line", "")) else None
            if line is not None:
                _run(request, lambda: services.quote_line_remove(line=line, actor=request.user), _("Line removed."))
        else:
            raise Http404
        return redirect("opportunities:quote", quote.pk)
    can_work = rules.can_work_on(opp, request.user)
    level = rules.highest_level_for(request.user, opp)
    from .states import level_rank

    can_approve = (quote.status == QuoteStatus.PENDING_APPROVAL and level is not None
                   and level_rank(level) >= level_rank(quote.required_level) and request.user.pk != quote.created_by_id)
    lines = list(quote.lines.select_related("product").order_by("position"))
    taxes, total_tax = vat.quote_taxes(quote, lines)
    company = CompanyProfile.current()
    context = {
        "quote": quote, "opportunity": opp, "lines": lines, "taxes": taxes, "total_tax": total_tax,
        "seal_parties": [_("For and on behalf of %(company)s") % {"company": company.name_en if (
            get_language() or "").startswith("en") and company.name_en else company.name}, _("Customer acceptance")],
        "can_work": can_work, "can_approve": can_approve, "header_form": QuoteHeaderForm(quote=quote), "line_form": QuoteLineForm(
            products=Product.objects.filter(active=True, offering_line__in=opp.offering_lines.all())),
        "bid": rules.current_bid(opp), "floor": opp.floor_money, "tab": "list",
        "below_floor": opp.floor_money is not None and not rules.compare_to_floor(opp, quote.net_money)[0],
        "reasons": reasons_display(quote.approval_reasons),
    }
    return render(request, "opportunities/quote_detail.html", context)


@login_required
def quote_pdf(request: HttpRequest, quote_id: uuid.UUID) -> HttpResponse:
    quote = selectors.quote_get(user=request.user, quote_id=quote_id)
    lang = "en" if request.GET.get("lang") == "en" else "zh-hans"
    response = HttpResponse(pdf.render(quote, lang), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.filename(quote, lang)}"'
    return response


@login_required
@require_POST
def line_remove(request: HttpRequest, line_id: uuid.UUID) -> HttpResponse:
    line = get_object_or_404(QuoteLine.objects.filter(quote__opportunity__in=selectors.visible_ids(request.user)),
                             pk=line_id)
    _run(request, lambda: services.quote_line_remove(line=line, actor=request.user), _("Line removed."))
    return redirect("opportunities:quote", line.quote_id)


# --- inbox, reports, configuration --------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    data = selectors.inbox(user=request.user)
    my_reviews = GateReview.objects.filter(
        requested_by=request.user, status__in=[ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW]
    ).select_related("opportunity", "decision_body")
    return render(request, "opportunities/inbox.html", {**data, "my_reviews": my_reviews, "tab": "inbox",
                                                        "inbox_count": selectors.inbox_count(request.user),
                                                        "today": timezone.localdate()})


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    if request.user.has_role(Role.PARTNER) and not request.user.sees_everything:
        raise Forbidden(_("Partner users have no access to pipeline reports."))
    params = _params(request)
    filters = _filters(params)
    region_stage = selectors.pipeline_report(user=request.user, group_by=["region", "stage"], filters=filters)
    by_line = selectors.pipeline_report(user=request.user, group_by=["offering_line"], filters=filters)
    by_period = selectors.pipeline_report(user=request.user, group_by=["quarter"], filters=filters)
    forecast = selectors.forecast_report(user=request.user, grain=request.GET.get("grain", "quarter"), filters=filters)
    win_loss = selectors.win_loss_report(user=request.user, filters=filters)
    stages = [(s, str(Stage(s).label)) for s in OPEN_STAGES]
    regions = sorted({r["region_label"] for r in region_stage["rows"]})
    matrix = {(r["region_label"], r["stage"]): r for r in region_stage["rows"]}
    chart = {
        "stages": [label for _, label in stages], "regions": regions,
        "weighted": [[float(matrix.get((region, s), {}).get("weighted", 0)) for region in regions] for s, _ in stages],
        "lines": [r["offering_line_label"] for r in by_line["rows"]],
        "line_amount": [float(r["amount"]) for r in by_line["rows"]],
        "line_weighted": [float(r["weighted"]) for r in by_line["rows"]],
        "periods": [r["period"] for r in forecast["rows"]],
        "forecast": {c: [float(r[c]["amount"]) for r in forecast["rows"]] for c in forecast["categories"]},
        "forecast_labels": forecast["category_labels"],
        "currency": region_stage["reporting_currency"],
    }
    table = [{"region": region, "cells": [matrix.get((region, s)) for s, _ in stages]} for region in regions]
    context = {**_filter_context(params), "region_stage": region_stage, "table": table, "stages": stages,
               "by_line": by_line, "by_period": by_period, "forecast": forecast, "win_loss": win_loss,
               "chart": chart, "tab": "reports", "inbox_count": selectors.inbox_count(request.user),
               "loss_reasons": dict(LossReason.choices)}
    return render(request, "opportunities/reports.html", context)


@login_required
def configuration(request: HttpRequest) -> HttpResponse:
    if request.user.has_role(Role.PARTNER) and not request.user.sees_everything:
        raise Forbidden(_("Partner users have no access to the configuration."))
    current = rules.matrix_in_force()
    context = {
        "matrix": current, "matrices": selectors.matrix_list()[:20], "bodies": selectors.body_list(),
        "checklists": sorted(selectors.checklist_list(), key=lambda c: ["ATI", "ATB", "ATC", "ATAC", "ATCC"].index(c.gate_type)
                             if c.gate_type in ("ATI", "ATB", "ATC", "ATAC", "ATCC") else 9), "products": selectors.product_list().prefetch_related(
            "prices__price_list"), "price_lists": selectors.price_list_list(),
        "settings_row": OpportunitySettings.current(), "tab": "config", "inbox_count": selectors.inbox_count(request.user),
    }
    return render(request, "opportunities/configuration.html", context)

