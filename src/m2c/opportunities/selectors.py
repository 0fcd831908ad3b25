"""Reads of the opportunities app, always scoped.

A user sees an opportunity of their org subtree, one they own, or one whose team they are on today;
administrators and executives see all; partner users see only deals registered by their partner.
Reports aggregate in the database grouped by currency and convert once with a rate table: two
currencies are never added without converting.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from m2c.core import fx
from m2c.core.models import OfferingLine, OrgUnit, Role
from m2c.core.scoping import scope

from . import rules
from .models import (
    AuthorityMatrix,
    Bid,
    Checklist,
    DecisionBody,
    GateCondition,
    GateReview,
    Opportunity,
    PipelineTotal,
    PriceList,
    Product,
    Program,
    Quote,
    TeamAssignment,
)
from .states import (
    CLOSED_STAGES,
    OPEN_STAGES,
    STAGE_ORDER,
    ConditionStatus,
    ForecastCategory,
    QuoteStatus,
    ReviewStatus,
    Stage,
    level_rank,
)

OPPORTUNITY_SCOPE = {
    "org_field": "org_unit",
    "owner_fields": ("owner",),
    "partner_field": "registered_partner_id",
}


def _team_counts(user: Any) -> bool:
    """Whether team membership widens what ``user`` sees (not for partner users or global readers)."""
    return (getattr(user, "is_authenticated", False) and not user.sees_everything
            and not user.has_role(Role.PARTNER))


def active_team_ids(user: Any) -> QuerySet:
    """Ids of the opportunities ``user`` is on the team of today."""
    today = timezone.localdate()
    return TeamAssignment.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=today), user=user, valid_from__lte=today
    ).values("opportunity_id")


def opportunity_queryset(user: Any) -> QuerySet[Opportunity]:
    """What ``user`` may see: ``scope`` (org subtree, owner, partner) plus the deals whose team they are on.

    Team membership is an ``EXISTS`` beside ``scope`` rather than its ``team_lookup`` join: a join can
    repeat a deal, so ``scope`` adds ``DISTINCT``, and a ``DISTINCT`` over a million rows keeps the board
    from reading its index in order (5.9 s instead of milliseconds for a regional AR in the benchmark).
    """
    base = Opportunity.objects.all()
    visible = scope(base, user, **OPPORTUNITY_SCOPE)
    if _team_counts(user):
        visible = visible | base.filter(Exists(active_team_ids(user).filter(opportunity_id=OuterRef("pk"))))
    return visible


def visible_ids(user: Any) -> QuerySet:
    """The ids ``user`` may see, for ``pk__in`` filters of related records."""
    return opportunity_queryset(user).values("pk")


ORDERINGS = {
    "sign_date": ("expected_sign_date", "id"),
    "-sign_date": ("-expected_sign_date", "id"),
    "amount": ("amount_reporting", "id"),
    "-amount": ("-amount_reporting", "id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "id"),
    "name": ("name", "id"),
}


@dataclass
class Filters:
    search: str | None = None
    stage: str | None = None
    stages: list[str] | None = None
    region: str | None = None
    org_unit: str | None = None
    offering_line: str | None = None
    owner: str | None = None
    grade: str | None = None
    priority_type: str | None = None
    forecast_category: str | None = None
    customer: Any = None
    program: Any = None
    sign_from: dt.date | None = None
    sign_to: dt.date | None = None
    open_only: bool = False
    mine: bool = False

    def bucket_filter(self, qs: QuerySet) -> QuerySet:
        """The filters on what a deal and its running-total bucket both carry (stage, region, line,
        forecast category, grade): the same conditions for the list, the board and the reports."""
        if self.stage:
            qs = qs.filter(stage=self.stage)
        if self.stages:
            qs = qs.filter(stage__in=self.stages)
        if self.open_only:
            qs = qs.filter(stage__in=[*OPEN_STAGES, Stage.ON_HOLD])
        if self.region:
            qs = qs.filter(region__code=self.region)
        if self.offering_line:
            qs = qs.filter(offering_line__code=self.offering_line)
        if self.forecast_category:
            qs = qs.filter(forecast_category=self.forecast_category)
        if self.grade:
            qs = qs.filter(grade=self.grade)
        return qs

    def apply(self, qs: QuerySet[Opportunity], user: Any) -> QuerySet[Opportunity]:
        qs = self.bucket_filter(qs)
        if self.search:
            text = self.search.strip()
            qs = qs.filter(Q(name__icontains=text) | Q(customer__legal_name__icontains=text))
        if self.org_unit:
            qs = qs.filter(Q(org_unit__code=self.org_unit) | Q(org_unit__path__contains=f"/{self.org_unit}/"))
        if self.owner:
            qs = qs.filter(owner__username=self.owner)
        if self.mine and getattr(user, "is_authenticated", False):
            qs = qs.filter(owner=user)
        if self.priority_type:
            qs = qs.filter(priority_type=self.priority_type)
        if self.customer:
            qs = qs.filter(customer_id=self.customer)
        if self.program:
            qs = qs.filter(program_id=self.program)
        if self.sign_from:
            qs = qs.filter(expected_sign_date__gte=self.sign_from)
        if self.sign_to:
            qs = qs.filter(expected_sign_date__lte=self.sign_to)
        return qs


def opportunity_list(*, user: Any, filters: Filters | None = None, ordering: str = "sign_date") -> QuerySet[Opportunity]:
    qs = (filters or Filters()).apply(opportunity_queryset(user), user)
    return qs.select_related("customer", "owner", "region", "offering_line").order_by(
        *ORDERINGS.get(ordering, ORDERINGS["sign_date"])
    )


def opportunity_get(*, user: Any, opportunity_id: Any) -> Opportunity:
    return get_object_or_404(
        opportunity_queryset(user).select_related(
            "customer", "owner", "org_unit", "region", "offering_line", "program", "source_campaign", "created_by",
            "floor_review", "probability_override_review", "hold_review",
        ),
        pk=opportunity_id,
    )


# --- the board --------------------------------------------------------------------------------------

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


# --- reports ----------------------------------------------------------------------------------------

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


def campaign_outcomes(*, campaign: Any) -> dict[str, int]:
    """How the opportunities a campaign sourced ended up: open, won, lost, abandoned, on hold."""
    counts = dict(
        Opportunity.objects.filter(source_campaign=campaign).order_by().values_list("stage").annotate(n=Count("id"))
    )
    return {
        "open": sum(counts.get(s, 0) for s in OPEN_STAGES),
        "on_hold": counts.get(Stage.ON_HOLD, 0),
        "won": counts.get(Stage.WON, 0),
        "lost": counts.get(Stage.LOST, 0),
        "abandoned": counts.get(Stage.ABANDONED, 0),
    }


# --- gates, conditions, quotes ---------------------------------------------------------------------


def review_queryset(user: Any) -> QuerySet[GateReview]:
    bodies = rules.member_bodies(user).values("pk") if getattr(user, "is_authenticated", False) else []
    return GateReview.objects.filter(Q(opportunity__in=visible_ids(user)) | Q(decision_body__in=bodies))


def review_get(*, user: Any, review_id: Any) -> GateReview:
    return get_object_or_404(
        review_queryset(user).select_related(
            "opportunity", "opportunity__customer", "checklist", "requested_by", "decided_by", "decision_body",
            "authority_matrix", "quote", "bid",
        ),
        pk=review_id,
    )


def reviews_of(opportunity: Opportunity) -> QuerySet[GateReview]:
    return opportunity.gate_reviews.select_related("decision_body", "decided_by", "requested_by").order_by(
        "-created_at"
    )


def conditions_of(opportunity: Opportunity) -> QuerySet[GateCondition]:
    return opportunity.conditions.select_related("owner", "review", "closed_by").order_by("status", "due_date")


def condition_queryset(user: Any) -> QuerySet[GateCondition]:
    bodies = rules.member_bodies(user).values("pk") if getattr(user, "is_authenticated", False) else []
    return GateCondition.objects.filter(
        Q(opportunity__in=visible_ids(user)) | Q(owner=user if getattr(user, "is_authenticated", False) else None)
        | Q(review__decision_body__in=bodies)
    )


def condition_get(*, user: Any, condition_id: Any) -> GateCondition:
    return get_object_or_404(condition_queryset(user).select_related("review", "opportunity", "owner"), pk=condition_id)


def condition_list(*, user: Any, status: str | None = None, mine: bool = False) -> QuerySet[GateCondition]:
    qs = condition_queryset(user).select_related("owner", "review", "opportunity")
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(owner=user)
    return qs.order_by("due_date", "id")


def quote_queryset(user: Any) -> QuerySet[Quote]:
    return Quote.objects.filter(opportunity__in=visible_ids(user))


def quote_get(*, user: Any, quote_id: Any) -> Quote:
    quote = Quote.objects.filter(pk=quote_id).select_related("opportunity", "price_list", "bid", "created_by",
                                                              "approved_by").first()
    if quote is None:
        get_object_or_404(Quote.objects.none(), pk=quote_id)
    if quote_queryset(user).filter(pk=quote.pk).exists():
        return quote
    # An approver at the required level sees the quote waiting for them.
    if quote.status == QuoteStatus.PENDING_APPROVAL and getattr(user, "is_authenticated", False):
        level = rules.highest_level_for(user, quote.opportunity)
        if level and level_rank(level) >= level_rank(quote.required_level):
            return quote
    return get_object_or_404(Quote.objects.none(), pk=quote_id)


def bid_get(*, user: Any, bid_id: Any) -> Bid:
    return get_object_or_404(Bid.objects.filter(opportunity__in=visible_ids(user)).select_related("opportunity"),
                             pk=bid_id)


def inbox(*, user: Any) -> dict[str, Any]:
    """What waits for ``user``: reviews to decide or take, discounts to approve, conditions to close."""
    if not getattr(user, "is_authenticated", False):
        return {"reviews": [], "unassigned": [], "quotes": [], "conditions": []}
    bodies = list(rules.member_bodies(user))
    reviews = list(
        GateReview.objects.filter(status=ReviewStatus.IN_REVIEW, decision_body__in=bodies)
        .select_related("opportunity", "opportunity__customer", "decision_body", "requested_by")
        .order_by("assigned_at")
    )
    unassigned = []
    for review in GateReview.objects.filter(status=ReviewStatus.SUBMITTED).select_related("opportunity", "requested_by"):
        if review.opportunity_id and any(
            rules.body_covers(b, review.opportunity) and level_rank(b.level) >= level_rank(review.required_level)
            for b in bodies
        ):
            unassigned.append(review)
    quotes = []
    for quote in Quote.objects.filter(status=QuoteStatus.PENDING_APPROVAL).select_related("opportunity", "created_by"):
        if any(rules.body_covers(b, quote.opportunity) and level_rank(b.level) >= level_rank(quote.required_level)
               for b in bodies) and quote.created_by_id != user.pk:
            quotes.append(quote)
    conditions = list(
        GateCondition.objects.filter(status=ConditionStatus.OPEN, owner=user)
        .select_related("review", "opportunity").order_by("due_date")
    )
    return {"reviews": reviews, "unassigned": unassigned, "quotes": quotes, "conditions": conditions,
            "bodies": bodies}


def inbox_count(user: Any) -> int:
    data = inbox(user=user)
    return len(data["reviews"]) + len(data["unassigned"]) + len(data["quotes"]) + len(data["conditions"])


# --- configuration and catalogue -------------------------------------------------------------------


def matrix_list() -> QuerySet[AuthorityMatrix]:
    return AuthorityMatrix.objects.prefetch_related("rules", "discount_authorities").order_by("-version")


def matrix_get(*, version: int) -> AuthorityMatrix:
    return get_object_or_404(matrix_list(), version=version)


def body_list() -> QuerySet[DecisionBody]:
    return DecisionBody.objects.select_related("org_unit").prefetch_related("memberships__user").order_by("level", "name")


def checklist_list(*, gate_type: str | None = None, active_only: bool = True) -> QuerySet[Checklist]:
    qs = Checklist.objects.prefetch_related("items")
    if gate_type:
        qs = qs.filter(gate_type=gate_type)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("gate_type", "-version")


def product_list(*, offering_line: str | None = None, search: str | None = None, active_only: bool = True) -> QuerySet[Product]:
    qs = Product.objects.select_related("offering_line")
    if offering_line:
        qs = qs.filter(offering_line__code=offering_line)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search) | Q(name_en__icontains=search))
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("offering_line__code", "code")


def price_list_list(*, currency: str | None = None) -> QuerySet[PriceList]:
    qs = PriceList.objects.all()
    if currency:
        qs = qs.filter(currency=currency.upper())
    return qs.order_by("currency", "code")


def program_list(*, user: Any, customer: Any = None) -> QuerySet[Program]:
    qs = Program.objects.select_related("customer")
    if not getattr(user, "sees_everything", False):
        qs = qs.filter(Q(opportunities__in=visible_ids(user)) | Q(created_by=user)).distinct()
    if customer:
        qs = qs.filter(customer_id=customer)
    return qs.order_by("name")


def open_opportunities_of_customers(*, customer_ids: Any, since: dt.datetime) -> list[tuple[Any, Any, dt.datetime, frozenset]]:
    """(id, customer id, created at, offering line ids) of the open opportunities (on hold included) of
    these customers created since ``since``: what lead capture merges a new lead into (domain.md 3.3).
    Two queries, unscoped: the caller decides what the answer reveals."""
    opps = list(
        Opportunity.objects.filter(customer_id__in=list(customer_ids), stage__in=[*OPEN_STAGES, Stage.ON_HOLD],
                                   created_at__gte=since).values_list("id", "customer_id", "created_at")
    )
    lines: dict[Any, set] = defaultdict(set)
    if opps:
        through = Opportunity.offering_lines.through
        for opp_id, line_id in through.objects.filter(opportunity_id__in=[o[0] for o in opps]).values_list(
                "opportunity_id", "offeringline_id"):
            lines[opp_id].add(line_id)
    return [(opp_id, customer_id, created, frozenset(lines.get(opp_id, ()))) for opp_id, customer_id, created in opps]
