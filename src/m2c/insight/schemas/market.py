"""API schemas of segments, SPAN, $APPEALS and target-account lists (names unique across the apps)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from pydantic import Field

from m2c.core.schemas import Amount, InSchema, MoneyOut, OutSchema, RefOut, UserRefOut

from .requirements import Text

__all__ = [
    "AppealsGapOut", "AppealsIn", "AppealsOut", "LeadsFromListOut", "MarketCompetitorIn", "MarketCompetitorOut",
    "SegmentBusinessOut", "SegmentDetailOut", "SegmentIn", "SegmentNoteIn", "SegmentOut", "SegmentPatch",
    "SegmentSizingIn", "SegmentSizingOut", "SpanCriterionIn", "SpanCriterionOut", "SpanGateOut", "SpanRatingsIn",
    "SpanSettingsIn", "SpanSettingsOut", "TargetAccountOut", "TargetListIn",
    "TargetListOut", "TargetListPatch",
]

CODE = r"^[-a-zA-Z0-9_]{1,40}$"


class SpanCriterionIn(InSchema):
    axis: str = Field(pattern="^(attractiveness|position)$", examples=["attractiveness"])
    name: Text = Field(max_length=200)
    name_en: Text = Field("", max_length=200)
    weight: int = Field(ge=1, le=1000, description="A whole-number weight; an axis is the weighted mean")
    position: int = Field(0, ge=0, le=1000)
    active: bool = True


class SpanCriterionOut(OutSchema):
    code: str
    axis: str
    name: str
    name_en: str
    weight: Decimal
    position: int
    active: bool


class SpanSettingsIn(InSchema):
    midpoint: Amount | None = None
    gate_min_revenue: Amount | None = None
    gate_currency: str | None = Field(None, pattern="^[A-Z]{3}$")
    gate_min_margin_pct: Amount | None = None


class SpanSettingsOut(OutSchema):
    midpoint: Decimal
    gate_min_revenue: MoneyOut
    gate_min_margin_pct: Decimal


class MarketCompetitorIn(InSchema):
    name: Text = Field(max_length=120)
    description: Text = Field("", max_length=5000)


class MarketCompetitorOut(OutSchema):
    id: uuid.UUID
    name: str
    description: str


class SpanGateOut(OutSchema):
    passed: bool
    revenue_ok: bool
    margin_ok: bool


class SegmentOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    industry: str
    region: RefOut
    offering_line: RefOut
    customer_tier: str
    status: str
    owner: UserRefOut | None
    expected_revenue: MoneyOut
    gross_margin_pct: Decimal
    appeals_feed_position: bool
    attractiveness: Decimal | None = Field(description="Weighted mean of the 1–5 attractiveness ratings")
    position: Decimal | None = Field(description="Weighted mean of the position ratings, or from $APPEALS")
    position_source: str
    quadrant: str | None = Field(description="grow | acquire_skills | harvest | avoid; on the midpoint counts high")
    sam: MoneyOut | None
    gate: SpanGateOut
    version: int


class SegmentIn(InSchema):
    code: str = Field(pattern=CODE)
    name: Text = Field(max_length=200)
    industry: str = Field(pattern="^[a-z_]{1,20}$", examples=["education"])
    region: str = Field(max_length=40, description="Org unit code")
    offering_line: str = Field(max_length=40, description="Offering line code")
    customer_tier: str = Field("", max_length=10)
    description: Text = Field("", max_length=5000)
    expected_revenue: Amount = Decimal(0)
    currency: str = Field("CNY", pattern="^[A-Z]{3}$")
    gross_margin_pct: Amount = Decimal(0)
    appeals_feed_position: bool = False


class SegmentPatch(InSchema):
    name: Text | None = Field(None, max_length=200)
    description: Text | None = Field(None, max_length=5000)
    expected_revenue: Amount | None = None
    currency: str | None = Field(None, pattern="^[A-Z]{3}$")
    gross_margin_pct: Amount | None = None
    appeals_feed_position: bool | None = None


class SegmentNoteIn(InSchema):
    note: Text = Field("", max_length=2000)


class SegmentSizingIn(InSchema):
    period: str = Field(pattern=r"^\d{4}(Q[1-4]|-\d{2})?$", examples=["2026"],
                        description="A year, a quarter (2026Q3) or a month (2026-07)")
    tam: Amount
    sam: Amount
    currency: str = Field("CNY", pattern="^[A-Z]{3}$")
    growth_pct: Amount = Decimal(0)
    share_pct: Amount = Decimal(0)
    competitor_shares: dict[str, Amount] = Field(default_factory=dict, description="Competitor name → share % of SAM")


class CompetitorShareOut(OutSchema):
    competitor: str
    share_pct: Decimal


class SegmentSizingOut(OutSchema):
    period: str
    tam: MoneyOut
    sam: MoneyOut
    growth_pct: Decimal
    share_pct: Decimal
    competitor_shares: list[CompetitorShareOut]


class SpanRatingsIn(InSchema):
    scores: dict[str, int] = Field(description="SPAN criterion code → rating 1–5", examples=[{"growth": 4}])


class AppealsIn(InSchema):
    competitor: str | None = Field(None, max_length=120, description="Competitor name; empty for our own scores")
    scores: dict[str, Amount] = Field(description="Factor (price, availability, packaging, performance, ease_of_use, "
                                                  "assurances, life_cycle_cost, social_acceptance) → score 1–5",
                                      examples=[{"price": "3.5", "performance": "4"}])


class AppealsGapOut(OutSchema):
    factor: str
    competitor: str
    theirs: Decimal
    ours: Decimal
    gap: Decimal


class AppealsOut(OutSchema):
    ours: dict[str, Decimal]
    competitors: dict[str, dict[str, Decimal]]
    gaps: list[AppealsGapOut]
    position: Decimal | None


class SegmentBusinessOut(OutSchema):
    customers: int
    open_opportunities: int
    pipeline: MoneyOut
    won_this_year: int
    bookings_this_year: MoneyOut
    cash_collected: list[MoneyOut]
    plan: MoneyOut


class SegmentDetailOut(SegmentOut):
    description: str
    ratings: dict[str, int]
    sizings: list[SegmentSizingOut]
    appeals: AppealsOut
    business: SegmentBusinessOut


class TargetListIn(InSchema):
    name: Text = Field(max_length=200)
    segment: uuid.UUID | None = None
    org_unit: str | None = Field(None, max_length=40, description="Org unit code owning the list")
    industries: list[str] = Field(default_factory=list, max_length=20)
    region: str | None = Field(None, max_length=40, description="Org unit code")
    tiers: list[str] = Field(default_factory=list, max_length=5)
    installed_base: str = Field("any", pattern="^(any|with|without)$")
    no_open_opportunity: bool = False
    last_contact_days: int | None = Field(None, ge=1, le=3650)


class TargetListPatch(InSchema):
    name: Text | None = Field(None, max_length=200)
    industries: list[str] | None = Field(None, max_length=20)
    region: str | None = Field(None, max_length=40)
    tiers: list[str] | None = Field(None, max_length=5)
    installed_base: str | None = Field(None, pattern="^(any|with|without)$")
    no_open_opportunity: bool | None = None
    last_contact_days: int | None = Field(None, ge=1, le=3650)


class TargetListOut(OutSchema):
    id: uuid.UUID
    name: str
    segment: RefOut | None
    org_unit: RefOut
    industries: list[str]
    region: RefOut | None
    tiers: list[str]
    installed_base: str
    no_open_opportunity: bool
    last_contact_days: int | None
    refreshed_at: dt.datetime | None
    member_count: int


class TargetAccountOut(OutSchema):
    customer_id: uuid.UUID
    legal_name: str
    industry: str
    tier: str
    org_unit: str | None
    added_at: dt.datetime
    lead_id: uuid.UUID | None


class LeadsFromListOut(OutSchema):
    created: int
    merged: int
    rejected: int
    errors: list[dict[str, str]]
