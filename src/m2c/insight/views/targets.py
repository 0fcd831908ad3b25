"""Target-account list pages: the lists, one list with its members, its criteria form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import DomainError
from m2c.customers.models import Industry, Tier

from .. import selectors, services
from ..forms import TargetListForm
from ..models import TargetList
from .market import _planner, can_plan


@login_required
def target_list_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.target_list_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "insight/target_list_list.html", {"page": page, "can_plan": can_plan(request.user)})


@login_required
def target_list_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    segment = None
    segment_id = request.GET.get("segment") or request.POST.get("segment")
    if segment_id:
        segment = selectors.segment_get(user=request.user, segment_id=segment_id)
    initial = {}
    if segment is not None:
        initial = {"name": _("%(segment)s — target accounts") % {"segment": segment.name},
                   "industries": [segment.industry], "region": segment.region,
                   "tiers": [segment.customer_tier] if segment.customer_tier else [], "no_open_opportunity": True}
    form = TargetListForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_list_create(actor=request.user, segment=segment, **form.service_data())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Target-account list saved."))
            return redirect("insight:target-list-detail", target.pk)
    return render(request, "insight/target_list_form.html", {
        "form": form, "creating": True, "segment": segment, "wide": TargetListForm.WIDE,
    }, status=422 if form.errors else 200)


def _initial(t: TargetList) -> dict[str, Any]:
    return {"name": t.name, "industries": t.industries, "region": t.region, "tiers": t.tiers,
            "installed_base": t.installed_base, "no_open_opportunity": t.no_open_opportunity,
            "last_contact_days": t.last_contact_days}


@login_required
def target_list_edit(request: HttpRequest, target_list_id: Any) -> HttpResponse:
    _planner(request)
    target = selectors.target_list_get(user=request.user, target_list_id=target_list_id)
    form = TargetListForm(request.POST or None, initial=_initial(target))
    if request.method == "POST" and form.is_valid():
        try:
            services.target_list_update(actor=request.user, target_list=target, **form.service_data(changed_only=True))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Target-account list saved."))
            return redirect("insight:target-list-detail", target.pk)
    return render(request, "insight/target_list_form.html", {
        "form": form, "creating": False, "target": target, "segment": target.segment, "wide": TargetListForm.WIDE,
    }, status=422 if form.errors else 200)


@login_required
def target_list_detail(request: HttpRequest, target_list_id: Any) -> HttpResponse:
    target = selectors.target_list_get(user=request.user, target_list_id=target_list_id)
    if request.method == "POST":
        _planner(request)
        action = request.POST.get("action", "")
        try:
            if action == "refresh":
                services.target_list_refresh(actor=request.user, target_list=target)
                messages.success(request, _("List refreshed: %(n)s accounts.") % {"n": target.member_count})
            elif action == "leads":
                counts = services.target_list_to_leads(actor=request.user, target_list=target)
                messages.success(request, _("Leads: %(created)s created, %(merged)s merged, %(rejected)s rejected.")
                                 % counts)
        except DomainError as exc:
            messages.error(request, exc.detail)
        return redirect("insight:target-list-detail", target.pk)
    page = Paginator(selectors.target_list_members(target), 50).get_page(request.GET.get("page"))
    return render(request, "insight/target_list_detail.html", {
        "target": target, "page": page, "can_plan": can_plan(request.user),
        "industries": [str(dict(Industry.choices).get(i, i)) for i in target.industries],
        "tiers": [str(dict(Tier.choices).get(i, i)) for i in target.tiers],
        "timeline": core_events.timeline_labelled(target)[:10],
    })
