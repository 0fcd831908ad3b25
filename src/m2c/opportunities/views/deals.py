"""The board, the list and its export, one deal, its commands and the records around it."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from m2c.contracts import selectors as contract_selectors
from m2c.core import events as core_events
from m2c.core import fx
from m2c.core.errors import DomainError
from m2c.core.exports import Column, export_format, export_response
from m2c.core.money import Money
from m2c.customers import selectors as customer_selectors

from .. import rules, selectors, services
from ..forms import (
    AbandonForm,
    ActivityForm,
    BidForm,
    CompetitorForm,
    HoldForm,
    LoseForm,
    OpportunityForm,
    RiskForm,
    StakeholderForm,
    TeamForm,
)
from ..models import (
    Competitor,
    Risk,
    Stakeholder,
    TeamAssignment,
)
from ..states import (
    GATE_OF_STAGE,
    NEXT_STAGE,
    OPEN_STAGES,
    OPPORTUNITY_MACHINE,
    AbandonReason,
    ForecastCategory,
    LossReason,
    ReviewStatus,
    Stage,
)
from ._common import _back, _date, _filter_context, _filters, _params, _run


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


EXPORT_COLUMNS = (
    Column(_lazy("Opportunity"), lambda o: o.name),
    Column(_lazy("Customer"), lambda o: o.customer.legal_name),
    Column(_lazy("Stage"), lambda o: o.get_stage_display()),
    Column(_lazy("Amount"), lambda o: o.amount),
    Column(_lazy("Currency"), lambda o: o.currency),
    Column(_lazy("Expected sign date"), lambda o: o.expected_sign_date),
    Column(_lazy("Grade"), lambda o: o.get_grade_display()),
    Column(_lazy("Win probability %"), lambda o: o.probability),
    Column(_lazy("Forecast"), lambda o: o.get_forecast_category_display()),
    Column(_lazy("Region"), lambda o: o.region.label if o.region_id else ""),
    Column(_lazy("Offering line"), lambda o: o.offering_line.label if o.offering_line_id else ""),
    Column(_lazy("AR"), lambda o: str(o.owner) if o.owner_id else ""),
)


@login_required
def opportunity_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered on screen, as CSV or XLSX, with only the deals the reader may see."""
    params = _params(request)
    qs = selectors.opportunity_list(user=request.user, filters=_filters(params),
                                    ordering=request.GET.get("ordering", "sign_date"))
    return export_response(rows=qs, columns=EXPORT_COLUMNS, filename="opportunities", format=export_format(request))


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
    timeline = core_events.timeline_labelled(opp)
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
        "price_lists": selectors.price_list_list().filter(active=True), "forecast_categories": ForecastCategory.choices,
        "requirements": opp.requirements.all(), "tab": "list", "weighted": opp.amount_reporting * opp.probability / 100,
        "reporting_currency": fx.reporting_currency(),
        "contract": contract_selectors.contract_link_for_opportunity(opportunity_id=opp.pk, user=request.user),
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
             _("Won. The contract was registered from the approved quote version."))
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


@login_required
@require_POST
def team_add(request: HttpRequest, opportunity_id: uuid.UUID) -> HttpResponse:
    opp = selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    form = TeamForm(request.POST)
    if form.is_valid():
        row = _run(request, lambda: services.team_assign(opportunity=opp, actor=request.user, role=form.cleaned_data["role"],
                                                         user=form.cleaned_data["user"], note=form.cleaned_data["note"]),
                   _("Team updated."))
        if getattr(row, "certification_warning", None):
            messages.warning(request, row.certification_warning)
    else:
        messages.error(request, form.errors.as_text())
    return redirect("opportunities:detail", opp.pk)


def _child(model: Any, request: HttpRequest, pk: uuid.UUID) -> Any:
    return selectors.record_get(model, user=request.user, record_id=pk)


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
        command = services.risk_mitigate if request.POST.get("status") == "mitigated" else services.risk_close
        _run(request, lambda: command(risk=row, actor=request.user), _("Risk updated."))
    else:
        raise Http404
    return redirect(reverse("opportunities:detail", args=[row.opportunity_id]) + f"#{kind}s")
