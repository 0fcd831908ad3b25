"""Commands of the insight app: requirements (7.6), market management (7.3) and target-account lists."""

from .backlog import requirement_link_opportunity, requirement_raise, requirement_revalue
from .innovation import (
    innovation_cancel,
    innovation_complete,
    innovation_create,
    innovation_milestone_add,
    innovation_milestone_done,
    innovation_output_add,
    innovation_participant_add,
    innovation_raise_requirement,
    innovation_start,
    innovation_update,
)
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
from .plans import (
    business_plan_create,
    business_plan_update,
    key_account_action_add,
    key_account_action_done,
    key_account_contact_add,
    key_account_link_add,
    key_account_plan_activate,
    key_account_plan_close,
    key_account_plan_create,
    key_account_plan_update,
)
from .reports import (
    insight_report_attach,
    insight_report_create,
    insight_report_publish,
    insight_report_update,
    insight_report_withdraw,
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
    "innovation_cancel", "innovation_complete", "innovation_create", "innovation_milestone_add",
    "innovation_milestone_done", "innovation_output_add", "innovation_participant_add",
    "innovation_raise_requirement", "innovation_start", "innovation_update",
    "insight_report_attach", "insight_report_create", "insight_report_publish", "insight_report_update",
    "insight_report_withdraw",
    "business_plan_create", "business_plan_update", "key_account_action_add", "key_account_action_done",
    "key_account_contact_add", "key_account_link_add", "key_account_plan_activate", "key_account_plan_close",
    "key_account_plan_create", "key_account_plan_update",
    "requirement_link_opportunity", "requirement_raise", "requirement_revalue",
    "competitor_create", "require_financial_gate", "requirement_close", "requirement_create", "requirement_dispose",
    "requirement_implement", "requirement_start_analysis", "requirement_verify", "segment_create",
    "segment_deprioritise", "segment_prioritise", "segment_rate", "segment_retire", "segment_score_appeals",
    "segment_size", "segment_update", "span_criterion_save", "span_settings_update", "target_list_create",
    "target_list_refresh", "target_list_to_leads", "target_list_update",
]
