"""Every write of the partners app: one function per business command."""

from .certification import (  # noqa: F401
    certificate_record,
    certification_apply,
    certification_grant,
    certification_renew,
    certification_sweep,
)
from .deal_won import accrue_registered_deal, applicable_policies  # noqa: F401
from .incentives import (  # noqa: F401
    accrual_evaluate,
    accrual_pay,
    accrual_record,
    cancel_on_blacklist,
    incentive_sweep,
    policy_create,
)
from .mdf import (  # noqa: F401
    mdf_apply,
    mdf_approve,
    mdf_claim,
    mdf_execute,
    mdf_reimburse,
    mdf_reject,
    mdf_reject_claim,
    mdf_submit,
    quota_set,
)
from .offers import offer_accept, offer_make, offer_return, offer_sweep, partner_may_receive  # noqa: F401
from .partners import (  # noqa: F401
    BLACKLIST_HOOKS,
    agreement_add,
    contact_add,
    partner_activate,
    partner_blacklist,
    partner_create,
    partner_onboard,
    partner_reinstate,
    partner_suspend,
    require_channel,
    staff_add,
    staff_leave,
    territory_add,
    tier_set,
    user_link,
)
from .registrations import (  # noqa: F401
    blocking_opportunities,
    registration_approve,
    registration_cancel,
    registration_close,
    registration_convert,
    registration_expiry_sweep,
    registration_extend,
    registration_refusal,
    registration_reject,
    registration_submit,
    spq_allowed,
)
from .spq import spq_approve, spq_reject, spq_submit  # noqa: F401
