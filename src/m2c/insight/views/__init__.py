"""Pages of the insight app: requirements, segments (SPAN, $APPEALS) and target-account lists."""

from .backlog import backlog, backlog_export, requirement_raise
from .centers import center_home, center_list
from .innovation import innovation_create, innovation_detail, innovation_edit, innovation_list
from .market import segment_create, segment_detail, segment_edit, segment_list
from .plans import (
    business_plan_create,
    business_plan_edit,
    business_plan_list,
    key_account_create,
    key_account_detail,
    key_account_edit,
    key_account_list,
)
from .reports import report_create, report_detail, report_edit, report_file, report_list
from .requirements import requirement_detail, requirement_export, requirement_list
from .targets import target_list_create, target_list_detail, target_list_edit, target_list_list

__all__ = [
    "innovation_create", "innovation_detail", "innovation_edit", "innovation_list",
    "center_home", "center_list",
    "report_create", "report_detail", "report_edit", "report_file", "report_list",
    "business_plan_create", "business_plan_edit", "business_plan_list", "key_account_create", "key_account_detail",
    "key_account_edit", "key_account_list",
    "backlog", "backlog_export", "requirement_raise",
    "requirement_detail", "requirement_export", "requirement_list", "segment_create", "segment_detail",
    "segment_edit", "segment_list", "target_list_create", "target_list_detail", "target_list_edit",
    "target_list_list",
]
