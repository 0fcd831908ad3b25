"""The campaign life cycle (domain.md 11.1) as data.

Every move goes through ``CAMPAIGN_MACHINE.apply`` (``core.state_machine``): it locks the row, checks
this table and its guards, writes the status and records the event. The budget guards of 11.1
(budget authority, commitment against the budget line, the 110 % spend guard) join the table when
the campaign budgets exist; the guards below are the ones the campaign's own fields can answer.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core.errors import ValidationFailed
from m2c.core.models import Role
from m2c.core.state_machine import StateMachine, t

from . import events


class CampaignStatus(models.TextChoices):
    DRAFT = "DRAFT", gettext_lazy("Draft")
    SUBMITTED = "SUBMITTED", gettext_lazy("Submitted")
    APPROVED = "APPROVED", gettext_lazy("Approved")
    PREPARING = "PREPARING", gettext_lazy("Preparing")
    IN_EXECUTION = "IN_EXECUTION", gettext_lazy("In execution")
    EXECUTED = "EXECUTED", gettext_lazy("Executed")
    EVALUATED = "EVALUATED", gettext_lazy("Evaluated")
    CLOSED = "CLOSED", gettext_lazy("Closed")
    CANCELLED = "CANCELLED", gettext_lazy("Cancelled")


S = CampaignStatus

TERMINAL = frozenset({S.CLOSED, S.CANCELLED})
PRE_EXECUTION = frozenset({S.DRAFT, S.SUBMITTED, S.APPROVED, S.PREPARING})
# A campaign takes responses (its public form, imported responses) until it is closed or cancelled.
ACCEPTS_RESPONSES = frozenset(set(S.values) - TERMINAL)
PLANNERS = (Role.MARKETING,)


def _complete(campaign: Any, context: dict[str, Any]) -> None:
    """DRAFT → SUBMITTED: what the approver needs is set (objective, level, journey stage, targets, dates)."""
    errors = []
    if not (campaign.name or "").strip():
        errors.append({"field": "name", "reason": _("Name the campaign.")})
    if not campaign.level:
        errors.append({"field": "level", "reason": _("Choose the campaign level.")})
    if not campaign.journey_stage:
        errors.append({"field": "journey_stage", "reason": _("Choose the buyer journey stage.")})
    if not (campaign.target_valid_leads or campaign.target_opportunities or campaign.target_pipeline):
        errors.append({"field": "target_valid_leads", "reason": _("Set at least one target outcome.")})
    if campaign.start_date and campaign.end_date and campaign.end_date < campaign.start_date:
        errors.append({"field": "end_date", "reason": _("The campaign cannot end before it starts.")})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors,
                               code="campaign_incomplete")


def _reason(campaign: Any, context: dict[str, Any]) -> None:
    if not str(context.get("reason") or "").strip():
        raise ValidationFailed(_("Give a reason."), field="reason")


def _started(campaign: Any, context: dict[str, Any]) -> None:
    today = context.get("today") or timezone.localdate()
    if campaign.start_date > today:
        raise ValidationFailed(_("The campaign starts on %(d)s.") % {"d": campaign.start_date}, field="start_date",
                               code="campaign_not_started")


def _ended(campaign: Any, context: dict[str, Any]) -> None:
    today = context.get("today") or timezone.localdate()
    if campaign.end_date >= today:
        raise ValidationFailed(_("The campaign runs until %(d)s.") % {"d": campaign.end_date}, field="end_date",
                               code="campaign_not_ended")


CAMPAIGN_MACHINE = StateMachine(
    name=gettext_lazy("Campaign"),  # type: ignore[arg-type]
    transitions=[
        t(S.DRAFT, S.SUBMITTED, guards=[_complete], roles=PLANNERS, event=events.CAMPAIGN_SUBMITTED),
        t(S.SUBMITTED, S.APPROVED, roles=PLANNERS, event=events.CAMPAIGN_APPROVED),
        t(S.SUBMITTED, S.DRAFT, guards=[_reason], roles=PLANNERS, event=events.CAMPAIGN_REJECTED),
        t(S.APPROVED, S.PREPARING, roles=PLANNERS, event=events.CAMPAIGN_PREPARING),
        t(S.PREPARING, S.IN_EXECUTION, guards=[_started], event=events.CAMPAIGN_STARTED),
        t(S.IN_EXECUTION, S.EXECUTED, guards=[_ended], event=events.CAMPAIGN_EXECUTED),
        t(S.EXECUTED, S.EVALUATED, roles=PLANNERS, event=events.CAMPAIGN_EVALUATED),
        t(S.EVALUATED, S.CLOSED, roles=PLANNERS, event=events.CAMPAIGN_CLOSED),
        t(PRE_EXECUTION, S.CANCELLED, guards=[_reason], roles=PLANNERS, event=events.CAMPAIGN_CANCELLED),
    ],
    terminal=TERMINAL,
    labels=dict(S.choices),
)
