"""Commands of the insight app: requirements (7.6), market management (7.3) and target-account lists."""

from .market import (
    competitor_create,
    require_financial_gate,
    segment_create,
    segment_deprioritise,
    segment_prioritise,
    segment_rate,
    segment_retire,
    segment_score_appeals,
    segment_size,
    segment_update,
    span_criterion_save,
    span_settings_update,
)
from .requirements import (
    requirement_close,
    requirement_create,
    requirement_dispose,
    requirement_implement,
    requirement_start_analysis,
    requirement_verify,
)
from .targets import target_list_create, target_list_refresh, target_list_to_leads, target_list_update

__all__ = [
    "competitor_create", "require_financial_gate", "requirement_close", "requirement_create", "requirement_dispose",
    "requirement_implement", "requirement_start_analysis", "requirement_verify", "segment_create",
    "segment_deprioritise", "segment_prioritise", "segment_rate", "segment_retire", "segment_score_appeals",
    "segment_size", "segment_update", "span_criterion_save", "span_settings_update", "target_list_create",
    "target_list_refresh", "target_list_to_leads", "target_list_update",
]
