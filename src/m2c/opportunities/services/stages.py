"""Opportunity stage moves of domain.md 11.3: advance, win, lose, abandon, hold, resume, the board's drop.

Each stage move goes through ``OPPORTUNITY_MACHINE.apply``: the row is locked, the table and its
guards are checked (reading only the latest DECIDED review of each gate type), the stage and its
derived fields are written and the event recorded, in one transaction. A refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, InvalidTransition, ValidationFailed
from m2c.core.money import Money
from m2c.core.notifications import message, notify_many
from m2c.core.roles import Actor

from .. import events, rules, totals
from ..models import GateReview, Opportunity, OpportunitySettings
from ..states import (
    DEFAULT_FORECAST,
    NEXT_STAGE,
    OPEN_STAGES,
    OPPORTUNITY_MACHINE,
    AbandonReason,
    LossReason,
    Stage,
)
from ._common import link, require_work


def _stage_fields(opportunity: Opportunity, target: str, conf: OpportunitySettings | None = None) -> dict[str, Any]:
    """Probability, forecast category and timestamps that follow a stage change."""
    conf = conf or OpportunitySettings.current()
    fields: dict[str, Any] = {"stage_changed_at": timezone.now()}
    override = opportunity.probability_override_review
    if target in OPEN_STAGES and override is not None and override.probability_override is not None:
        fields["probability"] = override.probability_override
    else:
        fields["probability"] = conf.probability_for(target)
    if target in (Stage.WON, Stage.LOST, Stage.ABANDONED, Stage.ON_HOLD):
        fields["forecast_category"] = DEFAULT_FORECAST[target]
        if target != Stage.ON_HOLD:
            fields["forecast_category_manual"] = False
            fields["closed_at"] = timezone.now()
    elif not opportunity.forecast_category_manual:
        fields["forecast_category"] = DEFAULT_FORECAST[target]
    return fields


def _notify_team(opportunity: Opportunity, title: Any, body: Any = "", *, exclude: Any = None) -> None:
    people = {opportunity.owner_id: opportunity.owner}
    for row in rules.active_team(opportunity):
        people[row.user_id] = row.user
    notify_many([p for p in people.values() if exclude is None or p.pk != getattr(exclude, "pk", None)],
                title=title, body=body, url=link("opportunities:detail", opportunity.pk), kind="opportunities",
                subject=opportunity)


# --- stage moves ------------------------------------------------------------------------------------


def _apply(opportunity: Opportunity, target: str, *, actor: Actor, reason: str = "", context: dict[str, Any] | None = None,
           changes: dict[str, Any] | None = None, payload: dict[str, Any] | None = None) -> Opportunity:
    conf = OpportunitySettings.current()
    with transaction.atomic():
        # One locked read serves the derived fields, the guards, the write and the pipeline buckets.
        locked = (Opportunity.objects.select_for_update(of=("self",)).select_related("probability_override_review", "owner")
                  .get(pk=opportunity.pk))
        fields = {**_stage_fields(locked, target, conf), **(changes or {})}
        ctx = {"actor": actor, "reason": reason, "target": target, **(context or {})}
        with totals.tracked_row(locked):
            result = OPPORTUNITY_MACHINE.apply(locked, target, actor=actor, reason=reason, context=ctx, changes=fields,
                                               payload=payload, held=True)
    for name in [OPPORTUNITY_MACHINE.field_name, *fields, "version"]:
        setattr(opportunity, name, getattr(result, name))
    return result


@transaction.atomic
def opportunity_advance(*, opportunity: Opportunity, actor: Actor, reason: str = "") -> Opportunity:
    """O1 → O2 (ATI passed, team per grade), O2 → O3 (tender received, quote drafted), O3 → O4 (ATB passed,
    bid submitted on time; freezes the floor price)."""
    require_work(opportunity, actor)
    current = Opportunity.objects.get(pk=opportunity.pk).stage
    target = NEXT_STAGE.get(current)
    if target is None:
        raise InvalidTransition(
            _("%(stage)s has no next stage to advance to.") % {"stage": Stage(current).label}, code="invalid_transition"
        )
    changes: dict[str, Any] = {}
    freeze = None
    if target == Stage.O4_NEGOTIATE:
        atb = rules.latest_decided(opportunity, "ATB", after=opportunity.bid_reopened_at)
        if atb is not None and atb.passed and atb.floor_price is not None:
            freeze = atb
            changes.update(
                floor_price=atb.floor_price,
                floor_currency=atb.quote.currency if atb.quote_id else atb.value_currency,
                floor_review=atb,
                floor_frozen_at=timezone.now(),
            )
    result = _apply(opportunity, target, actor=actor, reason=reason, changes=changes)
    if freeze is not None:
        core_events.record(
            events.FLOOR_FROZEN, result, actor=actor,
            payload={"floor_price": str(freeze.floor_price), "currency": result.floor_currency, "review": str(freeze.pk)},
        )
    return result


@transaction.atomic
def opportunity_send_back_to_bid(*, opportunity: Opportunity, actor: Actor, reason: str) -> Opportunity:
    """O4 → O3 when the price falls below the floor or the scope changes: ATB must be reviewed again."""
    require_work(opportunity, actor)
    return _apply(opportunity, Stage.O3_BID, actor=actor, reason=reason, changes={"bid_reopened_at": timezone.now()})


@transaction.atomic
def opportunity_win(*, opportunity: Opportunity, actor: Actor, reason: str = "") -> Opportunity:
    """O4 → WON: the final price is at or above the floor, ATC passed for that exact quote version and
    every condition due before signing is closed. The event carries what the contracts app needs."""
    require_work(opportunity, actor)
    quote = rules.final_quote(opportunity)
    atc = rules.latest_decided(opportunity, "ATC")
    result = _apply(
        opportunity, Stage.WON, actor=actor, reason=reason,
        payload={
            "quote": str(quote.pk) if quote else None,
            "quote_version": quote.number if quote else None,
            "amount": str(quote.total_net) if quote else None,
            "currency": quote.currency if quote else None,
            "atc_review": str(atc.pk) if atc else None,
        },
    )
    _notify_team(result, message(gettext_noop("Won: %(name)s"), name=result.name), exclude=actor)
    return result


@transaction.atomic
def opportunity_lose(
    *,
    opportunity: Opportunity,
    actor: Actor,
    loss_reason: str,
    detail: str = "",
    competitor: str = "",
    price_gap: Money | None = None,
    raise_requirement: bool = False,
    requirement_title: str = "",
    requirement_description: str = "",
    requirement_urgency: str = "medium",
) -> Opportunity:
    """O2/O3/O4 → LOST with the loss data; optionally raise a customer requirement (S16)."""
    require_work(opportunity, actor)
    errors = FieldErrors()
    if price_gap is not None:
        if price_gap.currency != opportunity.currency:
            errors.add("price_gap", _("Give the price gap in the deal's currency (%(c)s).") % {"c": opportunity.currency})
        elif price_gap.amount < 0:
            errors.add("price_gap", _("The price gap is an absolute difference; it cannot be negative."))
    if loss_reason == LossReason.COMPETITOR and not (competitor or "").strip():
        errors.add("competitor", _("Name the competitor who won."))
    if raise_requirement and not ((requirement_description or detail or "").strip()):
        errors.add("requirement_description", _("Describe the missing capability to raise it as a requirement."))
    errors.raise_if_any()
    label = str(LossReason(loss_reason).label) if loss_reason in LossReason.values else ""
    result = _apply(
        opportunity, Stage.LOST, actor=actor, reason=(detail or "").strip() or label,
        context={"loss_reason": loss_reason},
        changes={
            "loss_reason": loss_reason,
            "loss_detail": (detail or "").strip(),
            "loss_competitor": (competitor or "").strip()[:120],
            "price_gap": price_gap.amount if price_gap is not None else None,
        },
        payload={"loss_reason": loss_reason, "competitor": competitor, "price_gap": str(price_gap.amount) if price_gap else None,
                 "source_campaign": result_campaign(opportunity)},
    )
    if raise_requirement:
        opportunity_raise_requirement(
            opportunity=result, actor=actor,
            title=requirement_title or (detail or result.name)[:200],
            description=requirement_description or detail,
            urgency=requirement_urgency,
        )
    _notify_team(result, message(gettext_noop("Lost: %(name)s"), name=result.name), body=detail, exclude=actor)
    return result


def result_campaign(opportunity: Opportunity) -> str | None:
    campaign = Opportunity.objects.filter(pk=opportunity.pk).values_list("source_campaign__code", flat=True).first()
    return campaign


@transaction.atomic
def opportunity_raise_requirement(*, opportunity: Opportunity, actor: Actor, title: str, description: str,
                                  urgency: str = "medium") -> Any:
    """Raise a customer requirement (RR) linked to the deal, valued at the deal's amount."""
    from m2c.insight.services import requirement_create

    if actor is not None:
        require_work(opportunity, actor)
    source = "loss" if opportunity.stage == Stage.LOST else "opportunity"
    requirement = requirement_create(
        actor=actor, title=title, description=description, source_type=source, source_id=opportunity.pk,
        customer=opportunity.customer, opportunity=opportunity, offering_line=opportunity.offering_line,
        business_value=opportunity.amount_money, urgency=urgency, org_unit=opportunity.org_unit,
    )
    core_events.record(events.REQUIREMENT_RAISED, opportunity, actor=actor,
                       payload={"requirement": str(requirement.pk), "number": requirement.number})
    return requirement


@transaction.atomic
def opportunity_abandon(*, opportunity: Opportunity, actor: Actor, abandon_reason: str, reason: str = "") -> Opportunity:
    """Any open stage → ABANDONED: ATI NO-GO (O1), no-bid after ATB NO-GO (O3), or the customer cancelled."""
    if actor is not None:
        require_work(opportunity, actor)
    label = AbandonReason(abandon_reason).label if abandon_reason in AbandonReason.values else abandon_reason
    result = _apply(
        opportunity, Stage.ABANDONED, actor=actor, reason=reason or str(label),
        context={"abandon_reason": abandon_reason},
        changes={"abandon_reason": abandon_reason if abandon_reason in AbandonReason.values else ""},
        payload={"abandon_reason": abandon_reason, "source_campaign": result_campaign(opportunity)},
    )
    _notify_team(result, message(gettext_noop("Abandoned: %(name)s"), name=result.name), body=label, exclude=actor)
    return result


@transaction.atomic
def opportunity_hold(*, opportunity: Opportunity, actor: Actor, hold_until: dt.date | None, reason: str = "",
                     review: GateReview | None = None) -> Opportunity:
    """O1–O4 → ON_HOLD after a gate HOLD or a customer postponement; remembers the stage it left."""
    if review is None:
        require_work(opportunity, actor)
    current = Opportunity.objects.get(pk=opportunity.pk).stage
    return _apply(
        opportunity, Stage.ON_HOLD, actor=actor, reason=reason,
        context={"hold_until": hold_until, "hold_review": review},
        changes={"previous_stage": current, "hold_until": hold_until, "hold_reason": reason, "hold_review": review},
        payload={"hold_until": str(hold_until) if hold_until else None, "review": str(review.pk) if review else None},
    )


@transaction.atomic
def opportunity_resume(*, opportunity: Opportunity, actor: Actor, reason: str = "") -> Opportunity:
    """ON_HOLD → the stage it left, once the re-review is done."""
    require_work(opportunity, actor)
    locked = Opportunity.objects.get(pk=opportunity.pk)
    target = locked.previous_stage or Stage.O1_VALIDATE
    return _apply(opportunity, target, actor=actor, reason=reason,
                  changes={"previous_stage": "", "hold_until": None, "hold_reason": "", "hold_review": None})


BOARD_COMMANDS = {
    "advance": opportunity_advance,
    "win": opportunity_win,
    "send_back": opportunity_send_back_to_bid,
    "resume": opportunity_resume,
}


@transaction.atomic
def opportunity_move(*, opportunity: Opportunity, actor: Actor, target: str, reason: str = "", **data: Any) -> Opportunity:
    """The board's drop: run the command that moves ``opportunity`` to ``target``.

    Every target maps to its own command with its own guards; a target the table does not allow from
    the current stage is refused by the machine itself.
    """
    current = Opportunity.objects.get(pk=opportunity.pk).stage
    if target not in Stage.values:
        raise ValidationFailed(_("Unknown stage."), field="target")
    if current == Stage.ON_HOLD and target in OPEN_STAGES:
        return opportunity_resume(opportunity=opportunity, actor=actor, reason=reason)
    if NEXT_STAGE.get(current) == target:
        return opportunity_advance(opportunity=opportunity, actor=actor, reason=reason)
    if target == Stage.WON:
        return opportunity_win(opportunity=opportunity, actor=actor, reason=reason)
    if current == Stage.O4_NEGOTIATE and target == Stage.O3_BID:
        return opportunity_send_back_to_bid(opportunity=opportunity, actor=actor, reason=reason)
    if target == Stage.ON_HOLD:
        return opportunity_hold(opportunity=opportunity, actor=actor, hold_until=data.get("hold_until"), reason=reason)
    if target == Stage.LOST:
        return opportunity_lose(opportunity=opportunity, actor=actor, loss_reason=data.get("loss_reason", ""),
                                detail=reason, competitor=data.get("competitor", ""))
    if target == Stage.ABANDONED:
        return opportunity_abandon(opportunity=opportunity, actor=actor, abandon_reason=data.get("abandon_reason", ""),
                                   reason=reason)
    require_work(opportunity, actor)
    # Not a move any command makes: let the machine word the refusal.
    return _apply(opportunity, target, actor=actor, reason=reason)
