"""The pipeline board: columns by stage with totals, from the pipeline summary where it can."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from m2c.core import fx
from m2c.core.models import Role

from ..models import (
    Opportunity,
    PipelineTotal,
)
from ..states import (
    OPEN_STAGES,
    Stage,
)
from .deals import Filters, active_team_ids, opportunity_queryset

BOARD_STAGES = (*OPEN_STAGES, Stage.ON_HOLD)


# What a card shows: loading only these keeps a page of 125 cards cheap to build.
CARD_FIELDS = (
    "id", "name", "stage", "amount", "currency", "grade", "probability", "expected_sign_date", "customer__legal_name",
    "owner__username", "owner__display_name", "owner__first_name", "owner__last_name",
)


@dataclass
class Column:
    stage: str
    label: str
    cards: list[Opportunity]
    count: int = 0
    amount: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)


@dataclass
class Money3:
    """Totals in the reporting currency, and whatever could not be converted (no rate)."""

    amount: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    count: int = 0
    unconverted: dict[str, Decimal] = field(default_factory=dict)


def board(*, user: Any, filters: Filters | None = None, per_column: int = 20, with_totals: bool = True) -> dict[str, Any]:
    """The first page of the board: up to ``per_column`` cards per stage (soonest sign date first) and,
    per column, the count and the amount and weighted amount in the reporting currency."""
    base = (filters or Filters()).apply(opportunity_queryset(user), user)
    columns = []
    for stage in BOARD_STAGES:
        column = base.filter(stage=stage).select_related("customer", "owner").only(*CARD_FIELDS)
        # Soonest sign date first, undated last: two reads in index order rather than one NULLS LAST
        # sort, which SQLite can only do by sorting every deal of the stage.
        cards = list(column.filter(expected_sign_date__isnull=False).order_by("expected_sign_date", "id")[:per_column])
        if len(cards) < per_column:
            cards += list(column.filter(expected_sign_date__isnull=True).order_by("id")[:per_column - len(cards)])
        columns.append(Column(stage=stage, label=str(Stage(stage).label), cards=cards))
    totals: dict[str, Money3] = {}
    if with_totals:
        totals = _grouped(base.filter(stage__in=BOARD_STAGES), ["stage"], user=user,
                          filters=_with_stages(filters, BOARD_STAGES))
        for column in columns:
            found = totals.get((column.stage,)) or Money3()  # type: ignore[call-overload]
            column.count, column.amount, column.weighted = found.count, found.amount, found.weighted
    return {"columns": columns, "reporting_currency": fx.reporting_currency(),
            "unconverted": _merge_unconverted(totals.values())}


def _with_stages(filters: Filters | None, stages: Any) -> Filters:
    from dataclasses import replace

    base = filters or Filters()
    wanted = [s for s in stages if (not base.stage or s == base.stage) and (not base.stages or s in base.stages)]
    # No stage in common: keep a filter that matches nothing rather than dropping it.
    return replace(base, stage=None, stages=wanted or ["-"])


def _merge_unconverted(values: Any) -> dict[str, Decimal]:
    merged: dict[str, Decimal] = defaultdict(Decimal)
    for item in values:
        for code, amount in item.unconverted.items():
            merged[code] += amount
    return dict(merged)


SUMMARY_FILTERS = frozenset({"region", "offering_line", "stage", "stages", "open_only", "forecast_category", "grade"})


SUMMARY_DIMS = frozenset({"stage", "region_id", "org_unit_id", "offering_line_id", "forecast_category", "grade"})


def _summary_usable(filters: Filters, dims: list[str]) -> bool:
    """Whether the running totals answer this question (their dimensions and simple filters only)."""
    if not set(dims) <= SUMMARY_DIMS:
        return False
    return all(not value for name, value in vars(filters).items() if name not in SUMMARY_FILTERS)


def _summary_rows(filters: Filters, dims: list[str], user: Any, extra: Q) -> list[dict[str, Any]]:
    qs = filters.bucket_filter(PipelineTotal.objects.filter(extra))
    return list(qs.order_by().values(*dims, "currency", "probability").annotate(n=Sum("count"), total=Sum("amount")))


def _direct_rows(qs: QuerySet[Opportunity], dims: list[str]) -> list[dict[str, Any]]:
    return list(qs.order_by().values(*dims, "currency", "probability").annotate(n=Count("*"), total=Sum("amount")))


def _grouped(qs: QuerySet[Opportunity], dims: list[str], *, on: dt.date | None = None, user: Any = None,
             filters: Filters | None = None) -> dict[tuple, Money3]:
    """Count, amount and weighted amount per ``dims`` in the reporting currency.

    The database sums per currency and win probability; each currency is converted once with a single
    rate table and each probability applied once, in Decimal. When the question fits the running totals
    (``PipelineTotal``) and ``user`` is given, they answer it: a few thousand rows instead of every deal.
    ``qs`` must then be the visible, filtered opportunities the totals stand for.
    """
    filters = filters or Filters()
    if user is not None and _summary_usable(filters, dims) and getattr(user, "is_authenticated", False):
        rows = _visible_summary(user, filters, dims)
    else:
        rows = _direct_rows(qs, dims)
    rates = fx.rate_table(on)
    result: dict[tuple, Money3] = defaultdict(Money3)
    hundred = Decimal(100)
    for row in rows:
        key = tuple(row[d] for d in dims)
        bucket = result[key]
        count, total = row["n"] or 0, row["total"] or Decimal(0)
        if not count and not total:
            continue
        bucket.count += count
        rate = rates.get(row["currency"])
        if rate is None:
            bucket.unconverted[row["currency"]] = bucket.unconverted.get(row["currency"], Decimal(0)) + total
            continue
        converted = total * rate
        bucket.amount += converted
        bucket.weighted += converted * (row["probability"] or Decimal(0)) / hundred
    return {k: v for k, v in result.items() if v.count}


def _visible_summary(user: Any, filters: Filters, dims: list[str]) -> list[dict[str, Any]]:
    """The running totals of what ``user`` sees: everything, or the org subtree's buckets plus, counted
    directly, the few deals outside it that the user owns or is on the team of."""
    if user.sees_everything:
        return _summary_rows(filters, dims, user, Q())
    if user.has_role(Role.PARTNER) or not user.org_unit_id:
        return _direct_rows(filters.apply(opportunity_queryset(user), user), dims)
    path = user.org_unit.path
    inside = _summary_rows(filters, dims, user, Q(org_unit__path__startswith=path))
    outside = Opportunity.objects.exclude(org_unit__path__startswith=path)
    # Two reads that each follow an index (the owner's deals; the user's team rows), rather than one
    # "owner OR team" condition that makes the database scan every deal.
    owned = filters.apply(outside.filter(owner=user), user)
    teamed = filters.apply(outside.exclude(owner=user).filter(pk__in=active_team_ids(user)), user)
    return inside + _direct_rows(owned, dims) + _direct_rows(teamed, dims)
