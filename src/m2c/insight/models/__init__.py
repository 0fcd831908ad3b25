"""Market insight and management tables: requirements, segments with SPAN and $APPEALS, target-account lists."""

from .market import (
    AppealsScore,
    Competitor,
    CompetitorShare,
    Segment,
    SegmentSizing,
    SpanCriterion,
    SpanRating,
    SpanSettings,
)
from .requirements import Requirement
from .targets import TargetList, TargetListMember

__all__ = [
    "AppealsScore", "Competitor", "CompetitorShare", "Requirement", "Segment", "SegmentSizing", "SpanCriterion",
    "SpanRating", "SpanSettings", "TargetList", "TargetListMember",
]
