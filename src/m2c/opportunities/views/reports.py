"""The approvals inbox, pipeline reports and the configuration in force."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core.models import Role
from m2c.core.roles import is_administrator

from .. import rules, selectors
from ..models import (
    OpportunitySettings,
)
from ..states import (
    OPEN_STAGES,
    LossReason,
    Stage,
)
from ._common import _filter_context, _filters, _params


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    data = selectors.inbox(user=request.user)
    my_reviews = selectors.reviews_requested_by(user=request.user)
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
            "prices__price_list"), "price_lists": selectors.price_list_list().filter(active=True),
        "settings_row": OpportunitySettings.current(), "tab": "config", "inbox_count": selectors.inbox_count(request.user),
        "can_manage": is_administrator(request.user),
    }
    return render(request, "opportunities/configuration.html", context)
