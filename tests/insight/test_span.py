"""SPAN axes, quadrants, the midpoint boundary, the financial gate and $APPEALS gaps, with hand-checked numbers.

The default criteria (migration 0003) weigh attractiveness market size 3, growth 2, profit potential 3,
strategic value 2 (Σ 10) and competitive position differentiation 3, cost and asset advantage 2 (Σ 5).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event
from m2c.insight import selectors, services, span
from m2c.insight.states import Quadrant, SegmentStatus

D = Decimal


@pytest.fixture
def segment(org, users, lines):
    return services.segment_create(
        actor=users.marketing, code="edu-east-campus", name="华东高校园区网", industry="education", region=org.east,
        offering_line=lines.campus, expected_revenue="10000000", currency="CNY", gross_margin_pct="25")


def point(segment):
    return selectors.span_points([segment])[0]


def rate(users, segment, **scores):
    services.segment_rate(actor=users.marketing, segment=segment, scores=scores)
    return point(segment)


def test_axes_are_weighted_means_and_a_position_on_the_midpoint_is_strong(users, segment):
    # attractiveness (3·4 + 2·5 + 3·2 + 2·3) / 10 = 34 / 10 = 3.40; position (3·3 + 2·3) / 5 = 3.00
    p = rate(users, segment, market_size=4, growth=5, profit_potential=2, strategic_value=3,
             differentiation=3, cost_advantage=3)
    assert (p.attractiveness, p.position) == (D("3.40"), D("3.00"))
    assert p.quadrant == Quadrant.GROW  # 3.00 is on the midpoint: strong


def test_weak_position_gives_acquire_skills(users, segment):
    # position (3·2 + 2·4) / 5 = 14 / 5 = 2.80 < 3.0
    p = rate(users, segment, market_size=4, growth=5, profit_potential=2, strategic_value=3,
             differentiation=2, cost_advantage=4)
    assert (p.attractiveness, p.position, p.quadrant) == (D("3.40"), D("2.80"), Quadrant.ACQUIRE_SKILLS)


def test_attractiveness_on_the_midpoint_is_high_and_just_below_is_low(users, segment):
    p = rate(users, segment, market_size=3, growth=3, profit_potential=3, strategic_value=3,
             differentiation=2, cost_advantage=2)
    assert (p.attractiveness, p.position, p.quadrant) == (D("3.00"), D("2.00"), Quadrant.ACQUIRE_SKILLS)
    # (3·2 + 2·3 + 3·3 + 2·3) / 10 = 2.70: low; position (3·4 + 2·4)/5 = 4.00: strong → harvest
    p = rate(users, segment, market_size=2, differentiation=4, cost_advantage=4)
    assert (p.attractiveness, p.position, p.quadrant) == (D("2.70"), D("4.00"), Quadrant.HARVEST)
    p = rate(users, segment, differentiation=1, cost_advantage=1)
    assert (p.position, p.quadrant) == (D("1.00"), Quadrant.AVOID)


def test_the_midpoint_is_configurable(users, segment):
    rate(users, segment, market_size=4, growth=5, profit_potential=2, strategic_value=3,
         differentiation=3, cost_advantage=3)
    services.span_settings_update(actor=users.admin, midpoint="3.5")
    p = point(segment)
    # 3.40 < 3.5 and 3.00 < 3.5: low attractiveness, weak position
    assert p.quadrant == Quadrant.AVOID
    services.span_settings_update(actor=users.admin, midpoint="3.4")
    assert point(segment).quadrant == Quadrant.ACQUIRE_SKILLS  # 3.40 on the midpoint: high
    with pytest.raises(PermissionDenied):
        services.span_settings_update(actor=users.marketing, midpoint="2")


def test_unrated_segment_has_no_quadrant_and_bad_ratings_name_the_field(users, segment):
    assert point(segment).quadrant is None
    with pytest.raises(ValidationFailed) as exc:
        services.segment_rate(actor=users.marketing, segment=segment, scores={"market_size": 6, "nope": 3,
                                                                               "growth": "2.5"})
    fields = {e["field"] for e in exc.value.errors}
    assert fields == {"scores.market_size", "scores.nope", "scores.growth"}
    assert not segment.span_ratings.exists()


def test_financial_gate_is_inclusive_and_guards_prioritisation(users, segment):
    services.span_settings_update(actor=users.admin, gate_min_revenue="10000000", gate_currency="CNY",
                                  gate_min_margin_pct="25")
    assert point(segment).gate == span.GateResult(True, True, True)
    services.segment_update(actor=users.marketing, segment=segment, expected_revenue="9999999.99",
                            gross_margin_pct="24.99")
    assert point(segment).gate == span.GateResult(False, False, False)
    with pytest.raises(ValidationFailed) as exc:
        services.segment_prioritise(actor=users.marketing, segment=segment)
    assert {e["field"] for e in exc.value.errors} == {"expected_revenue", "gross_margin_pct"}
    segment.refresh_from_db()
    assert segment.status == SegmentStatus.CANDIDATE
    assert not Event.objects.filter(event_type="insight.segment.prioritised").exists()
    services.segment_update(actor=users.marketing, segment=segment, expected_revenue="10000000")
    with pytest.raises(ValidationFailed) as exc:  # revenue now passes, the margin still fails
        services.segment_prioritise(actor=users.marketing, segment=segment)
    assert [e["field"] for e in exc.value.errors] == ["gross_margin_pct"]
    services.segment_update(actor=users.marketing, segment=segment, gross_margin_pct="25")
    services.segment_prioritise(actor=users.marketing, segment=segment)
    assert segment.status == SegmentStatus.PRIORITISED
    with pytest.raises(InvalidTransition):
        services.segment_prioritise(actor=users.marketing, segment=segment)
    with pytest.raises(PermissionDenied):
        services.segment_deprioritise(actor=users.ar, segment=segment)


def test_appeals_gaps_and_the_position_they_feed(users, segment):
    a = services.competitor_create(actor=users.marketing, name="竞争对手甲")
    b = services.competitor_create(actor=users.marketing, name="竞争对手乙")
    services.segment_score_appeals(actor=users.marketing, segment=segment, scores={"price": "3", "performance": "4"})
    services.segment_score_appeals(actor=users.marketing, segment=segment, competitor=a,
                                   scores={"price": "4.5", "performance": "3.5"})
    services.segment_score_appeals(actor=users.marketing, segment=segment, competitor=b,
                                   scores={"price": "2", "performance": "5"})
    appeals = selectors.segment_appeals(segment)
    assert [(g.factor, g.competitor, g.size) for g in appeals.gaps] == [
        ("price", "竞争对手甲", D("1.5")), ("performance", "竞争对手乙", D("1.0"))]
    # 3 + mean(3 − 4.5, 4 − 5) = 3 + (−1.5 − 1) / 2 = 1.75
    assert appeals.position == D("1.75")
    rate(users, segment, market_size=4, growth=5, profit_potential=2, strategic_value=3,
         differentiation=5, cost_advantage=5)
    assert point(segment).position == D("5.00")
    services.segment_update(actor=users.marketing, segment=segment, appeals_feed_position=True)
    p = point(segment)
    assert (p.position, p.position_source, p.quadrant) == (D("1.75"), "appeals", Quadrant.ACQUIRE_SKILLS)


def test_appeals_position_bounds_and_without_competitors():
    assert span.appeals_position({"price": D(4), "performance": D(5)}, {}) == D("4.50")
    assert span.appeals_position({"price": D(5)}, {"x": {"price": D(1)}}) == D("5.00")  # 3 + 4 clamped to 5
    assert span.appeals_position({"price": D(1)}, {"x": {"price": D(5)}}) == D("1.00")
    assert span.appeals_position({}, {"x": {"price": D(5)}}) is None


def test_sizing_validates_and_keeps_competitor_shares(users, segment):
    a = services.competitor_create(actor=users.marketing, name="竞争对手甲")
    with pytest.raises(ValidationFailed) as exc:
        services.segment_size(actor=users.marketing, segment=segment, period="26", tam="100", sam="200",
                              share_pct="60", competitor_shares={a.pk: "50"})
    assert {e["field"] for e in exc.value.errors} == {"period", "sam", "competitor_shares"}
    sizing = services.segment_size(actor=users.marketing, segment=segment, period="2026", tam="800000000",
                                   sam="300000000", growth_pct="12.5", share_pct="18", competitor_shares={a.pk: "35"})
    assert [(s.competitor.name, s.share_pct) for s in sizing.competitor_shares.all()] == [("竞争对手甲", D("35"))]
    assert point(segment).sam == D("300000000")
