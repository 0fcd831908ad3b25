"""Lead-quality feedback pages: the campaign page's panel (per source) and the report of every campaign
and every source of a year, each with its stacked bar."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..lead_quality import (
    bucket_labels,
    campaign_lead_quality,
    lead_quality_by_campaign,
    lead_quality_by_source,
    stacked_chart,
)
from .campaigns import _reader


def quality_panel_context(campaign: Any) -> dict[str, Any]:
    report = campaign_lead_quality(campaign)
    charts = {"chart-lead-quality": stacked_chart(report)} if report["rows"] else {}
    return {"quality": report, "quality_charts": charts}


@login_required
def lead_quality_report(request: HttpRequest) -> HttpResponse:
    _reader(request)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    by_campaign = lead_quality_by_campaign(year=year)
    by_source = lead_quality_by_source(year=year)
    charts = {}
    if by_campaign["rows"]:
        charts["chart-quality-campaigns"] = stacked_chart(by_campaign)
    if by_source["rows"]:
        charts["chart-quality-sources"] = stacked_chart(by_source)
    return render(request, "campaigns/lead_quality.html", {
        "year": year, "years": list(range(today.year - 3, today.year + 2)), "by_campaign": by_campaign,
        "by_source": by_source, "charts": charts, "buckets": bucket_labels(),
    })
