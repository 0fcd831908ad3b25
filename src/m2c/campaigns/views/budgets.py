"""Budget pages: the budgets of a fiscal year with their burn chart, one budget with its ledger and
allocation to its children; on a campaign, its expenses and the re-approval of its commitment.

Marketing, executives and administrators read budgets; marketing and administrators change them
(the services check budget authority over the unit). Every write goes through ``services``; a
refusal is shown beside its field and changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.core.errors import DomainError

from .. import selectors, services
from ..forms import AllocateForm, BudgetForm, ExpenseForm, ReapproveForm
from ..models import CampaignLevel, MarketingBudget
from .campaigns import _planner, _reader


def _float(value: Decimal) -> float:
    return float(value)  # chart data only: the page's tables show the exact Decimal amounts


def budget_chart(budgets: list[MarketingBudget]) -> dict[str, Any]:
    """Stacked bars per budget: spent, committed but not spent, passed down to children, available."""
    return {"kind": "bar", "stacked": True, "labels": [b.name for b in budgets], "series": [
        {"name": _("Spent"), "data": [_float(b.spent) for b in budgets]},
        {"name": _("Committed, not spent"), "data": [_float(max(b.committed - b.spent, Decimal(0))) for b in budgets]},
        {"name": _("Allocated to children"), "data": [_float(b.allocated) for b in budgets]},
        {"name": _("Available"), "data": [_float(b.available) for b in budgets]},
    ]}


@login_required
def budget_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    year_text = request.GET.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else timezone.localdate().year
    level = request.GET.get("level", "").strip()
    level = level if level in CampaignLevel.values else ""
    budgets = list(selectors.budget_list(fiscal_year=year, level=level))
    totals: dict[str, dict[str, Decimal]] = {}
    for b in budgets:
        if b.parent_id is None:  # top-level budgets hold the year's money once; children are parts of them
            row = totals.setdefault(b.currency, {"amount": Decimal(0), "spent": Decimal(0), "committed": Decimal(0)})
            row["amount"] += b.amount
        row = totals.setdefault(b.currency, {"amount": Decimal(0), "spent": Decimal(0), "committed": Decimal(0)})
        row["spent"] += b.spent
        row["committed"] += b.committed
    context = {
        "budgets": budgets, "year": year, "level": level, "levels": CampaignLevel.choices, "totals": totals,
        "years": [year - 1, year, year + 1], "can_plan": selectors.campaign_can_plan(request.user),
        "charts": {"chart-budgets": budget_chart(budgets)} if budgets else {},
    }
    return render(request, "campaigns/budget_list.html", context)


@login_required
def budget_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    form = BudgetForm(request.POST or None, initial={"fiscal_year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.budget_create(actor=request.user, **form.service_data())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Budget “%(name)s” created.") % {"name": budget.name})
            return redirect("campaigns:budget", budget.pk)
    return render(request, "campaigns/budget_form.html", {"form": form}, status=422 if form.errors else 200)


def _budget_page(request: HttpRequest, budget: MarketingBudget, allocate: AllocateForm | None = None,
                 status: int = 200) -> HttpResponse:
    children = list(budget.children.select_related("org_unit").order_by("name"))
    can_plan = selectors.campaign_can_plan(request.user)
    context = {
        "budget": budget, "children": children, "entries": selectors.budget_entries(budget)[:200],
        "campaigns": budget.campaigns.order_by("-start_date"), "can_plan": can_plan,
        "allocate": allocate or (AllocateForm(budget=budget) if can_plan and children else None),
        "charts": {"chart-budget-children": budget_chart([budget, *children])},
    }
    return render(request, "campaigns/budget_detail.html", context, status=status)


@login_required
def budget_detail(request: HttpRequest, budget_id: Any) -> HttpResponse:
    _reader(request)
    return _budget_page(request, selectors.budget_get(budget_id=budget_id))


@login_required
@require_POST
def budget_allocate(request: HttpRequest, budget_id: Any) -> HttpResponse:
    _planner(request)
    budget = selectors.budget_get(budget_id=budget_id)
    form = AllocateForm(request.POST, budget=budget)
    if form.is_valid():
        try:
            services.budget_allocate(parent=budget, child=form.cleaned_data["child"], actor=request.user,
                                     amount=form.cleaned_data["amount"], note=form.cleaned_data["note"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Allocated."))
            return redirect("campaigns:budget", budget.pk)
    budget.refresh_from_db()
    return _budget_page(request, budget, allocate=form, status=422)


# --- on a campaign -----------------------------------------------------------------------------------


def campaign_budget_context(campaign: Any, user: Any, *, expense: ExpenseForm | None = None,
                            reapprove: ReapproveForm | None = None) -> dict[str, Any]:
    """The campaign page's budget panel: the line, its burn, the expenses and, for planners, the forms."""
    budget = campaign.budget
    expenses = list(campaign.expenses.order_by("-spent_on", "-created_at"))
    limit = tolerance = None
    if budget is not None:
        tolerance = budget.tolerance_percent
        limit = (campaign.committed_amount * (1 + tolerance / 100)).quantize(Decimal("0.01"))
    burn = (campaign.actual_spend / campaign.committed_amount * 100).quantize(Decimal("0.1")) \
        if campaign.committed_amount else None
    spending = budget is not None and campaign.status in services.budgets.SPENDING
    can_plan = selectors.campaign_can_plan(user)
    by_category: dict[str, Decimal] = {}
    for e in expenses:
        by_category[e.get_category_display()] = by_category.get(e.get_category_display(), Decimal(0)) + e.budget_amount
    return {
        "budget_line": {"budget": budget, "limit": limit, "tolerance": tolerance, "burn": burn,
                        "burn_width": min(int(burn or 0), 100), "expenses": expenses},
        "expense_form": (expense or ExpenseForm(initial={"currency": campaign.currency,
                                                         "spent_on": timezone.localdate()}))
        if can_plan and spending else None,
        "reapprove_form": (reapprove or ReapproveForm(currency=budget.currency)) if can_plan and spending else None,
        "charts": {"chart-expenses": {"kind": "bar", "labels": list(by_category), "series": [
            {"name": _("Spent"), "data": [_float(v) for v in by_category.values()]}]}} if by_category else {},
    }


def _campaign_page(request: HttpRequest, campaign: Any, *, evaluation_form: Any = None, evaluation_for: Any = None,
                   **forms: Any) -> HttpResponse:
    from .campaigns import full_context

    context = full_context(request, campaign, evaluation_form=evaluation_form, evaluation_for=evaluation_for, **forms)
    return render(request, "campaigns/campaign_detail.html", context, status=422)


@login_required
@require_POST
def expense_add(request: HttpRequest, campaign_id: Any) -> HttpResponse:
    _planner(request)
    campaign = selectors.campaign_get(campaign_id=campaign_id)
    form = ExpenseForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.campaign_expense_add(
                campaign=campaign, actor=request.user, category=d["category"], supplier=d["supplier"],
                amount=d["amount"], currency=d["currency"], spent_on=d["spent_on"], description=d["description"],
                fx_rate=d.get("fx_rate"), evidence=d.get("evidence"))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Expense recorded."))
            return redirect("campaigns:detail", campaign.pk)
    campaign.refresh_from_db()
    return _campaign_page(request, campaign, expense=form)


@login_required
@require_POST
def reapprove(request: HttpRequest, campaign_id: Any) -> HttpResponse:
    _planner(request)
    campaign = selectors.campaign_get(campaign_id=campaign_id)
    form = ReapproveForm(request.POST, currency=campaign.budget.currency if campaign.budget else "CNY")
    if form.is_valid():
        try:
            services.campaign_budget_reapprove(campaign=campaign, actor=request.user,
                                               amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("The additional commitment is approved."))
            return redirect("campaigns:detail", campaign.pk)
    campaign.refresh_from_db()
    return _campaign_page(request, campaign, reapprove=form)


@login_required
def expense_evidence(request: HttpRequest, campaign_id: Any, expense_id: Any) -> HttpResponse:
    _reader(request)
    campaign = selectors.campaign_get(campaign_id=campaign_id)
    expense = get_object_or_404(campaign.expenses.all(), pk=expense_id)
    if not expense.evidence:
        raise Http404
    return FileResponse(expense.evidence.open("rb"), as_attachment=True,
                        filename=expense.evidence_name or expense.evidence.name.rsplit("/", 1)[-1])
