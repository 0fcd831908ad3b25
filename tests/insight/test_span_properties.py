"""Properties of the SPAN arithmetic over any weights and ratings (Hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from m2c.insight import span
from m2c.insight.states import Quadrant

weights = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2)
ratings = st.integers(min_value=1, max_value=5)
scores = st.decimals(min_value=1, max_value=5, places=1)
FACTORS = ["price", "availability", "packaging", "performance"]


@given(st.lists(st.tuples(weights, ratings), min_size=1, max_size=8))
def test_an_axis_lies_between_its_lowest_and_highest_rating(pairs):
    axis = span.weighted_mean(pairs)
    assert min(r for _w, r in pairs) <= axis <= max(r for _w, r in pairs)


@given(st.lists(st.tuples(weights, ratings), min_size=1, max_size=8), ratings)
def test_equal_ratings_give_that_rating_whatever_the_weights(pairs, r):
    assert span.weighted_mean([(w, r) for w, _r in pairs]) == Decimal(r)


@given(st.decimals(min_value=1, max_value=5, places=2), st.decimals(min_value=1, max_value=5, places=2),
       st.decimals(min_value=1, max_value=5, places=2))
def test_quadrants_split_on_the_midpoint_with_the_midpoint_high(a, p, mid):
    q = span.quadrant(a, p, mid)
    high, strong = a >= mid, p >= mid
    assert q == {(True, True): Quadrant.GROW, (True, False): Quadrant.ACQUIRE_SKILLS,
                 (False, True): Quadrant.HARVEST, (False, False): Quadrant.AVOID}[(high, strong)]


@given(st.dictionaries(st.sampled_from(FACTORS), scores, min_size=1),
       st.dictionaries(st.sampled_from(["甲", "乙"]), st.dictionaries(st.sampled_from(FACTORS), scores), max_size=2))
def test_appeals_position_stays_on_the_scale_and_gaps_are_positive(ours, theirs):
    position = span.appeals_position(ours, theirs)
    assert Decimal(1) <= position <= Decimal(5)
    for gap in span.appeals_gaps(ours, theirs):
        assert gap.size > 0 and theirs[gap.competitor][gap.factor] == gap.theirs and ours[gap.factor] == gap.ours
