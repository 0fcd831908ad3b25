"""Business plans (targets against live bookings, with a chart) and key-account plans (goals, the customer's
decision chain, planned campaigns and deals, actions)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import DomainError
from m2c.customers.models import DecisionRole

from .. import selectors, services
from ..plan_forms import BusinessPlanForm, KeyAccountPlanForm
from ..states import KEY_ACCOUNT_MACHINE, Attitude, Influence
from .market import can_plan
from .posted import active_user, parse_uuid, run_command, staff_choices


def _planner(request: HttpRequest) -> None:
    if not can_plan(request.user):
        raise Forbidden(_("Only marketing may change business plans."))


def plans_chart(progress: list[selectors.PlanProgress]) -> dict[str, Any]:
    return {"kind": "bar", "labels": [f"{p.plan.name} {p.plan.period}" for p in progress], "series": [
        {"name": _("Revenue target"), "data": [float(p.target) for p in progress]},
        {"name": _("Booked"), "data": [float(p.booked) for p in progress]},
        {"name": _("Pipeline in the period"), "data": [float(p.pipeline) for p in progress]},
        {"name": _("Margin target"), "data": [float(p.margin_target) for p in progress]},
        {"name": _("Margin booked"), "data": [float(p.margin_booked) for p in progress]}]}


@login_required
def business_plan_list(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", "").strip()[:6]
    plans = list(selectors.business_plan_list(user=request.user, period=period or None)[:50])
    progress, error = [], ""
    try:
        progress = [selectors.business_plan_progress(user=request.user, plan=p) for p in plans]
    except DomainError as exc:  # a missing FX rate
        error = exc.detail
    return render(request, "insight/business_plan_list.html", {
        "progress": progress, "period": period, "error": error, "can_plan": can_plan(request.user),
        "charts": {"plans-chart": plans_chart(progress)} if progress else {},
    })


def _business_initial(plan: Any) -> dict[str, Any]:
    return {"name": plan.name, "currency": plan.currency, "revenue_target": plan.revenue_target,
            "margin_target_pct": plan.margin_target_pct, "note": plan.note}


@login_required
def business_plan_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    form = BusinessPlanForm(request.POST or None, user=request.user, creating=True, initial={"period": str(timezone.localdate().year)})
    if request.method == "POST" and form.is_valid():
        try:
            services.business_plan_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Business plan saved."))
            return redirect("insight:business-plans")
    return render(request, "insight/plan_form.html", {"form": form, "creating": True, "kind": "business",
                                                      "wide": BusinessPlanForm.WIDE},
                  status=422 if form.errors else 200)


@login_required
def business_plan_edit(request: HttpRequest, business_plan_id: uuid.UUID) -> HttpResponse:
    _planner(request)
    plan = selectors.business_plan_get(user=request.user, plan_id=business_plan_id)
    form = BusinessPlanForm(request.POST or None, initial=_business_initial(plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.business_plan_update(plan=plan, actor=request.user,
                                          **{k: v for k, v in form.cleaned_data.items() if k in form.changed_data})
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Business plan saved."))
            return redirect("insight:business-plans")
    return render(request, "insight/plan_form.html", {"form": form, "creating": False, "kind": "business",
                                                      "plan": plan, "wide": BusinessPlanForm.WIDE},
                  status=422 if form.errors else 200)


@login_required
def key_account_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("search", "").strip()[:100]
    return render(request, "insight/key_account_list.html", {
        "plans": selectors.key_account_list(user=request.user, search=search or None)[:200], "search": search})


@login_required
def key_account_create(request: HttpRequest) -> HttpResponse:
    initial = {"year": timezone.localdate().year}
    if request.GET.get("customer"):
        initial["customer"] = request.GET["customer"][:40]
    form = KeyAccountPlanForm(request.POST or None, user=request.user, creating=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.key_account_plan_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Key-account plan saved."))
            return redirect("insight:key-account-detail", plan.pk)
    return render(request, "insight/plan_form.html", {"form": form, "creating": True, "kind": "account",
                                                      "wide": KeyAccountPlanForm.WIDE},
                  status=422 if form.errors else 200)


@login_required
def key_account_edit(request: HttpRequest, account_plan_id: uuid.UUID) -> HttpResponse:
    plan = selectors.key_account_get(user=request.user, plan_id=account_plan_id)
    form = KeyAccountPlanForm(request.POST or None, initial={"goals": plan.goals, "currency": plan.currency,
                                                             "revenue_goal": plan.revenue_goal})
    if request.method == "POST" and form.is_valid():
        try:
            services.key_account_plan_update(plan=plan, actor=request.user,
                                             **{k: v for k, v in form.cleaned_data.items() if k in form.changed_data})
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Key-account plan saved."))
            return redirect("insight:key-account-detail", plan.pk)
    return render(request, "insight/plan_form.html", {"form": form, "creating": False, "kind": "account",
                                                      "plan": plan, "wide": KeyAccountPlanForm.WIDE},
                  status=422 if form.errors else 200)


def _command(request: HttpRequest, plan: Any) -> None:
    post = request.POST
    action = post.get("action", "")
    if action == "activate":
        services.key_account_plan_activate(plan=plan, actor=request.user)
    elif action == "close":
        services.key_account_plan_close(plan=plan, actor=request.user, note=post.get("note", "")[:500])
    elif action == "contact":
        reports_to = plan.contacts.filter(pk=parse_uuid(post.get("reports_to", ""))).first() if post.get(
            "reports_to") else None
        services.key_account_contact_add(
            plan=plan, actor=request.user, name=post.get("name", "")[:120], title=post.get("title", "")[:120],
            role=post.get("role", ""), influence=post.get("influence", ""), attitude=post.get("attitude", ""),
            our_owner=active_user(post.get("our_owner", "")), reports_to=reports_to)
    elif action == "link":
        linkable = selectors.key_account_linkable(user=request.user, plan=plan)
        ref = parse_uuid(post.get("target", "")[-36:])
        deal = next((d for d in linkable["deals"] if d.pk == ref), None)
        campaign = next((c for c in linkable["campaigns"] if c.pk == ref), None)
        services.key_account_link_add(plan=plan, actor=request.user, opportunity=deal, campaign=campaign)
    elif action == "action":
        try:
            due = dt.date.fromisoformat(post.get("due_on", ""))
        except ValueError:
            due = None
        services.key_account_action_add(plan=plan, actor=request.user, description=post.get("description", "")[:500],
                                        owner=active_user(post.get("owner", "")), due_on=due)
    elif action == "done":
        item = plan.actions.filter(pk=parse_uuid(post.get("item", ""))).first()
        if item is not None:
            services.key_account_action_done(action=item, actor=request.user, done_on=timezone.localdate())


@login_required
def key_account_detail(request: HttpRequest, account_plan_id: uuid.UUID) -> HttpResponse:
    plan = selectors.key_account_get(user=request.user, plan_id=account_plan_id)
    if request.method == "POST":
        return run_command(request, _command, plan, _("Key-account plan updated."), "insight:key-account-detail")
    detail = selectors.key_account_detail(user=request.user, plan=plan)
    people = staff_choices()
    return render(request, "insight/key_account_detail.html", {
        "plan": plan, **detail, "targets": KEY_ACCOUNT_MACHINE.targets(plan.status),
        "linkable": selectors.key_account_linkable(user=request.user, plan=plan) if plan.status != "CLOSED" else None,
        "people": people, "roles": DecisionRole.choices, "influences": Influence.choices,
        "attitudes": Attitude.choices, "today": timezone.localdate(),
        "timeline": core_events.timeline_labelled(plan)[:15],
    })
