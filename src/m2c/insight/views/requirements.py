"""Requirement pages: the list analysts work from and one requirement with its disposition."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from m2c.core import events as core_events
from m2c.core.errors import DomainError
from m2c.core.exports import Column, export_format, export_response
from m2c.core.models import OfferingLine

from .. import selectors, services
from ..states import DISPOSITIONS, REQUIREMENT_MACHINE, RequirementSource, RequirementStatus

FILTERS = ("status", "offering_line", "source_type", "search")
EXPORT_COLUMNS = (
    Column(pgettext_lazy("document", "Number"), lambda r: r.number),
    Column(pgettext_lazy("record", "Title"), lambda r: r.title),
    Column(_lazy("Source"), lambda r: r.get_source_type_display()),
    Column(_lazy("Customer"), lambda r: r.customer.legal_name if r.customer_id else ""),
    Column(_lazy("Offering line"), lambda r: r.offering_line.label if r.offering_line_id else ""),
    Column(_lazy("Business value"), lambda r: r.business_value),
    Column(_lazy("Currency"), lambda r: r.currency),
    Column(_lazy("Urgency"), lambda r: r.get_urgency_display()),
    Column(_lazy("Status"), lambda r: r.get_status_display()),
    Column(_lazy("Target release"), lambda r: r.target_release),
    Column(_lazy("Created"), lambda r: r.created_at),
)


def _params(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:100] for k in FILTERS}


@login_required
def requirement_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered on screen, as CSV or XLSX, with only the requirements the reader may see."""
    qs = selectors.requirement_list(user=request.user, **{k: v or None for k, v in _params(request).items()})
    return export_response(rows=qs, columns=EXPORT_COLUMNS, filename="requirements", format=export_format(request))


@login_required
def requirement_list(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    qs = selectors.requirement_list(user=request.user, **{k: v or None for k, v in params.items()})
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    counts = selectors.requirement_counts_by_status(user=request.user)
    return render(request, "insight/requirement_list.html", {
        "status_counts": [(v, label, counts.get(v, 0)) for v, label in RequirementStatus.choices],
        "page": page, "params": params, "query": urlencode({k: v for k, v in params.items() if v}), "statuses": RequirementStatus.choices, "sources": RequirementSource.choices,
        "offering_lines": OfferingLine.objects.filter(active=True),
    })


@login_required
def requirement_detail(request: HttpRequest, requirement_id: uuid.UUID) -> HttpResponse:
    requirement = selectors.requirement_get(user=request.user, requirement_id=requirement_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        note = request.POST.get("note", "").strip()[:5000]
        try:
            if action == "analyse":
                services.requirement_start_analysis(requirement=requirement, actor=request.user)
            elif action == "dispose":
                duplicate = None
                number = request.POST.get("duplicate_of", "").strip()
                if number:
                    duplicate = selectors.requirement_queryset(request.user).filter(number=number).first()
                services.requirement_dispose(requirement=requirement, actor=request.user,
                                             disposition=request.POST.get("disposition", ""), note=note,
                                             target_release=request.POST.get("target_release", "")[:40],
                                             duplicate_of=duplicate)
            elif action == "link":
                deal = None
                try:
                    deal = selectors.opportunity_visible(user=request.user,
                                                         opportunity_id=uuid.UUID(request.POST.get("opportunity", "")))
                except ValueError:
                    pass
                services.requirement_link_opportunity(requirement=requirement, actor=request.user, opportunity=deal)
            elif action == "implement":
                services.requirement_implement(requirement=requirement, actor=request.user, note=note)
            elif action == "verify":
                services.requirement_verify(requirement=requirement, actor=request.user, note=note)
            elif action == "close":
                services.requirement_close(requirement=requirement, actor=request.user, note=note)
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("Requirement updated."))
        return redirect("insight:requirement-detail", requirement.pk)
    timeline = core_events.timeline_labelled(requirement)
    try:
        value = selectors.requirement_value(requirement)
    except DomainError:  # a missing FX rate
        value = None
    open_ = requirement.status in selectors.BACKLOG_STATUSES
    linkable = selectors.linkable_opportunities(user=request.user, requirement=requirement) if open_ else []
    return render(request, "insight/requirement_detail.html", {
        "requirement": requirement, "timeline": timeline, "targets": REQUIREMENT_MACHINE.targets(requirement.status),
        "dispositions": [(d, RequirementStatus(d).label) for d in DISPOSITIONS], "value": value,
        "linkable": linkable,
        "origin": selectors.requirement_origin(user=request.user, source_type=requirement.source_type,
                                               source_id=requirement.source_id),
    })
