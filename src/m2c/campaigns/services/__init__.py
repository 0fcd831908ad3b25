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
from .consent import consent_record, unsubscribe, unsubscribe_token  # noqa: F401
from .evaluations import campaign_figures, evaluation_record, evaluations_schedule  # noqa: F401
from .invitations import campaign_emails_send, campaign_invite  # noqa: F401
from .registrations import check_in, registration_create  # noqa: F401
from .responses import journey_advance, response_convert, response_create, responses_convert_pending  # noqa: F401
