"""The lead score (0–100) with configurable weights, and its temperature (domain.md 3.4).

Each dimension earns a share of its weight; the breakdown lists every dimension with the points it
earned and why, so the lead page and the API can show how the number came about.

- budget: confirmed 100 %, planned 80 %, unknown 0;
- timing: decision within 6 months 100 %, then linearly less down to 0 at 18 months;
- decision chain identified (flag or a decision-chain contact): 100 %;
- pain or urgency confirmed: 100 %;
- segment fit: the industry is a priority segment: 100 %;
- engagement: 50 % per campaign touch, at most 100 %.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

DEFAULT_WEIGHTS = {"budget": 25, "timing": 20, "decision_chain": 20, "pain": 15, "segment_fit": 10, "engagement": 10}
DIMENSIONS = {
    "budget": _("Budget or funding known"),
    "timing": _("Timing within 6 months"),
    "decision_chain": _("Decision chain identified"),
    "pain": _("Pain or urgency confirmed"),
    "segment_fit": _("Segment fit (priority segment)"),
    "engagement": _("Engagement (campaign touches)"),
}
DEFAULT_PRIORITY_INDUSTRIES = ["education", "government", "finance", "healthcare"]
FULL_TIMING_DAYS = 183
ZERO_TIMING_DAYS = 548


@dataclass(slots=True)
class Facts:
    budget_status: str = "unknown"
    expected_purchase_date: dt.date | None = None
    decision_chain_known: bool = False
    pain_confirmed: bool = False
    industry: str = ""
    touches: int = 0


def weights_of(config: Any) -> dict[str, int]:
    weights = dict(DEFAULT_WEIGHTS)
    for key, value in (getattr(config, "weights", None) or {}).items():
        if key in weights:
            weights[key] = int(value)
    return weights


def score(facts: Facts, *, weights: dict[str, int], priority_industries: list[str], today: dt.date) -> tuple[int, list[dict]]:
    shares: dict[str, tuple[Decimal, str]] = {}
    status = facts.budget_status
    shares["budget"] = (
        {"confirmed": Decimal(1), "planned": Decimal("0.8")}.get(status, Decimal(0)),
        status,
    )
    if facts.expected_purchase_date:
        days = (facts.expected_purchase_date - today).days
        if days <= FULL_TIMING_DAYS:
            share = Decimal(1)
        elif days >= ZERO_TIMING_DAYS:
            share = Decimal(0)
        else:
            share = Decimal(ZERO_TIMING_DAYS - days) / Decimal(ZERO_TIMING_DAYS - FULL_TIMING_DAYS)
        shares["timing"] = (share, f"{max(days, 0)}d")
    else:
        shares["timing"] = (Decimal(0), "")
    shares["decision_chain"] = (Decimal(int(facts.decision_chain_known)), "")
    shares["pain"] = (Decimal(int(facts.pain_confirmed)), "")
    shares["segment_fit"] = (Decimal(int(bool(facts.industry) and facts.industry in priority_industries)), facts.industry)
    shares["engagement"] = (min(Decimal(1), Decimal(facts.touches) / 2), str(facts.touches))
    breakdown = []
    total = Decimal(0)
    for key, weight in weights.items():
        share, detail = shares[key]
        points = (Decimal(weight) * share).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        total += Decimal(weight) * share
        breakdown.append({"dimension": key, "weight": weight, "points": str(points), "detail": detail})
    value = int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(0, min(100, value)), breakdown


def temperature(value: int, *, warm: int, hot: int) -> str:
    if value >= hot:
        return "hot"
    if value >= warm:
        return "warm"
    return "cold"


def label(dimension: str) -> str:
    return str(DIMENSIONS.get(dimension, dimension))
