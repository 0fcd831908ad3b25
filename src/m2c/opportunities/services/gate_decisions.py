"""Gate decisions (domain.md 4.2, 11.4): recorded once, by a member of a body at the required level or
higher, with the conditions a GO-WITH-CONDITIONS sets; then applied to the opportunity (HOLD, NO-GO) or,
for a contract gate, left to the contracts app, which reacts to the decision event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, ValidationFailed
from m2c.core.money import to_decimal
from m2c.core.notifications import message, notify
from m2c.core.roles import Actor, authenticated
from m2c.core.selectors import user_resolve

from .. import events, rules, totals
from ..models import GateCondition, GateReview, Opportunity, OpportunitySettings
from ..states import (
    GATE_REVIEW_MACHINE,
    AbandonReason,
    ConditionBlocks,
    Decision,
    GateType,
    ReviewStatus,
    Stage,
)
from ._common import as_date, link, percent
from .gates import GATE_STAGE, _immutable


def _conditions(raw: list[dict[str, Any]] | None, errors: FieldErrors) -> list[dict[str, Any]]:
    parsed = []
    for i, item in enumerate(raw or []):
        if not isinstance(item, dict):
            errors.add(f"conditions.{i}", _("A condition has a text, an owner and a due date."))
            continue
        owner = user_resolve(item.get("owner"), field=f"conditions.{i}.owner", errors=errors) if item.get("owner") else None
        due = as_date(item.get("due_date"), field=f"conditions.{i}.due_date", errors=errors)
        blocks = item.get("blocks") or ConditionBlocks.NEXT_GATE
        if blocks not in ConditionBlocks.values:
            errors.add(f"conditions.{i}.blocks", _("Choose next_gate, signing or none."))
        parsed.append({"text": str(item.get("text") or "").strip()[:500], "owner": owner, "due_date": due,
                       "blocks": blocks})
    return parsed


@transaction.atomic
def gate_decide(
    *,
    review: GateReview,
    actor: Actor,
    decision: str,
    rationale: str = "",
    conditions: list[dict[str, Any]] | None = None,
    rehearing_date: dt.date | None = None,
    floor_price: Decimal | None = None,
    probability_override: Decimal | None = None,
    co_deciders: list[Any] | None = None,
) -> GateReview:
    """IN_REVIEW → DECIDED, once and for all.

    GO-WITH-CONDITIONS creates the conditions (owner, due date) that block the next gate; HOLD puts
    the deal on hold until the re-review date; NO-GO at ATI or ATB abandons it (ATI NO-GO, no-bid).
    An ATB approval carries the floor price that O3 → O4 freezes.
    """
    # Locked once with what the guards read; the machine writes through this row (held=True).
    locked = (GateReview.objects.select_for_update(of=("self",))
              .select_related("opportunity", "quote", "decision_body", "bid").get(pk=review.pk))
    if locked.status == ReviewStatus.DECIDED:
        raise _immutable(locked)
    errors = FieldErrors()
    parsed = _conditions(conditions, errors)
    if floor_price is not None:
        try:
            floor_price = to_decimal(floor_price, field="floor_price")
        except ValidationFailed as exc:
            errors.add("floor_price", exc.detail)
            floor_price = None
    if probability_override is not None:
        probability_override = percent(probability_override, field="probability_override", errors=errors)
    others = []
    for i, person in enumerate(co_deciders or []):
        user = user_resolve(person, field=f"co_deciders.{i}", errors=errors, required=True)
        if user is not None and not rules.is_member(locked.decision_body, user):
            errors.add(f"co_deciders.{i}", _("%(user)s is not a member of the deciding body.") % {"user": user})
        elif user is not None:
            others.append(user)
    errors.raise_if_any()
    conf = OpportunitySettings.current()
    passing = decision in (Decision.GO, Decision.GO_WITH_CONDITIONS)
    result = GATE_REVIEW_MACHINE.apply(
        locked, ReviewStatus.DECIDED, actor=actor, reason=rationale,
        context={"actor": actor, "decision": decision, "conditions": parsed, "rehearing_date": rehearing_date,
                 "rationale": rationale, "floor_price": floor_price if passing else None,
                 "probability_override": probability_override, "atb_lead_working_days": conf.atb_lead_working_days},
        changes={
            "decision": decision,
            "decided_at": timezone.now(),
            "decided_by": authenticated(actor),
            "rationale": (rationale or "").strip(),
            "rehearing_date": rehearing_date if decision == Decision.HOLD else None,
            "floor_price": floor_price if (passing and locked.gate_type == GateType.ATB) else None,
            "probability_override": probability_override,
        },
        payload={"decision": decision, "authority_rule_version": locked.authority_rule_version,
                 "required_level": locked.required_level, "floor_price": str(floor_price) if floor_price else None,
                 "conditions": [c["text"] for c in parsed]},
        held=True,
    )
    if others:
        result.co_deciders.set(others)
    opp = result.opportunity
    for cond in parsed:
        condition = GateCondition.objects.create(review=result, opportunity=opp, text=cond["text"], owner=cond["owner"],
                                                 due_date=cond["due_date"], blocks=cond["blocks"])
        notify(cond["owner"], title=message(gettext_noop("Gate condition for you: %(text)s"), text=condition.text[:120]),
               body=message(gettext_noop("Due %(due)s. %(gate)s of %(name)s."), due=condition.due_date,
                            gate=result.gate_type, name=opp.name if opp else ""),
               url=link("opportunities:review", result.pk), kind="opportunities.condition", subject=condition)
    # A contract gate (ATAC, ATCC) moves its contract: the contracts app reacts to the decision event.
    if opp is not None and result.contract_id is None:
        _apply_decision(result, opp, actor=actor)
    return result


def _apply_decision(review: GateReview, opp: Opportunity, *, actor: Actor) -> None:
    from .opportunity import _notify_team, opportunity_abandon, opportunity_hold

    core_events.record(events.REVIEW_DECIDED, opp, actor=actor,
                       payload={"gate": review.gate_type, "review": str(review.pk), "decision": review.decision,
                                "authority_rule_version": review.authority_rule_version})
    opp = Opportunity.objects.select_related("owner").get(pk=opp.pk)
    # A new decision replaces any probability override an earlier one set.
    if review.probability_override is not None or opp.probability_override_review_id:
        override = review if review.probability_override is not None else None
        probability = OpportunitySettings.current().probability_for(opp.stage)
        if override is not None and opp.stage in ("O1_VALIDATE", "O2_SHAPE", "O3_BID", "O4_NEGOTIATE"):
            probability = review.probability_override
        with totals.tracked(opp.pk):
            Opportunity.objects.filter(pk=opp.pk).update(probability_override_review=override, probability=probability)
        if override is not None:
            core_events.record(events.PROBABILITY_OVERRIDDEN, opp, actor=actor,
                               payload={"probability": str(review.probability_override), "review": str(review.pk)})
    if review.decision == Decision.HOLD:
        if opp.stage == Stage.ON_HOLD:
            Opportunity.objects.filter(pk=opp.pk).update(hold_until=review.rehearing_date, hold_review=review)
        else:
            opportunity_hold(opportunity=opp, actor=actor, hold_until=review.rehearing_date, reason=review.rationale,
                             review=review)
    elif review.decision == Decision.NO_GO:
        stage = opp.previous_stage if opp.stage == Stage.ON_HOLD else opp.stage
        reason = {GateType.ATI: AbandonReason.ATI_NO_GO, GateType.ATB: AbandonReason.NO_BID}.get(review.gate_type)
        if reason is not None and stage == GATE_STAGE[review.gate_type]:
            opportunity_abandon(opportunity=opp, actor=None, abandon_reason=reason, reason=review.rationale)
    _notify_team(opp, message(gettext_noop("%(gate)s decided: %(decision)s"), gate=review.gate_type,
                              decision=Decision(review.decision).label if review.decision else ""),
                 body=review.rationale, exclude=actor)


