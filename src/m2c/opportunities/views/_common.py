"""What every opportunities page shares: list filters, running a service, redirects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from m2c.core import fx
from m2c.core.errors import DomainError
from m2c.core.models import OrgUnit
from m2c.core.selectors import offering_line_list, org_unit_list

from ..selectors import Filters
from ..states import (
    ForecastCategory,
    Grade,
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
        "regions": org_unit_list(type=OrgUnit.Type.REGION),
        "offering_lines": offering_line_list(),
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
