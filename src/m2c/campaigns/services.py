"""Campaign commands: one per move of the life cycle (domain.md 11.1), each through ``CAMPAIGN_MACHINE``."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from m2c.core.errors import PermissionDenied
from m2c.core.models import Role, User

from .models import Campaign
from .states import CAMPAIGN_MACHINE, CampaignStatus

S = CampaignStatus


def _require(actor: User | None) -> None:
    """People move campaigns only as marketing or administrators; ``None`` is the system (the daily sweep)."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("You must be signed in."))
    if not (actor.is_superuser or actor.has_role(Role.ADMINISTRATOR, Role.MARKETING)):
        raise PermissionDenied(_("Your role cannot change campaigns."))


def _move(campaign: Campaign, target: str, *, actor: User | None, reason: str = "",
          today: dt.date | None = None) -> Campaign:
    _require(actor)
    reason = (reason or "").strip()[:500]
    CAMPAIGN_MACHINE.apply(campaign, target, actor=actor, reason=reason, context={"reason": reason, "today": today})
    return campaign


@transaction.atomic
def campaign_submit(*, campaign: Campaign, actor: User | None) -> Campaign:
    """DRAFT → SUBMITTED, once objective, level, journey stage, targets and dates are set."""
    return _move(campaign, S.SUBMITTED, actor=actor)


@transaction.atomic
def campaign_approve(*, campaign: Campaign, actor: User | None) -> Campaign:
    return _move(campaign, S.APPROVED, actor=actor)


@transaction.atomic
def campaign_reject(*, campaign: Campaign, actor: User | None, reason: str) -> Campaign:
    """SUBMITTED → DRAFT with the approver's comment."""
    return _move(campaign, S.DRAFT, actor=actor, reason=reason)


@transaction.atomic
def campaign_prepare(*, campaign: Campaign, actor: User | None) -> Campaign:
    return _move(campaign, S.PREPARING, actor=actor)


@transaction.atomic
def campaign_start(*, campaign: Campaign, actor: User | None, today: dt.date | None = None) -> Campaign:
    """PREPARING → IN_EXECUTION once the start date is reached."""
    return _move(campaign, S.IN_EXECUTION, actor=actor, today=today)


@transaction.atomic
def campaign_finish(*, campaign: Campaign, actor: User | None, today: dt.date | None = None) -> Campaign:
    """IN_EXECUTION → EXECUTED once the end date has passed."""
    return _move(campaign, S.EXECUTED, actor=actor, today=today)


@transaction.atomic
def campaign_evaluate(*, campaign: Campaign, actor: User | None) -> Campaign:
    return _move(campaign, S.EVALUATED, actor=actor)


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor: User | None, reason: str = "") -> Campaign:
    return _move(campaign, S.CLOSED, actor=actor, reason=reason)


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, actor: User | None, reason: str) -> Campaign:
    """Any state before execution → CANCELLED, with a reason."""
    return _move(campaign, S.CANCELLED, actor=actor, reason=reason)
