"""Event types of special-price requests, MDF and incentives (``partners.<entity>.<what happened>``)."""

from django.utils.translation import gettext_lazy as _

from m2c.core.events import Diff, EventPayload, register


class SpqChange(EventPayload):
    registration: str
    quote: str | None = None
    required_level: str | None = None
    override: bool = False


class MdfChange(EventPayload):
    partner: str
    amount: str | None = None
    currency: str | None = None
    late: bool = False
    campaign: str | None = None


class AccrualChange(EventPayload):
    partner: str
    amount: str | None = None
    currency: str | None = None
    blockers: list[str] = []
    reference: str | None = None
    # The booked base (at accrual), and at eligibility the restatement on collected cash as
    # ``{"collected_base": [old, new], "amount": [old, new]}``.
    base: str | None = None
    changes: Diff = {}


SPQ_SUBMITTED = register("partners.spq.submitted", _("Special price request submitted"), SpqChange)
SPQ_APPROVED = register("partners.spq.approved", _("Special price request approved"), SpqChange)
SPQ_REJECTED = register("partners.spq.rejected", _("Special price request rejected"), SpqChange)

MDF_SUBMITTED = register("partners.mdf.submitted", _("MDF application submitted"), MdfChange)
MDF_APPROVED = register("partners.mdf.approved", _("MDF application approved"), MdfChange)
MDF_REJECTED = register("partners.mdf.rejected", _("MDF application rejected"), MdfChange)
MDF_EXECUTED = register("partners.mdf.executed", _("MDF activity executed"), MdfChange)
MDF_CLAIMED = register("partners.mdf.claimed", _("MDF claim submitted"), MdfChange)
MDF_REIMBURSED = register("partners.mdf.reimbursed", _("MDF claim reimbursed"), MdfChange)
MDF_CLAIM_REJECTED = register("partners.mdf.claim_rejected", _("MDF claim rejected"), MdfChange)

ACCRUAL_CREATED = register("partners.accrual.created", _("Incentive accrued"), AccrualChange)
ACCRUAL_ELIGIBLE = register("partners.accrual.eligible", _("Incentive eligible for payment"), AccrualChange)
ACCRUAL_PAID = register("partners.accrual.paid", _("Incentive paid"), AccrualChange)
ACCRUAL_CANCELLED = register("partners.accrual.cancelled", _("Incentive cancelled"), AccrualChange)
