"""Reports, the board and the approvals inbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema
from pydantic import Field

from m2c.core.errors import ValidationFailed
from m2c.core.schemas import ERRORS, money_out

from .. import selectors
from ..models import (
    GateReview,
)
from ..schemas import (
    BoardOut,
    ForecastOut,
    InboxOut,
    PipelineOut,
    WinLossOut,
)
from ..schemas.gates import condition_out
from ..selectors import Filters
from ._common import _not_partner, router


class ReportFilters(Schema):
    region: str | None = Field(None, max_length=64)
    offering_line: str | None = Field(None, max_length=64)
    owner: str | None = Field(None, max_length=150)
    sign_from: dt.date | None = None
    sign_to: dt.date | None = None
    mine: bool = False

    def to_filters(self) -> Filters:
        return Filters(**self.model_dump())


@router.get("/reports/pipeline", response={200: PipelineOut, **ERRORS},
            summary="Pipeline and weighted pipeline in the reporting currency, grouped")
def pipeline_report(request: HttpRequest, filters: Query[ReportFilters],
                    group_by: str = Query("region,stage", max_length=100,
                                          description="Comma-separated: region, stage, offering_line, "
                                                      "forecast_category, grade, month, quarter")):
    _not_partner(request)
    dims = [d.strip() for d in group_by.split(",") if d.strip()]
    unknown = [d for d in dims if d not in selectors.GROUPINGS]
    if unknown:
        raise ValidationFailed(_("Unknown grouping: %(v)s") % {"v": ", ".join(unknown)}, field="group_by")
    report = selectors.pipeline_report(user=request.user, group_by=dims, filters=filters.to_filters())
    return {
        "group_by": report["group_by"], "reporting_currency": report["reporting_currency"], "rates_on": report["rates_on"],
        "rows": [{"keys": {d: r[d] for d in report["group_by"]}, "labels": {d: str(r[f"{d}_label"]) for d in report["group_by"]},
                  "count": r["count"], "amount": r["amount"].quantize(Decimal("0.01")),
                  "weighted": r["weighted"].quantize(Decimal("0.01")), "unconverted": r["unconverted"]}
                 for r in report["rows"]],
        "total_amount": report["total"].amount.quantize(Decimal("0.01")),
        "total_weighted": report["total"].weighted.quantize(Decimal("0.01")), "total_count": report["total"].count,
        "unconverted": report["total"].unconverted,
    }


@router.get("/reports/forecast", response={200: ForecastOut, **ERRORS},
            summary="Forecast categories per period (pipeline, best case, commit, closed)")
def forecast_report(request: HttpRequest, filters: Query[ReportFilters],
                    grain: str = Query("quarter", pattern="^(month|quarter)$")):
    _not_partner(request)
    report = selectors.forecast_report(user=request.user, grain=grain, filters=filters.to_filters())
    return {"grain": report["grain"], "reporting_currency": report["reporting_currency"], "rows": report["rows"]}


@router.get("/reports/win-loss", response={200: WinLossOut, **ERRORS}, summary="Win/loss by offering line")
def win_loss_report(request: HttpRequest, filters: Query[ReportFilters]):
    _not_partner(request)
    report = selectors.win_loss_report(user=request.user, filters=filters.to_filters())
    return {"reporting_currency": report["reporting_currency"],
            "rows": [{k: (str(v) if k == "offering_line" else v) for k, v in r.items() if k != "offering_line_id"}
                     for r in report["rows"]]}


@router.get("/pipeline/board", response={200: BoardOut, **ERRORS}, summary="The first page of the pipeline board")
def board(request: HttpRequest, filters: Query[ReportFilters], per_column: int = Query(20, ge=1, le=100)):
    data = selectors.board(user=request.user, filters=filters.to_filters(), per_column=per_column)
    return {"reporting_currency": data["reporting_currency"],
            "columns": [{"stage": c.stage, "label": c.label, "count": c.count, "amount": c.amount.quantize(Decimal("0.01")),
                         "weighted": c.weighted.quantize(Decimal("0.01")),
                         "cards": [{"id": o.pk, "name": o.name, "customer": o.customer.legal_name,
                                    "amount": money_out(o.amount, o.currency), "grade": o.grade, "owner": str(o.owner),
                                    "expected_sign_date": o.expected_sign_date, "probability": o.probability}
                                   for o in c.cards]}
                        for c in data["columns"]]}


def _inbox_review(r: GateReview) -> dict[str, Any]:
    return {"id": r.pk, "gate_type": r.gate_type, "opportunity": r.opportunity.name if r.opportunity_id else "",
            "opportunity_id": r.opportunity_id, "status": r.status, "required_level": r.required_level,
            "requested_by": str(r.requested_by), "url": f"/opportunities/reviews/{r.pk}/"}


@router.get("/approvals/inbox", response={200: InboxOut, **ERRORS},
            summary="What waits for you: reviews to decide, discounts to approve, conditions to close")
def approvals_inbox(request: HttpRequest):
    data = selectors.inbox(user=request.user)
    return {
        "reviews": [_inbox_review(r) for r in data["reviews"]],
        "unassigned": [_inbox_review(r) for r in data["unassigned"]],
        "quotes": [{"id": q.pk, "opportunity": q.opportunity.name, "version": q.number, "discount_pct": q.discount_pct,
                    "required_level": q.required_level, "total_net": money_out(q.total_net, q.currency),
                    "url": f"/opportunities/quotes/{q.pk}/"} for q in data["quotes"]],
        "conditions": [condition_out(c) for c in data["conditions"]],
    }
