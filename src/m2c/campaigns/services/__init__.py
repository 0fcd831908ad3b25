"""Campaign commands: the plan and its life cycle (``campaigns``), budgets, their ledger and expenses
(``budgets``)."""

from .assets import (  # noqa: F401
    asset_create,
    asset_expiry_sweep,
    asset_publish,
    asset_retire,
    asset_return,
    asset_submit,
    asset_update,
    asset_version_upload,
    campaign_asset_link,
    campaign_asset_unlink,
)
from .budgets import (  # noqa: F401
    budget_allocate,
    budget_create,
    campaign_budget_reapprove,
    campaign_expense_add,
)
from .campaigns import (  # noqa: F401
    PLAN_FIELDS,
    campaign_approve,
    campaign_cancel,
    campaign_close,
    campaign_create,
    campaign_evaluate,
    campaign_finish,
    campaign_prepare,
    campaign_reject,
    campaign_start,
    campaign_submit,
    campaign_update,
)
from .evaluations import campaign_figures, evaluation_record, evaluations_schedule  # noqa: F401
