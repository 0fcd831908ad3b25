"""Reads of the insight app, scoped: requirements, segments with their SPAN and $APPEALS, target-account lists."""

from .backlog import (
    BACKLOG_STATUSES,
    URGENCY_WEIGHT,
    BacklogRow,
    backlog,
    linkable_opportunities,
    opportunity_visible,
    requirement_value,
    solution_gaps,
)
from .centers import center_get, center_list, center_queryset, center_queue
from .innovation import innovation_get, innovation_list, innovation_queryset, innovation_requirements
from .market import (
    SEGMENT_SCOPE,
    SpanPoint,
    competitor_list,
    competitor_names_seen,
    criteria,
    segment_appeals,
    segment_business,
    segment_customers,
    segment_get,
    segment_list,
    segment_queryset,
    segment_sizings,
    span_points,
    span_settings,
)
from .plans import (
    PlanProgress,
    business_plan_get,
    business_plan_list,
    business_plan_progress,
    business_plan_queryset,
    key_account_detail,
    key_account_get,
    key_account_linkable,
    key_account_list,
    key_account_queryset,
    period_range,
)
from .reports import (
    insight_report_get,
    insight_report_list,
    insight_report_queryset,
    insight_reports_due,
)
from .requirements import (
    REQUIREMENT_SCOPE,
    requirement_counts_by_status,
    requirement_get,
    requirement_list,
    requirement_queryset,
)
from .sources import RequirementOrigin, requirement_origin
from .targets import (
    target_audience,
    target_list_get,
    target_list_list,
    target_list_members,
    target_list_queryset,
    target_matches,
)

__all__ = [
    "innovation_get", "innovation_list", "innovation_queryset", "innovation_requirements",
    "center_get", "center_list", "center_queryset", "center_queue",
    "insight_report_get", "insight_report_list", "insight_report_queryset", "insight_reports_due",
    "PlanProgress", "business_plan_get", "business_plan_list", "business_plan_progress", "business_plan_queryset",
    "key_account_detail", "key_account_get", "key_account_linkable", "key_account_list", "key_account_queryset",
    "period_range",
    "BACKLOG_STATUSES", "URGENCY_WEIGHT", "BacklogRow", "backlog", "linkable_opportunities", "opportunity_visible",
    "requirement_value", "solution_gaps", "RequirementOrigin", "requirement_origin",
    "REQUIREMENT_SCOPE", "SEGMENT_SCOPE", "SpanPoint", "competitor_list", "competitor_names_seen", "criteria",
    "requirement_counts_by_status", "requirement_get", "requirement_list", "requirement_queryset",
    "segment_appeals", "segment_business", "segment_customers", "segment_get", "segment_list",
    "segment_queryset", "segment_sizings", "span_points", "span_settings", "target_audience",
    "target_list_get", "target_list_list", "target_list_members", "target_list_queryset", "target_matches",
]
