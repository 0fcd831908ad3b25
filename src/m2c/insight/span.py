"""SPAN and $APPEALS arithmetic (domain.md 7.3), free of the database so the numbers can be checked by hand.

- An axis is the weighted mean of its criteria's 1–5 ratings: Σ(weight × rating) / Σ(weight) over the
  criteria rated; no rating, no axis.
- The quadrant compares each axis with the midpoint (default 3.0). **A score equal to the midpoint counts
  as high / strong**: 3.0 attractiveness is "high", 3.0 position is "strong" (the threshold is the lower
  bound of the upper half, as a pass mark is).
- The financial gate passes when expected revenue ≥ the minimum and the expected gross margin ≥ the
  minimum margin; a segment is prioritised only through it.
- $APPEALS: a gap is a factor where a competitor scores above us, by how much. When a segment lets
  $APPEALS set its competitive position, the position is 3 + the mean over the factors we scored of
  (our score − the best competitor's score on that factor), kept within 1–5: level with the best rival
  everywhere is 3.0. With no competitor scored, it is our own mean score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .states import Quadrant

TWO_PLACES = Decimal("0.01")
ONE = Decimal(1)
FIVE = Decimal(5)


def weighted_mean(pairs: Iterable[tuple[Decimal, int | Decimal]]) -> Decimal | None:
    """(weight, rating) pairs → Σ(w·r)/Σw rounded half-up to two places; ``None`` when nothing is rated."""
    total = Decimal(0)
    weights = Decimal(0)
    for weight, rating in pairs:
        total += Decimal(weight) * Decimal(rating)
        weights += Decimal(weight)
    if weights == 0:
        return None
    return (total / weights).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def quadrant(attractiveness: Decimal | None, position: Decimal | None, midpoint: Decimal = Decimal(3)) -> str | None:
    """The SPAN quadrant; on the midpoint counts as high attractiveness / strong position."""
    if attractiveness is None or position is None:
        return None
    high = attractiveness >= midpoint
    strong = position >= midpoint
    if high and strong:
        return Quadrant.GROW
    if high:
        return Quadrant.ACQUIRE_SKILLS
    if strong:
        return Quadrant.HARVEST
    return Quadrant.AVOID


@dataclass(frozen=True)
class GateResult:
    passed: bool
    revenue_ok: bool
    margin_ok: bool


def financial_gate(*, revenue: Decimal, margin_pct: Decimal, min_revenue: Decimal, min_margin_pct: Decimal) -> GateResult:
    """Both thresholds are inclusive: revenue equal to the minimum passes."""
    revenue_ok = revenue >= min_revenue
    margin_ok = margin_pct >= min_margin_pct
    return GateResult(revenue_ok and margin_ok, revenue_ok, margin_ok)


@dataclass(frozen=True)
class Gap:
    factor: str
    competitor: str
    theirs: Decimal
    ours: Decimal

    @property
    def size(self) -> Decimal:
        return self.theirs - self.ours


def appeals_gaps(ours: dict[str, Decimal], theirs: dict[str, dict[str, Decimal]]) -> list[Gap]:
    """Factors where a competitor leads us, largest lead first (then factor, competitor for a stable order).

    ``ours`` maps factor → our score, ``theirs`` competitor name → factor → score. A factor we have not
    scored shows no gap: there is nothing to compare.
    """
    gaps = [
        Gap(factor, name, score, ours[factor])
        for name, scores in theirs.items()
        for factor, score in scores.items()
        if factor in ours and score > ours[factor]
    ]
    return sorted(gaps, key=lambda g: (-g.size, g.factor, g.competitor))


def appeals_position(ours: dict[str, Decimal], theirs: dict[str, dict[str, Decimal]]) -> Decimal | None:
    """The competitive position $APPEALS gives (see the module docstring)."""
    if not ours:
        return None
    if not any(theirs.values()):
        return (sum(ours.values(), Decimal(0)) / len(ours)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    deltas = []
    for factor, score in ours.items():
        rivals = [scores[factor] for scores in theirs.values() if factor in scores]
        deltas.append(score - max(rivals) if rivals else Decimal(0))
    value = Decimal(3) + sum(deltas, Decimal(0)) / len(deltas)
    return min(FIVE, max(ONE, value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
