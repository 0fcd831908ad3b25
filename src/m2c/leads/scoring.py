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
import math
from dataclasses import dataclass
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
    # A score is not money: plain floats, rounded once (half up) at the end.
    status = facts.budget_status
    budget = 1.0 if status == "confirmed" else (0.8 if status == "planned" else 0.0)
    if facts.expected_purchase_date:
        days = (facts.expected_purchase_date - today).days
        if days <= FULL_TIMING_DAYS:
            timing = 1.0
        elif days >= ZERO_TIMING_DAYS:
            timing = 0.0
        else:
            timing = (ZERO_TIMING_DAYS - days) / (ZERO_TIMING_DAYS - FULL_TIMING_DAYS)
        timing_detail = f"{max(days, 0)}d"
    else:
        timing, timing_detail = 0.0, ""
    shares = {
        "budget": (budget, status),
        "timing": (timing, timing_detail),
        "decision_chain": (1.0 if facts.decision_chain_known else 0.0, ""),
        "pain": (1.0 if facts.pain_confirmed else 0.0, ""),
        "segment_fit": (1.0 if facts.industry and facts.industry in priority_industries else 0.0, facts.industry),
        "engagement": (min(1.0, facts.touches / 2), str(facts.touches)),
    }
    breakdown = []
    total = 0.0
    for key, weight in weights.items():
        share, detail = shares[key]
        points = weight * share
        total += points
        breakdown.append({"dimension": key, "weight": weight, "points": f"{_half_up(points * 10) / 10:.1f}", "detail": detail})
    return max(0, min(100, _half_up(total))), breakdown


def _half_up(value: float) -> int:
    return int(math.floor(value + 0.5 + 1e-9))


def temperature(value: int, *, warm: int, hot: int) -> str:
    if value >= hot:
        return "hot"
    if value >= warm:
        return "warm"
    return "cold"


def label(dimension: str) -> str:
    return str(DIMENSIONS.get(dimension, dimension))


# Contact roles that count as "decision chain identified".
DECISION_CHAIN_ROLES = frozenset({"decision_maker", "influencer", "purchaser", "technical_evaluator"})


def facts_of(values: dict[str, Any], touches: int, extra_chain: bool = False) -> Facts:
    """The scoring facts of a lead's column values (a dict of attnames) and its number of touches."""
    return Facts(
        budget_status=values.get("budget_status") or "unknown",
        expected_purchase_date=values.get("expected_purchase_date"),
        decision_chain_known=bool(values.get("decision_chain_known")) or extra_chain or values.get("contact_role") in DECISION_CHAIN_ROLES,
        pain_confirmed=bool(values.get("pain_confirmed")),
        industry=values.get("industry") or "",
        touches=touches,
    )
