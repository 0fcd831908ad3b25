"""Every write of the opportunities app: one typed function per business command, ``<entity>_<verb>``.

Each runs in a transaction, checks permission, applies its state machine and records its event. Other
apps import from here (the leads app calls :func:`opportunity_create` when converting a lead).
"""

from .config import (
    authority_matrix_publish,
    checklist_publish,
    decision_body_add_member,
    decision_body_create,
    decision_body_remove_member,
    decision_body_update,
    price_list_save,
    price_list_update,
    product_save,
    settings_update,
)
from .gate_conditions import condition_close, condition_remind_due, condition_waive
from .gate_decisions import gate_decide
from .gates import (
    contract_review_create,
    gate_answer_upload,
    gate_review_assign,
    gate_review_create,
    gate_review_submit,
    gate_review_update,
    gate_review_withdraw,
)
from .opportunity import opportunity_create, opportunity_set_forecast_category, opportunity_update
from .quotes import (
    bid_record,
    bid_submit,
    quote_approve,
    quote_create,
    quote_line_add,
    quote_line_remove,
    quote_line_update,
    quote_reject,
    quote_request_approval,
    quote_submit,
    quote_update,
    quote_withdraw,
)
from .stages import (
    opportunity_abandon,
    opportunity_advance,
    opportunity_hold,
    opportunity_lose,
    opportunity_move,
    opportunity_raise_requirement,
    opportunity_resume,
    opportunity_send_back_to_bid,
    opportunity_win,
)
from .team import (
    activity_log,
    competitor_add,
    competitor_remove,
    competitor_update,
    program_create,
    risk_add,
    risk_close,
    risk_mitigate,
    risk_reopen,
    risk_update,
    stakeholder_add,
    stakeholder_remove,
    stakeholder_update,
    stakeholders_from_lead,
    team_assign,
    team_end,
)

__all__ = [
    "activity_log", "authority_matrix_publish", "bid_record", "bid_submit", "checklist_publish", "competitor_add",
    "competitor_remove", "competitor_update", "condition_close", "condition_remind_due", "condition_waive",
    "decision_body_add_member", "decision_body_create", "decision_body_remove_member", "decision_body_update", "gate_answer_upload",
    "gate_decide", "gate_review_assign", "gate_review_create", "gate_review_submit", "gate_review_update",
    "gate_review_withdraw", "opportunity_abandon", "opportunity_advance", "opportunity_create", "opportunity_hold",
    "opportunity_lose", "opportunity_move", "opportunity_raise_requirement", "opportunity_resume",
    "opportunity_send_back_to_bid", "opportunity_set_forecast_category", "opportunity_update", "opportunity_win", "contract_review_create",
    "price_list_save", "price_list_update", "product_save", "program_create", "quote_approve", "quote_create", "quote_line_add",
    "quote_line_remove", "quote_line_update", "quote_reject", "quote_request_approval", "quote_submit",
    "quote_update", "quote_withdraw", "risk_add", "risk_close", "risk_mitigate", "risk_reopen", "risk_update", "settings_update", "stakeholder_add",
    "stakeholder_remove", "stakeholder_update", "stakeholders_from_lead", "team_assign", "team_end",
]
