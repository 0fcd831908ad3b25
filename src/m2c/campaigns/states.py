"""The campaign life cycle (domain.md 11.1) as data.

Every move goes through ``CAMPAIGN_MACHINE.apply`` (``core.state_machine``): it locks the row, checks
this table and its guards, writes the status and records the event. Approval is guarded by the
budget line (the approver's budget authority, the commitment within what the budget has available);
the spend guard of 11.1 (110 % of the commitment) is checked where expenses are recorded
(``services.budgets``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.core.models import Role
from m2c.core.money import Money
from m2c.core.scoping import home_unit
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
    budget = campaign.budget
    if budget is None:
        errors.append({"field": "budget", "reason": _("Choose the budget the campaign draws on.")})
    elif budget.level != campaign.level:
        errors.append({"field": "budget", "reason": _("The budget is for another level than the campaign.")})
    elif budget.currency != campaign.currency:
        errors.append({"field": "budget", "reason": _("The budget is in %(c)s: plan the campaign in that currency.")
                       % {"c": budget.currency}})
    if not campaign.budget_amount or campaign.budget_amount <= 0:
        errors.append({"field": "budget_amount", "reason": _("Say how much of the budget the campaign needs.")})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors,
                               code="campaign_incomplete")


def has_budget_authority(user: Any, budget: Any) -> bool:
    """Marketing people of the budget's unit or a unit above it (a center works for its region), and
    administrators; ``None`` is the system."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.has_role(Role.ADMINISTRATOR):
        return True
    if not user.has_role(Role.MARKETING) or not user.org_unit_id:
        return False
    return budget.org_unit.path.startswith(home_unit(user.org_unit).path)


def _fits_budget(campaign: Any, context: dict[str, Any]) -> None:
    """SUBMITTED → APPROVED: the approver has authority over the budget and it has the amount available.

    ``context["budget"]`` is the budget row, locked by the caller before the campaign."""
    budget = context["budget"]
    if not has_budget_authority(context.get("actor"), budget):
        raise PermissionDenied(_("Only marketing of %(unit)s or a unit above it can commit this budget.")
                               % {"unit": budget.org_unit.label})
    if campaign.budget_amount > budget.available:
        raise ValidationFailed(
            _("The budget “%(budget)s” has %(available)s available; the campaign asks for %(asked)s.")
            % {"budget": budget.name, "available": budget.available_money,
               "asked": Money(campaign.budget_amount, budget.currency)},
            field="budget_amount", code="budget_exceeded")


def _t30_recorded(campaign: Any, context: dict[str, Any]) -> None:
    """EXECUTED → EVALUATED: the T+30 evaluation is recorded (``services.evaluation_record`` moves it)."""
    if not campaign.evaluations.filter(checkpoint="T30", status="RECORDED").exists():
        raise ValidationFailed(_("Record the T+30 evaluation first."), field="evaluation", code="evaluation_missing")


def _t180_or_reason(campaign: Any, context: dict[str, Any]) -> None:
    """EVALUATED → CLOSED: the T+180 evaluation is recorded, or the close is manual with a reason."""
    if campaign.evaluations.filter(checkpoint="T180", status="RECORDED").exists():
        return
    if not str(context.get("reason") or "").strip():
        raise ValidationFailed(_("Before the T+180 evaluation, closing needs a reason."), field="reason",
                               code="evaluation_missing")


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
        t(S.SUBMITTED, S.APPROVED, guards=[_fits_budget], roles=PLANNERS, event=events.CAMPAIGN_APPROVED),
        t(S.SUBMITTED, S.DRAFT, guards=[_reason], roles=PLANNERS, event=events.CAMPAIGN_REJECTED),
        t(S.APPROVED, S.PREPARING, roles=PLANNERS, event=events.CAMPAIGN_PREPARING),
        t(S.PREPARING, S.IN_EXECUTION, guards=[_started], event=events.CAMPAIGN_STARTED),
        t(S.IN_EXECUTION, S.EXECUTED, guards=[_ended], event=events.CAMPAIGN_EXECUTED),
        t(S.EXECUTED, S.EVALUATED, guards=[_t30_recorded], roles=PLANNERS, event=events.CAMPAIGN_EVALUATED),
        t(S.EVALUATED, S.CLOSED, guards=[_t180_or_reason], roles=PLANNERS, event=events.CAMPAIGN_CLOSED),
        t(PRE_EXECUTION, S.CANCELLED, guards=[_reason], roles=PLANNERS, event=events.CAMPAIGN_CANCELLED),
    ],
    terminal=TERMINAL,
    labels=dict(S.choices),
)
