"""Lead-quality feedback per campaign and per lead source (domain.md 7.7, issue 11 item 7): what sales made
of the leads marketing produced — accepted, rejected with reasons, converted — read through
``leads.selectors.lead_quality`` and named here with the campaigns' names, with the stacked-bar chart of
the campaign page, the report page and the evaluation snapshot."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from .models import Campaign

BUCKETS = ("converted", "in_work", "disqualified", "invalid", "pending")


def bucket_labels() -> dict[str, str]:
    return {"converted": _("Converted"), "in_work": _("Accepted, in work"), "disqualified": _("Disqualified by sales"),
            "invalid": _("Invalid at the gate"), "pending": _("Not decided yet")}


RATES = ("acceptance_rate", "rejection_rate", "conversion_rate", "accepted_conversion_rate")


def _with_percent(report: dict[str, Any]) -> dict[str, Any]:
    """Each rate also as a percentage (``acceptance_pct`` …) for the pages' ``percent`` filter."""
    for row in [*report["rows"], report["total"]]:
        for rate in RATES:
            row[rate.replace("_rate", "_pct")] = row[rate] * 100 if row[rate] is not None else None
    return report


def campaign_lead_quality(campaign: Campaign) -> dict[str, Any]:
    """One campaign's leads, per lead source, with the totals."""
    from m2c.leads import selectors as lead_selectors

    return _with_percent(lead_selectors.lead_quality(campaign=campaign, group_by="source"))


def lead_quality_by_campaign(*, year: int | None = None) -> dict[str, Any]:
    """Every campaign's leads (of campaigns running in ``year`` when given), one row per campaign."""
    from m2c.leads import selectors as lead_selectors

    campaigns = Campaign.objects.all()
    if year:
        campaigns = campaigns.filter(start_date__year__lte=year, end_date__year__gte=year)
    names = dict(campaigns.values_list("pk", "name"))
    report = lead_selectors.lead_quality(campaign_ids=list(names), group_by="campaign")
    for row in report["rows"]:
        row["label"] = names.get(row["key"], str(row["key"]))
        row["campaign_id"] = row["key"]
    return _with_percent(report)


def lead_quality_by_source(*, year: int | None = None) -> dict[str, Any]:
    """Every lead of the year by its source (campaign responses, web forms, partners, field discovery…)."""
    from m2c.leads import selectors as lead_selectors

    if not year:
        return _with_percent(lead_selectors.lead_quality(group_by="source"))
    return _with_percent(lead_selectors.lead_quality(group_by="source", since=dt.date(year, 1, 1),
                                                     until=dt.date(year, 12, 31)))


def stacked_chart(report: dict[str, Any]) -> dict[str, Any]:
    """The report as ECharts' stacked bar (``web/home.js``): one bar per row, one colour per outcome."""
    labels = bucket_labels()
    rows = report["rows"]
    return {"kind": "bar", "stacked": True, "labels": [str(r["label"]) for r in rows],
            "series": [{"name": labels[b], "data": [r[b] for r in rows]} for b in BUCKETS]}


def snapshot(report: dict[str, Any]) -> dict[str, Any]:
    """The totals as plain values for an evaluation's stored figures."""
    total = report["total"]
    return {
        **{k: total[k] for k in ("leads", "accepted", "rejected", "converted", "invalid", "disqualified", "pending")},
        **{k: (str(total[k]) if total[k] is not None else None)
           for k in ("acceptance_rate", "rejection_rate", "conversion_rate")},
        "reasons": [{"kind": r["kind"], "code": r["code"], "count": r["count"]} for r in total["reasons"]],
    }
