"""Pipeline, forecast and win/loss reports, from the summary table or the rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from m2c.core import fx
from m2c.core.models import OfferingLine, OrgUnit

from ..models import (
    Opportunity,
)
from ..states import (
    CLOSED_STAGES,
    OPEN_STAGES,
    STAGE_ORDER,
    ForecastCategory,
    Stage,
)
from .board import Money3, _grouped, _with_stages
from .deals import Filters, opportunity_queryset

GROUPINGS = {
    "region": "region_id",
    "stage": "stage",
    "offering_line": "offering_line_id",
    "forecast_category": "forecast_category",
    "grade": "grade",
    "month": "month",
    "quarter": "month",
}


def _period_label(day: dt.date | None, grain: str) -> str:
    if day is None:
        return ""
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def pipeline_report(*, user: Any, group_by: list[str], filters: Filters | None = None, open_only: bool = True,
                    on: dt.date | None = None) -> dict[str, Any]:
    """Pipeline and weighted pipeline in the reporting currency, grouped by any of region, stage, offering
    line, forecast category, grade and period (month or quarter of the expected sign date)."""
    dims = [d for d in group_by if d in GROUPINGS] or ["stage"]
    filters = filters or Filters()
    if open_only:
        filters = _with_stages(filters, OPEN_STAGES)
    qs = filters.apply(opportunity_queryset(user), user)
    db_dims = []
    for d in dims:
        column = GROUPINGS[d]
        if column not in db_dims:
            db_dims.append(column)
    if "month" in db_dims:
        qs = qs.annotate(month=TruncMonth("expected_sign_date"))
    grouped = _grouped(qs, db_dims, on=on, user=user, filters=filters)
    names = _names(dims)
    rows = []
    for key, totals in grouped.items():
        values = dict(zip(db_dims, key, strict=True))
        row: dict[str, Any] = {}
        for d in dims:
            raw = values[GROUPINGS[d]]
            if d in ("month", "quarter"):
                day = raw.date() if isinstance(raw, dt.datetime) else raw
                row[d] = _period_label(day, d)
                row[f"{d}_label"] = row[d] or "—"
            else:
                row[d] = str(raw) if raw is not None else ""
                row[f"{d}_label"] = names.get(d, {}).get(raw, str(raw) if raw is not None else "—")
        row.update(count=totals.count, amount=totals.amount, weighted=totals.weighted, unconverted=totals.unconverted)
        rows.append(row)
    rows = _merge_rows(rows, dims)
    order = {s: i for i, s in enumerate(STAGE_ORDER)}
    rows.sort(key=lambda r: tuple(order.get(r[d], 99) if d == "stage" else str(r[f"{d}_label"]) for d in dims))
    total = Money3()
    for r in rows:
        total.amount += r["amount"]
        total.weighted += r["weighted"]
        total.count += r["count"]
        for code, amount in r["unconverted"].items():
            total.unconverted[code] = total.unconverted.get(code, Decimal(0)) + amount
    return {"group_by": dims, "rows": rows, "reporting_currency": fx.reporting_currency(), "total": total,
            "rates_on": (on or timezone.localdate()).isoformat()}


def _merge_rows(rows: list[dict[str, Any]], dims: list[str]) -> list[dict[str, Any]]:
    """Months of one quarter fold into one row."""
    if "quarter" not in dims:
        return rows
    merged: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        key = tuple(r[d] for d in dims)
        if key not in merged:
            merged[key] = {**r, "unconverted": dict(r["unconverted"])}
            continue
        m = merged[key]
        m["count"] += r["count"]
        m["amount"] += r["amount"]
        m["weighted"] += r["weighted"]
        for code, amount in r["unconverted"].items():
            m["unconverted"][code] = m["unconverted"].get(code, Decimal(0)) + amount
    return list(merged.values())


def _names(dims: list[str]) -> dict[str, dict[Any, str]]:
    names: dict[str, dict[Any, str]] = {}
    if "region" in dims:
        names["region"] = {u.pk: u.label for u in OrgUnit.objects.filter(type=OrgUnit.Type.REGION)}
    if "offering_line" in dims:
        names["offering_line"] = {line.pk: line.label for line in OfferingLine.objects.all()}
    if "stage" in dims:
        names["stage"] = {value: str(label) for value, label in Stage.choices}
    if "forecast_category" in dims:
        names["forecast_category"] = {value: str(label) for value, label in ForecastCategory.choices}
    if "grade" in dims:
        names["grade"] = {value: value for value in ("A", "B", "C")}
    return names


def forecast_report(*, user: Any, grain: str = "quarter", filters: Filters | None = None,
                    on: dt.date | None = None) -> dict[str, Any]:
    """Per period of expected signature: pipeline, best case, commit and closed (won), in the reporting
    currency, each with its unweighted and weighted amount."""
    grain = grain if grain in ("month", "quarter") else "quarter"
    qs = (filters or Filters()).apply(opportunity_queryset(user), user).exclude(forecast_category=ForecastCategory.OMITTED)
    qs = qs.annotate(month=TruncMonth("expected_sign_date"))
    grouped = _grouped(qs, ["month", "forecast_category"], on=on)
    periods: dict[str, dict[str, Money3]] = defaultdict(lambda: defaultdict(Money3))
    for (month, category), totals in grouped.items():
        day = month.date() if isinstance(month, dt.datetime) else month
        label = _period_label(day, grain) or "—"
        bucket = periods[label][category]
        bucket.amount += totals.amount
        bucket.weighted += totals.weighted
        bucket.count += totals.count
        for code, amount in totals.unconverted.items():
            bucket.unconverted[code] = bucket.unconverted.get(code, Decimal(0)) + amount
    categories = [ForecastCategory.PIPELINE, ForecastCategory.BEST_CASE, ForecastCategory.COMMIT, ForecastCategory.CLOSED]
    rows = []
    for label in sorted(periods):
        row = {"period": label}
        for category in categories:
            totals = periods[label].get(category) or Money3()
            row[category] = {"amount": totals.amount, "weighted": totals.weighted, "count": totals.count}
        rows.append(row)
    return {"grain": grain, "categories": [str(c) for c in categories],
            "category_labels": {str(c): str(ForecastCategory(c).label) for c in categories}, "rows": rows,
            "reporting_currency": fx.reporting_currency()}


def win_loss_report(*, user: Any, filters: Filters | None = None, on: dt.date | None = None) -> dict[str, Any]:
    """Closed deals by offering line: won, lost (by loss reason) and abandoned, with win rates by count
    and by value (domain.md 9); the marketing-quality view of lost deals (S16)."""
    qs = (filters or Filters()).apply(opportunity_queryset(user), user).filter(stage__in=CLOSED_STAGES)
    grouped = _grouped(qs, ["offering_line_id", "stage", "loss_reason"], on=on)
    names = {line.pk: line.label for line in OfferingLine.objects.all()}
    lines: dict[Any, dict[str, Any]] = {}
    for (line_id, stage, reason), totals in grouped.items():
        row = lines.setdefault(line_id, {"offering_line": names.get(line_id, "—"), "offering_line_id": line_id,
                                         "won": 0, "lost": 0, "abandoned": 0, "won_amount": Decimal(0),
                                         "lost_amount": Decimal(0), "loss_reasons": defaultdict(int)})
        if stage == Stage.WON:
            row["won"] += totals.count
            row["won_amount"] += totals.amount
        elif stage == Stage.LOST:
            row["lost"] += totals.count
            row["lost_amount"] += totals.amount
            row["loss_reasons"][reason or "unknown"] += totals.count
        else:
            row["abandoned"] += totals.count
    result = []
    for row in sorted(lines.values(), key=lambda r: str(r["offering_line"])):
        decided = row["won"] + row["lost"]
        value = row["won_amount"] + row["lost_amount"]
        row["win_rate_count"] = (Decimal(row["won"]) / decided * 100) if decided else None
        row["win_rate_value"] = (row["won_amount"] / value * 100) if value else None
        row["loss_reasons"] = dict(row["loss_reasons"])
        result.append(row)
    return {"rows": result, "reporting_currency": fx.reporting_currency()}


def campaign_outcomes(*, campaign: Any) -> dict[str, Any]:
    """How the opportunities a campaign sourced ended up: open, won, lost, abandoned, on hold; with the open
    pipeline and the bookings (won amounts) in the reporting currency (``currency``)."""
    rows = (Opportunity.objects.filter(source_campaign=campaign).order_by().values_list("stage")
            .annotate(n=Count("id"), amount=Sum("amount_reporting")))
    counts = {stage: n for stage, n, _amount in rows}
    amounts = {stage: amount or Decimal(0) for stage, _n, amount in rows}
    return {
        "open": sum(counts.get(s, 0) for s in OPEN_STAGES),
        "on_hold": counts.get(Stage.ON_HOLD, 0),
        "won": counts.get(Stage.WON, 0),
        "lost": counts.get(Stage.LOST, 0),
        "abandoned": counts.get(Stage.ABANDONED, 0),
        "pipeline": sum((amounts.get(s, Decimal(0)) for s in (*OPEN_STAGES, Stage.ON_HOLD)), Decimal(0)),
        "bookings": amounts.get(Stage.WON, Decimal(0)),
        "currency": fx.reporting_currency(),
    }
