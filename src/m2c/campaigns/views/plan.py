"""One plan, one journey (issue 11 item 3): every campaign of a fiscal year as swim lanes, level × buyer-journey
stage over the twelve months, with the budget each level has committed and spent beside it, so marketing
plans one programme instead of fragmented events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from m2c.core.selectors import offering_line_list, org_unit_list

from .. import selectors
from ..models import CampaignLevel, JourneyStage
from ..states import CampaignStatus
from .campaigns import _reader

PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def _span(campaign: Any, year: int) -> tuple[int, int]:
    """First and last month (1–12) of ``year`` the campaign runs in."""
    first = campaign.start_date.month if campaign.start_date.year == year else 1
    last = campaign.end_date.month if campaign.end_date.year == year else 12
    return first, max(first, last)


@login_required
def campaign_plan(request: HttpRequest) -> HttpResponse:
    _reader(request)
    year_text = request.GET.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else timezone.localdate().year
    regions = list(org_unit_list().filter(type__in=["region", "customer_group"]))
    region = next((u for u in regions if u.code == request.GET.get("region")), None)
    line = request.GET.get("offering_line", "").strip()[:40]
    campaigns = selectors.plan_campaigns(year=year, region=region, offering_line=line)
    # One pass over the year's campaigns, each bar prepared here (its link, its tooltip): with 2,000
    # campaigns the template then only prints values (docs/benchmarks.md, campaign_eval).
    detail = reverse("campaigns:detail", args=[PLACEHOLDER])
    status_labels = {value: str(label) for value, label in CampaignStatus.choices}
    by_lane: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c in campaigns:
        first, last = _span(c, year)
        by_lane.setdefault((c.level, c.journey_stage), []).append({
            "name": c.name, "url": detail.replace(PLACEHOLDER, str(c.pk)), "css": c.status.lower(),
            "start": first, "end": last + 1,
            "title": f"{c.name} · {c.start_date.isoformat()} – {c.end_date.isoformat()} · {status_labels[c.status]}"})
    lanes = []
    for level, level_label in CampaignLevel.choices:
        for stage, stage_label in JourneyStage.choices:
            lanes.append({"level": level, "level_label": level_label, "stage_label": stage_label,
                          "items": by_lane.get((level, stage), []), "first": stage == JourneyStage.AWARENESS})
    budgets: dict[str, dict[str, Any]] = {}
    for c in campaigns:
        row = budgets.setdefault(c.level, {"label": c.get_level_display(), "committed": Decimal(0),
                                           "spent": Decimal(0), "count": 0, "currency": c.currency})
        row["committed"] += c.committed_amount
        row["spent"] += c.actual_spend
        row["count"] += 1
    context = {
        "year": year, "years": [year - 1, year, year + 1], "lanes": lanes, "budgets": budgets,
        "months": [dt.date(year, m, 1) for m in range(1, 13)], "regions": regions, "region": region, "line": line,
        "offering_lines": offering_line_list(), "count": len(campaigns),
        "stages": JourneyStage.choices,
    }
    return render(request, "campaigns/plan.html", context)
