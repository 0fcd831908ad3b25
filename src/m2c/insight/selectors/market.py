"""Reads of segments: the list, one segment with its sizing, SPAN point, $APPEALS comparison and business.

Segments are scoped by their region (the org subtree) and their owner. A segment's customers, pipeline,
bookings and cash come through the customers, opportunities, contracts and billing selectors, each
scoped for the reader: a regional user sees the part of the segment they may see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from m2c.billing.selectors.collected import collected_by_contract
from m2c.contracts.selectors.contracts import contracts_of_opportunities
from m2c.core.scoping import scope
from m2c.customers import selectors as customer_selectors
from m2c.opportunities.models import Competitor as DealCompetitor
from m2c.opportunities.selectors.deals import opportunity_queryset
from m2c.opportunities.states import OPEN_STAGES, Stage

from .. import span
from ..models import AppealsScore, Competitor, Segment, SegmentSizing, SpanCriterion, SpanRating, SpanSettings
from ..states import AppealsFactor, SegmentStatus, SpanAxis

SEGMENT_SCOPE = {"org_field": "region", "owner_fields": ("owner",)}


def span_settings() -> SpanSettings:
    """The one settings row, created with its defaults on first read."""
    found, _created = SpanSettings.objects.get_or_create(pk=1)
    return found


def criteria(*, axis: str | None = None, active_only: bool = True) -> QuerySet[SpanCriterion]:
    qs = SpanCriterion.objects.all()
    if axis:
        qs = qs.filter(axis=axis)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("axis", "position", "code")


def competitor_list(*, active_only: bool = True) -> QuerySet[Competitor]:
    qs = Competitor.objects.all()
    return qs.filter(active=True) if active_only else qs


def competitor_names_seen(*, user: Any, limit: int = 20) -> list[str]:
    """Competitor names the reader's deals record and the registry lacks, most frequent first."""
    known = {n.lower() for n in Competitor.objects.values_list("name", flat=True)}
    rows = (DealCompetitor.objects.filter(opportunity__in=opportunity_queryset(user).values("pk"))
            .values("name").annotate(n=Count("id")).order_by("-n", "name")[: limit * 2])
    return [r["name"] for r in rows if r["name"].lower() not in known][:limit]


def segment_queryset(user: Any) -> QuerySet[Segment]:
    return scope(Segment.objects.all(), user, **SEGMENT_SCOPE)


def segment_list(*, user: Any, status: str | None = None, offering_line: str | None = None,
                 industry: str | None = None, search: str | None = None,
                 include_retired: bool = False) -> QuerySet[Segment]:
    qs = segment_queryset(user).select_related("region", "offering_line", "owner")
    if status:
        qs = qs.filter(status=status)
    elif not include_retired:
        qs = qs.exclude(status=SegmentStatus.RETIRED)
    if offering_line:
        qs = qs.filter(offering_line__code=offering_line)
    if industry:
        qs = qs.filter(industry=industry)
    if search:
        qs = qs.filter(name__icontains=search.strip())
    return qs.order_by("name", "id")


def segment_get(*, user: Any, segment_id: Any) -> Segment:
    return get_object_or_404(segment_queryset(user).select_related("region", "offering_line", "owner"), pk=segment_id)


def segment_sizings(segment: Segment) -> list[SegmentSizing]:
    return list(segment.sizings.prefetch_related(
        Prefetch("competitor_shares", queryset=_shares_qs())).order_by("-period"))


def _shares_qs() -> QuerySet:
    from ..models import CompetitorShare

    return CompetitorShare.objects.select_related("competitor").order_by("-share_pct", "competitor__name")


@dataclass
class Appeals:
    """Our and the competitors' $APPEALS scores in a segment, and the gaps they show."""

    factors: list[tuple[str, str]]
    ours: dict[str, Decimal] = field(default_factory=dict)
    theirs: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    gaps: list[span.Gap] = field(default_factory=list)
    position: Decimal | None = None


def _appeals_from(rows: list[AppealsScore]) -> Appeals:
    result = Appeals(factors=list(AppealsFactor.choices))
    for row in rows:
        if row.competitor_id is None:
            result.ours[row.factor] = row.score
        else:
            result.theirs.setdefault(row.competitor.name, {})[row.factor] = row.score
    result.gaps = span.appeals_gaps(result.ours, result.theirs)
    result.position = span.appeals_position(result.ours, result.theirs)
    return result


def segment_appeals(segment: Segment) -> Appeals:
    return _appeals_from(list(segment.appeals_scores.select_related("competitor").order_by("competitor__name")))


@dataclass
class SpanPoint:
    """One segment on the SPAN chart: its two axes, quadrant, market size and financial gate."""

    segment: Segment
    attractiveness: Decimal | None
    position: Decimal | None
    position_source: str  # "ratings" | "appeals"
    quadrant: str | None
    sam: Decimal | None
    sam_currency: str
    period: str
    gate: span.GateResult
    ratings: dict[str, int] = field(default_factory=dict)


def span_points(segments: list[Segment], *, settings: SpanSettings | None = None) -> list[SpanPoint]:
    """The SPAN point of each segment, in four queries whatever the number of segments."""
    settings = settings or span_settings()
    ids = [s.pk for s in segments]
    active = {c.pk: c for c in criteria()}
    ratings: dict[Any, list[SpanRating]] = defaultdict(list)
    for rating in SpanRating.objects.filter(segment_id__in=ids, criterion_id__in=list(active)):
        ratings[rating.segment_id].append(rating)
    latest: dict[Any, SegmentSizing] = {}
    for sizing in SegmentSizing.objects.filter(segment_id__in=ids).order_by("segment_id", "-period"):
        latest.setdefault(sizing.segment_id, sizing)
    appeals: dict[Any, list[AppealsScore]] = defaultdict(list)
    feeding = [s.pk for s in segments if s.appeals_feed_position]
    if feeding:
        for row in AppealsScore.objects.filter(segment_id__in=feeding).select_related("competitor"):
            appeals[row.segment_id].append(row)
    points = []
    for segment in segments:
        rows = ratings.get(segment.pk, [])
        by_axis: dict[str, list[tuple[Decimal, int]]] = defaultdict(list)
        for r in rows:
            criterion = active[r.criterion_id]
            by_axis[criterion.axis].append((criterion.weight, r.score))
        attractiveness = span.weighted_mean(by_axis[SpanAxis.ATTRACTIVENESS])
        if segment.appeals_feed_position:
            position = _appeals_from(appeals.get(segment.pk, [])).position
            source = "appeals"
        else:
            position = span.weighted_mean(by_axis[SpanAxis.POSITION])
            source = "ratings"
        sizing = latest.get(segment.pk)
        gate = span.financial_gate(revenue=_in_gate_currency(segment, settings), margin_pct=segment.gross_margin_pct,
                                   min_revenue=settings.gate_min_revenue, min_margin_pct=settings.gate_min_margin_pct)
        points.append(SpanPoint(
            segment=segment, attractiveness=attractiveness, position=position, position_source=source,
            quadrant=span.quadrant(attractiveness, position, settings.midpoint),
            sam=sizing.sam if sizing else None, sam_currency=sizing.currency if sizing else "",
            period=sizing.period if sizing else "", gate=gate,
            ratings={active[r.criterion_id].code: r.score for r in rows},
        ))
    return points


def _in_gate_currency(segment: Segment, settings: SpanSettings) -> Decimal:
    """The segment's expected revenue in the gate's currency (dated FX of today when they differ)."""
    if segment.currency == settings.gate_currency:
        return segment.expected_revenue
    from m2c.core.fx import convert
    from m2c.core.money import Money

    try:
        return convert(Money(segment.expected_revenue, segment.currency), settings.gate_currency).amount
    except Exception:  # noqa: BLE001 - no rate: the gate cannot be judged passed
        return Decimal(-1)


def segment_customers(*, user: Any, segment: Segment) -> QuerySet:
    """The customers matching the segment's industry, region subtree and tier that the reader may see."""
    qs = customer_selectors.customer_queryset(user).filter(
        industry=segment.industry, org_unit__path__startswith=segment.region.path)
    if segment.customer_tier:
        qs = qs.filter(tier=segment.customer_tier)
    return qs.order_by("normalized_name")


def _segment_opportunities(*, user: Any, segment: Segment) -> QuerySet:
    qs = opportunity_queryset(user).filter(
        customer__industry=segment.industry, offering_line_id=segment.offering_line_id,
        org_unit__path__startswith=segment.region.path)
    if segment.customer_tier:
        qs = qs.filter(customer__tier=segment.customer_tier)
    return qs


@dataclass
class SegmentBusiness:
    """What the segment yields today, beside its plan: live pipeline, bookings this year, cash collected."""

    customers: int
    open_count: int
    pipeline: Decimal
    won_count: int
    bookings: Decimal
    cash: dict[str, Decimal]
    plan: Decimal
    plan_currency: str
    year: int
    open_deals: list[Any]


def segment_business(*, user: Any, segment: Segment) -> SegmentBusiness:
    """Pipeline and bookings are in the reporting currency (the opportunities' snapshot); cash is per currency."""
    year = timezone.localdate().year
    opps = _segment_opportunities(user=user, segment=segment)
    live = opps.filter(stage__in=OPEN_STAGES)
    won = opps.filter(stage=Stage.WON, closed_at__year=year)
    pipeline = live.aggregate(s=Sum("amount_reporting"))["s"] or Decimal(0)
    bookings = won.aggregate(s=Sum("amount_reporting"))["s"] or Decimal(0)
    contracts = contracts_of_opportunities(opps.filter(stage=Stage.WON).values_list("pk", flat=True))
    cash: dict[str, Decimal] = defaultdict(Decimal)
    for amount, currency in collected_by_contract([c["id"] for c in contracts]).values():
        cash[currency] += amount
    return SegmentBusiness(
        customers=segment_customers(user=user, segment=segment).count(), open_count=live.count(),
        pipeline=pipeline, won_count=won.count(), bookings=bookings, cash=dict(cash),
        plan=segment.expected_revenue, plan_currency=segment.currency, year=year,
        open_deals=list(live.select_related("customer", "owner").order_by("-amount_reporting", "id")[:10]),
    )
