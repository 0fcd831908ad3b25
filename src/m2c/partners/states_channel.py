"""Special-price request, MDF application and incentive accrual life cycles (domain.md 8.2, 8.3, 11.11)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from m2c.core.errors import ValidationFailed
from m2c.core.models import Role
from m2c.core.state_machine import StateMachine, t

from . import events_channel as ev

CHANNEL = (Role.CHANNEL_MANAGER,)


class SpqStatus(models.TextChoices):
    PENDING = "PENDING", gettext_lazy("Waiting for approval")
    APPROVED = "APPROVED", pgettext_lazy("price request", "Approved")
    REJECTED = "REJECTED", pgettext_lazy("price request", "Rejected")


class MdfStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("mdf", "Draft")
    SUBMITTED = "SUBMITTED", pgettext_lazy("mdf", "Submitted")
    APPROVED = "APPROVED", pgettext_lazy("mdf", "Approved")
    REJECTED = "REJECTED", pgettext_lazy("mdf", "Rejected")
    EXECUTED = "EXECUTED", gettext_lazy("Executed")
    CLAIMED = "CLAIMED", gettext_lazy("Claimed")
    REIMBURSED = "REIMBURSED", gettext_lazy("Reimbursed")
    CLAIM_REJECTED = "CLAIM_REJECTED", gettext_lazy("Claim rejected")


# Applications whose approved amount is taken from the quota.
COMMITS_QUOTA = (MdfStatus.APPROVED, MdfStatus.EXECUTED, MdfStatus.CLAIMED, MdfStatus.REIMBURSED)


class ExpenseType(models.TextChoices):
    VENUE = "venue", gettext_lazy("Venue and equipment")
    ADVERTISING = "advertising", gettext_lazy("Advertising and publication")
    PRINTING = "printing", gettext_lazy("Printed material")
    SPEAKER = "speaker", gettext_lazy("Speakers and agency fees")
    CATERING = "catering", gettext_lazy("Catering")
    GIFTS = "gifts", gettext_lazy("Gifts")
    TRAVEL = "travel", gettext_lazy("Travel")
    OTHER = "other", gettext_lazy("Other (not listed)")


# Only these expense types are reimbursed (domain.md 8.3); "travel" and "other" are not on the list.
ELIGIBLE_EXPENSES = frozenset({ExpenseType.VENUE, ExpenseType.ADVERTISING, ExpenseType.PRINTING,
                               ExpenseType.SPEAKER, ExpenseType.CATERING, ExpenseType.GIFTS})


class IncentiveKind(models.TextChoices):
    SALES_REBATE = "SALES_REBATE", gettext_lazy("Sales rebate")
    SPECIALTY_REBATE = "SPECIALTY_REBATE", gettext_lazy("Specialty rebate")
    DEAL_REGISTRATION_REWARD = "DRR", gettext_lazy("Deal registration reward")


class AccrualStatus(models.TextChoices):
    ACCRUED = "ACCRUED", gettext_lazy("Accrued")
    ELIGIBLE = "ELIGIBLE", gettext_lazy("Eligible")
    PAID = "PAID", pgettext_lazy("incentive", "Paid")
    CANCELLED = "CANCELLED", pgettext_lazy("incentive", "Cancelled")


def _reason(obj: Any, context: dict[str, Any]) -> None:
    if not str(context.get("reason") or "").strip():
        raise ValidationFailed(_("Give a reason."), field="reason")


S, M, A = SpqStatus, MdfStatus, AccrualStatus

SPQ_MACHINE = StateMachine(
    name=gettext_lazy("Special price request"),  # type: ignore[arg-type]
    transitions=[
        t(S.PENDING, S.APPROVED, event=ev.SPQ_APPROVED),
        t(S.PENDING, S.REJECTED, guards=[_reason], event=ev.SPQ_REJECTED),
    ],
    terminal=frozenset({S.APPROVED, S.REJECTED}),
    labels=dict(S.choices),
)

MDF_MACHINE = StateMachine(
    name=gettext_lazy("MDF application"),  # type: ignore[arg-type]
    transitions=[
        t(M.DRAFT, M.SUBMITTED, roles=(Role.PARTNER, Role.CHANNEL_MANAGER), event=ev.MDF_SUBMITTED),
        t(M.SUBMITTED, M.APPROVED, roles=CHANNEL, event=ev.MDF_APPROVED),
        t(M.SUBMITTED, M.REJECTED, guards=[_reason], roles=CHANNEL, event=ev.MDF_REJECTED),
        t(M.APPROVED, M.EXECUTED, roles=(Role.PARTNER, Role.CHANNEL_MANAGER), event=ev.MDF_EXECUTED),
        t(M.EXECUTED, M.CLAIMED, roles=(Role.PARTNER, Role.CHANNEL_MANAGER), event=ev.MDF_CLAIMED),
        t(M.CLAIMED, M.REIMBURSED, roles=CHANNEL, event=ev.MDF_REIMBURSED),
        t(M.CLAIMED, M.CLAIM_REJECTED, guards=[_reason], roles=CHANNEL, event=ev.MDF_CLAIM_REJECTED),
    ],
    terminal=frozenset({M.REJECTED, M.REIMBURSED, M.CLAIM_REJECTED}),
    labels=dict(M.choices),
)

ACCRUAL_MACHINE = StateMachine(
    name=gettext_lazy("Incentive accrual"),  # type: ignore[arg-type]
    transitions=[
        t(A.ACCRUED, A.ELIGIBLE, event=ev.ACCRUAL_ELIGIBLE),
        t(A.ELIGIBLE, A.PAID, roles=CHANNEL, event=ev.ACCRUAL_PAID),
        t([A.ACCRUED, A.ELIGIBLE], A.CANCELLED, guards=[_reason], event=ev.ACCRUAL_CANCELLED),
    ],
    terminal=frozenset({A.PAID, A.CANCELLED}),
    labels=dict(A.choices),
)
