"""Lead commands. Every write of the leads app goes through here: API, web pages, imports, tasks.

By job: :mod:`.intake` (capture through :mod:`m2c.leads.capture`), :mod:`.lead` (editing),
:mod:`.routing` (routing, accept, return, assign), :mod:`.work` (activities, nurture, disqualify,
review), :mod:`.merge`, :mod:`.conversion`, :mod:`.sweeps` and :mod:`.config`. Stored leads move
through ``LEAD_MACHINE``.
"""

from .common import CAPTURE_ROLES, CONVERSION_HORIZON_DAYS, MAX_BULK, WORK_ROLES, _as_input
from .config import WORKING_STATES, saved_view_create, saved_view_delete, settings_update
from .conversion import conversion_gaps, lead_convert
from .intake import (
    _serialize_capture,
    lead_capture_response,
    lead_capture_responses,
    lead_create,
    lead_create_bulk,
    lead_create_idempotent,
    lead_submit_web_form,
)
from .lead import EDITABLE, lead_add_contact, lead_rescore, lead_update, touch_add
from .merge import lead_merge, lead_merge_preview, lead_merge_undo, merge_explain
from .routing import lead_accept, lead_assign, lead_return
from .routing_rules import routing_rule_create, routing_rule_move, routing_rule_update
from .sweeps import review_sweep, sla_sweep, stale_sweep
from .validity import lead_revalidate, lead_revalidate_many
from .work import lead_disqualify, lead_log_activity, lead_mark_reviewed, lead_recycle, lead_requalify

__all__ = [
    "routing_rule_create", "routing_rule_move", "routing_rule_update",
    "CAPTURE_ROLES", "CONVERSION_HORIZON_DAYS", "EDITABLE", "MAX_BULK", "WORKING_STATES", "WORK_ROLES", "_as_input",
    "_serialize_capture", "conversion_gaps", "lead_accept", "lead_add_contact", "lead_capture_response", "lead_capture_responses", "lead_assign", "lead_convert",
    "lead_create", "lead_create_bulk", "lead_create_idempotent", "lead_disqualify", "lead_log_activity",
    "lead_mark_reviewed", "lead_merge", "lead_merge_preview", "lead_merge_undo", "lead_recycle", "lead_requalify",
    "lead_rescore", "lead_return", "lead_revalidate", "lead_revalidate_many", "lead_submit_web_form", "lead_update", "merge_explain", "review_sweep",
    "saved_view_create", "saved_view_delete", "settings_update", "sla_sweep", "stale_sweep", "touch_add",
]
