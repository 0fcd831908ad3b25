"""The requirement backlog (prioritised, exportable, with the solution-gap chart) and raising a requirement
from any record."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from m2c.core.errors import DomainError
from m2c.core.exports import Column, export_format, export_response
from m2c.core.fx import reporting_currency
from m2c.core.money import Money
from m2c.core.selectors import offering_line_list

from .. import selectors, services
from ..forms import RequirementRaiseForm
from ..states import RequirementSource, Urgency

BACKLOG_COLUMNS = (
    Column(_lazy("Rank"), lambda row: row.rank),
    Column(pgettext_lazy("document", "Number"), lambda row: row.requirement.number),
    Column(pgettext_lazy("record", "Title"), lambda row: row.requirement.title),
    Column(_lazy("Offering line"), lambda row: row.requirement.offering_line.label
           if row.requirement.offering_line_id else ""),
    Column(_lazy("Customer"), lambda row: row.requirement.customer.legal_name if row.requirement.customer_id else ""),
    Column(_lazy("Status"), lambda row: row.requirement.get_status_display()),
    Column(_lazy("Urgency"), lambda row: row.requirement.get_urgency_display()),
    Column(_lazy("Business value"), lambda row: row.value),
    Column(_lazy("Currency"), lambda row: row.currency),
    Column(_lazy("Urgency weight"), lambda row: row.weight),
    Column(_lazy("Priority score"), lambda row: row.score),
    Column(_lazy("Deals"), lambda row: len(row.deals)),
    Column(_lazy("Duplicates"), lambda row: ", ".join(d.number for d in row.duplicates)),
    Column(_lazy("Target release"), lambda row: row.requirement.target_release),
)


def _params(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:40] for k in ("offering_line", "status")}


def _rows(request: HttpRequest) -> list[selectors.BacklogRow]:
    return selectors.backlog(user=request.user, **{k: v or None for k, v in _params(request).items()})


def gaps_chart(gaps: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "bar", "labels": [g["offering_line"] for g in gaps],
            "series": [{"name": _("Deals lost for a solution gap"), "data": [g["lost"] for g in gaps]}]}


@login_required
def backlog(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    error = ""
    try:
        rows = _rows(request)
    except DomainError as exc:  # a missing FX rate: say so rather than guess
        rows, error = [], exc.detail
    gaps = selectors.solution_gaps(user=request.user)
    return render(request, "insight/backlog.html", {
        "rows": rows[:200], "total": len(rows), "params": params, "error": error,
        "query": urlencode({k: v for k, v in params.items() if v}), "currency": reporting_currency(),
        "weights": [(label, selectors.URGENCY_WEIGHT[value]) for value, label in Urgency.choices],
        "statuses": [(s, s.label) for s in selectors.BACKLOG_STATUSES], "offering_lines": offering_line_list(),
        "gaps": gaps, "charts": {"gaps-chart": gaps_chart(gaps)} if gaps else {},
    })


@login_required
def backlog_export(request: HttpRequest) -> HttpResponse:
    """The backlog as ranked on screen, for product planning, as CSV or XLSX."""
    return export_response(rows=_rows(request), columns=BACKLOG_COLUMNS, filename="requirement-backlog",
                           format=export_format(request))


@login_required
def requirement_raise(request: HttpRequest) -> HttpResponse:
    """Raise a requirement. Pages link here with ``?source_type=…&source_id=…`` (and ``opportunity=…``): a lead,
    an opportunity or a contract the reader may see pre-fills the customer and the deal, and the saved
    requirement links back to it."""
    source_type = request.GET.get("source_type", "")
    initial = {"source_type": source_type if source_type in RequirementSource.values else RequirementSource.INSIGHT}
    source_id = request.GET.get("source_id", "")[:40]
    origin = selectors.requirement_origin(user=request.user, source_type=initial["source_type"], source_id=source_id)
    deal = origin.opportunity if origin is not None else None
    try:
        deal_id = uuid.UUID(request.GET.get("opportunity", ""))
    except ValueError:
        deal_id = None
    if deal is None and deal_id is not None:
        deal = selectors.opportunity_visible(user=request.user, opportunity_id=deal_id)
    if deal is not None and deal.offering_line_id:
        initial["offering_line"] = deal.offering_line_id
    if deal is not None:
        initial["currency"] = deal.currency
    form = RequirementRaiseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            requirement = services.requirement_raise(
                actor=request.user, title=data["title"], description=data["description"],
                source_type=data["source_type"], source_id=request.POST.get("source_id", "")[:40] or None,
                customer=origin.customer if origin is not None else None,
                offering_line=data["offering_line"], urgency=data["urgency"],
                estimate=Money(data["estimate"] or Decimal(0), data["currency"]),
                opportunities=[deal] if deal is not None else [],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Requirement %(n)s raised.") % {"n": requirement.number})
            return redirect("insight:requirement-detail", requirement.pk)
    return render(request, "insight/requirement_raise.html", {"form": form, "source_id": source_id, "deal": deal,
                                                              "origin": origin})
