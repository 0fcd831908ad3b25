"""Market insight and management tables: requirements, segments with SPAN and $APPEALS, target-account lists."""

from .backlog import RequirementLink
from .innovation import InnovationMilestone, InnovationOutput, InnovationParticipant, InnovationProject
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
from .plans import BusinessPlan, KeyAccountAction, KeyAccountContact, KeyAccountLink, KeyAccountPlan
from .reports import InsightAttachment, InsightReport
from .requirements import Requirement
from .targets import TargetList, TargetListMember

__all__ = [
    "InnovationMilestone", "InnovationOutput", "InnovationParticipant", "InnovationProject",
    "InsightAttachment", "InsightReport",
    "BusinessPlan", "KeyAccountAction", "KeyAccountContact", "KeyAccountLink", "KeyAccountPlan",
    "AppealsScore", "Competitor", "CompetitorShare", "Requirement", "RequirementLink", "Segment", "SegmentSizing", "SpanCriterion",
    "SpanRating", "SpanSettings", "TargetList", "TargetListMember",
]
