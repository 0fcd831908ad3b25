"""Guards of the transition tables in ``states.py``.

A guard receives the locked object and the call's context and raises a ``DomainError`` to refuse;
the state machine then writes nothing. Models are imported inside the functions because ``states.py``
(which the models import for their choices) imports this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.formatting import format_number


def _refuse(detail: str, code: str, **extra: Any) -> InvalidTransition:
    return InvalidTransition(detail, code=code, extra=extra)


def _rules() -> Any:
    from . import rules

    return rules


def _label(value: Any) -> str:
    return format_number(Decimal(value), 2)


def _final_quote(opp: Any, context: dict[str, Any]) -> Any:
    """``rules.final_quote`` read once for the guards of one transition: the context is the transition's
    own (built per call, under the row lock), so two guards asking in the same check share the read."""
    reads = context.setdefault("_reads", {})
    if "final_quote" not in reads:
        reads["final_quote"] = _rules().final_quote(opp)
    return reads["final_quote"]


# --- opportunity ------------------------------------------------------------------------------------


def ati_passed(opp: Any, context: dict[str, Any]) -> None:
    review = _rules().latest_decided(opp, "ATI")
    if review is None:
        raise _refuse(_("ATI has not been decided: submit an ATI review and get a GO from the decision team."),
                      "gate_not_passed", gate="ATI")
    if not review.passed:
        raise _refuse(
            _("The latest ATI decision is %(decision)s, not GO.") % {"decision": review.get_decision_display()},
            "gate_not_passed", gate="ATI",
        )


def team_complete_for_grade(opp: Any, context: dict[str, Any]) -> None:
    problems = _rules().team_problems(opp, at_gate="ATI")
    if problems:
        raise _refuse(" ".join(problems), "team_incomplete", problems=problems)


def tender_received(opp: Any, context: dict[str, Any]) -> None:
    if opp.direct_negotiation:
        return
    if not opp.bids.exists():
        raise _refuse(
            _("Record the RFP or tender first (or choose direct negotiation) before moving to O3."), "tender_missing"
        )


def quote_exists(opp: Any, context: dict[str, Any]) -> None:
    if not opp.quotes.filter(status__in=_rules().existing_quote_statuses()).exists():
        raise _refuse(_("A quote draft must exist before moving to O3."), "quote_missing")


def atb_passed(opp: Any, context: dict[str, Any]) -> None:
    review = _rules().latest_decided(opp, "ATB", after=opp.bid_reopened_at)
    if review is None:
        if opp.bid_reopened_at:
            raise _refuse(_("The deal was sent back to ATB: a new ATB decision is needed."), "gate_not_passed", gate="ATB")
        raise _refuse(_("ATB has not been decided: no bid goes out without an approval to bid."), "gate_not_passed",
                      gate="ATB")
    if not review.passed:
        raise _refuse(
            _("The latest ATB decision is %(decision)s, not GO.") % {"decision": review.get_decision_display()},
            "gate_not_passed", gate="ATB",
        )


def bid_submitted_on_time(opp: Any, context: dict[str, Any]) -> None:
    bid = _rules().current_bid(opp)
    if opp.direct_negotiation and bid is None:
        if not _rules().final_quote(opp):
            raise _refuse(_("Submit the approved quote to the customer before moving to O4."), "bid_not_submitted")
        return
    if bid is None or bid.submitted_at is None:
        raise _refuse(_("The bid has not been submitted."), "bid_not_submitted")
    if bid.submitted_at > bid.deadline:
        raise _refuse(_("The bid was submitted after its deadline."), "bid_late")


def price_at_or_above_floor(opp: Any, context: dict[str, Any]) -> None:
    rules = _rules()
    quote = _final_quote(opp, context)
    if quote is None:
        raise _refuse(_("No final quote has been submitted to the customer."), "quote_missing")
    ok, floor = rules.compare_to_floor(opp, quote.net_money)
    if not ok and floor is not None:
        raise _refuse(
            _("The final price %(price)s %(cur)s is below the floor %(floor)s %(fcur)s frozen at ATB. "
              "Send the deal back to ATB for a re-review.")
            % {"price": _label(quote.total_net), "cur": quote.currency, "floor": _label(floor.amount), "fcur": floor.currency},
            "below_floor",
            floor=str(floor.amount), price=str(quote.total_net), currency=quote.currency, required="ATB",
        )


def atc_passed_for_final_quote(opp: Any, context: dict[str, Any]) -> None:
    rules = _rules()
    review = rules.latest_decided(opp, "ATC")
    if review is None or not review.passed:
        raise _refuse(_("ATC has not been passed: the contract needs an approval to contract."), "gate_not_passed",
                      gate="ATC")
    quote = _final_quote(opp, context)
    if quote is None or review.quote_id != quote.pk:
        raise _refuse(
            _("The ATC decision covers another quote version than the one the customer holds: ATC must approve the "
              "exact version and price."),
            "gate_not_passed", gate="ATC",
        )


def signing_conditions_closed(opp: Any, context: dict[str, Any]) -> None:
    open_ = _rules().blocking_conditions(opp, for_signing=True)
    if open_:
        raise _refuse(
            _("Conditions due before signing are still open: %(list)s.") % {"list": "; ".join(c.text for c in open_)},
            "conditions_open", conditions=[str(c.pk) for c in open_],
        )


def reason_given(obj: Any, context: dict[str, Any]) -> None:
    if not str(context.get("reason") or "").strip():
        raise ValidationFailed(_("Give a reason."), field="reason")


def loss_captured(opp: Any, context: dict[str, Any]) -> None:
    from .states import LossReason

    if context.get("loss_reason") not in LossReason.values:
        raise ValidationFailed(
            _("Choose the loss reason: %(v)s.") % {"v": ", ".join(LossReason.values)}, field="loss_reason"
        )


def abandon_reason_holds(opp: Any, context: dict[str, Any]) -> None:
    from .states import AbandonReason, Stage

    reason = context.get("abandon_reason")
    stage = opp.previous_stage if opp.stage == Stage.ON_HOLD else opp.stage
    if reason == AbandonReason.ATI_NO_GO:
        review = _rules().latest_decided(opp, "ATI")
        if stage != Stage.O1_VALIDATE or review is None or review.decision != "NO_GO":
            raise _refuse(_("Only an ATI NO-GO in O1 abandons the deal with this reason."), "gate_not_no_go", gate="ATI")
    elif reason == AbandonReason.NO_BID:
        review = _rules().latest_decided(opp, "ATB", after=opp.bid_reopened_at)
        if stage != Stage.O3_BID or review is None or review.decision != "NO_GO":
            raise _refuse(_("Only an ATB NO-GO in O3 is a no-bid."), "gate_not_no_go", gate="ATB")
    elif reason == AbandonReason.CUSTOMER_CANCELLED:
        if not str(context.get("reason") or "").strip():
            raise ValidationFailed(_("Say what the customer cancelled and when."), field="reason")
    else:
        raise ValidationFailed(
            _("Choose the reason: %(v)s.") % {"v": ", ".join(AbandonReason.values)}, field="abandon_reason"
        )


def hold_date_given(opp: Any, context: dict[str, Any]) -> None:
    day = context.get("hold_until")
    if not isinstance(day, dt.date) or day <= timezone.localdate():
        raise ValidationFailed(_("Give a re-review date in the future."), field="hold_until")
    if not str(context.get("reason") or "").strip() and context.get("hold_review") is None:
        raise ValidationFailed(_("Say why the deal is put on hold."), field="reason")


def returns_to_previous_stage(opp: Any, context: dict[str, Any]) -> None:
    target = context.get("target")
    if opp.previous_stage and target != opp.previous_stage:
        from .states import Stage

        raise _refuse(
            _("An opportunity on hold returns to the stage it left (%(stage)s).")
            % {"stage": Stage(opp.previous_stage).label},
            "wrong_resume_stage",
        )


def re_review_done(opp: Any, context: dict[str, Any]) -> None:
    review = opp.hold_review
    if review is not None:
        later = _rules().latest_decided(opp, review.gate_type, after=review.decided_at)
        if later is None or later.decision == "HOLD":
            raise _refuse(
                _("The deal was held by the %(gate)s decision: it resumes after a new %(gate)s review is decided.")
                % {"gate": review.gate_type},
                "re_review_missing", gate=review.gate_type,
            )
        return
    if not str(context.get("reason") or "").strip():
        raise ValidationFailed(_("Record the outcome of the re-review."), field="reason")


# --- gate review ------------------------------------------------------------------------------------


def mandatory_answers_given(review: Any, context: dict[str, Any]) -> None:
    if review.checklist_id is None:
        return
    answers = {a.code: a for a in review.answers.all()}
    errors = []
    for item in review.checklist.items.all():
        answer = answers.get(item.code)
        if item.mandatory and (answer is None or not answer.is_answered):
            errors.append({"field": f"answers.{item.code}", "reason": _("“%(q)s” must be answered.") % {"q": item.question}})
        elif item.must_be_yes and answer is not None and answer.value_bool is False:
            errors.append({"field": f"answers.{item.code}", "reason": _("“%(q)s” must be yes before submitting.")
                           % {"q": item.question}})
    if errors:
        raise ValidationFailed(
            _("The checklist is not complete: %(n)d item(s) missing.") % {"n": len(errors)}, errors=errors,
            code="checklist_incomplete",
        )


def earlier_conditions_closed(review: Any, context: dict[str, Any]) -> None:
    if review.opportunity_id is None:
        return
    open_ = _rules().blocking_conditions(review.opportunity, exclude_review=review)
    if open_:
        raise _refuse(
            _("Conditions from earlier gates are still open: %(list)s.") % {"list": "; ".join(c.text for c in open_)},
            "conditions_open", conditions=[str(c.pk) for c in open_],
        )


def gate_specific_submission(review: Any, context: dict[str, Any]) -> None:
    rules = _rules()
    opp = review.opportunity
    if opp is None:
        return
    if review.contract_id is not None:
        # A contract gate: ATAC repeats ATC's payment and credit checks on the amendment's delta.
        if review.gate_type == "ATAC":
            _check_payment_and_credit(review, opp, {a.code: a for a in review.answers.all()})
        return
    if not opp.is_open and opp.stage != "ON_HOLD":
        raise _refuse(_("The opportunity is closed."), "opportunity_closed")
    if review.gate_type in ("ATB", "ATC"):
        problems = rules.team_problems(opp, at_gate=review.gate_type)
        if problems:
            raise _refuse(" ".join(problems), "team_incomplete", problems=problems)
        if review.margin_pct is None:
            raise ValidationFailed(_("Give the estimated gross margin."), field="margin_pct")
    if review.gate_type == "ATB":
        if review.quote_id is None or review.quote.status not in ("APPROVED", "SUBMITTED"):
            raise ValidationFailed(_("Attach the approved quote version the bid will carry."), field="quote")
        bid = review.bid or rules.current_bid(opp)
        if bid is None:
            raise ValidationFailed(_("Record the RFP and its deadline before ATB."), field="bid")
        lead = context.get("atb_lead_working_days", 5)
        left = rules.working_days_left(bid.deadline)
        if left < lead:
            raise _refuse(
                _("ATB must close at least %(n)d working days before the bid deadline; only %(left)d remain.")
                % {"n": lead, "left": max(left, 0)},
                "atb_too_late", working_days_left=left,
            )
    answers = {a.code: a for a in review.answers.all()}
    if review.gate_type == "ATB":
        probability = answers.get("win_probability")
        floor = context.get("low_probability_floor")
        justification = answers.get("probability_justification")
        if (probability is not None and probability.value_number is not None and floor is not None
                and probability.value_number < floor and not (justification and justification.is_answered)):
            raise ValidationFailed(
                _("A win probability below %(floor)s%% needs a justification to bid.") % {"floor": f"{floor:f}".rstrip("0").rstrip(".")},
                field="answers.probability_justification",
            )
    if review.gate_type == "ATC":
        _check_payment_and_credit(review, opp, answers)
        quote = rules.final_quote(opp)
        if quote is None or review.quote_id != quote.pk:
            raise ValidationFailed(_("ATC reviews the version the customer holds: attach the submitted quote."),
                                   field="quote")
        ok, floor = rules.compare_to_floor(opp, quote.net_money)
        if not ok and floor is not None:
            raise _refuse(
                _("The negotiated price %(price)s %(cur)s is below the ATB floor %(floor)s %(fcur)s: ATB must be "
                  "re-opened first.")
                % {"price": _label(quote.total_net), "cur": quote.currency, "floor": _label(floor.amount),
                   "fcur": floor.currency},
                "below_floor", required="ATB",
            )


RETENTION_CAP = Decimal(10)


def _check_payment_and_credit(review: Any, opp: Any, answers: dict[str, Any]) -> None:
    """Retention within the 10% cap (else it is a payment-term deviation), and the credit exposure within
    the customer's limit or mitigated (domain.md 4.3 ATC, S7)."""
    from m2c.core.money import Money

    retention = answers.get("retention_pct")
    if (retention is not None and retention.value_number is not None and retention.value_number > RETENTION_CAP
            and review.payment_term_deviation == "none"):
        raise ValidationFailed(
            _("Retention above the %(cap)s%% cap is a payment-term deviation: record it so the right level decides.")
            % {"cap": RETENTION_CAP},
            field="payment_term_deviation",
        )
    customer = opp.customer
    if customer.credit_hold:
        raise _refuse(_("The customer is on credit hold: finance must release it before ATC."), "credit_hold")
    answered = answers.get("credit_used")
    declared = answered.value_number if answered is not None and answered.value_number is not None else None
    # The exposure the contracts app computes (open receivables + unbilled signed contracts), or the
    # figure declared on the checklist when it is higher (receivables kept outside m2c).
    from m2c.contracts.selectors import credit_exposure

    computed = credit_exposure(customer=customer, deal=Money(review.value_amount, review.value_currency))
    if declared is None and not computed.used:
        return
    limit = computed.limit
    exposure = max(declared or Decimal(0), computed.used) + computed.deal
    mitigation = answers.get("credit_mitigation")
    if exposure > limit and not (mitigation and mitigation.is_answered):
        raise _refuse(
            _("Credit exposure %(exposure)s exceeds the customer's limit %(limit)s: record a mitigation (letter of "
              "credit, guarantee, financing or factoring).") % {"exposure": _label(exposure), "limit": _label(limit)},
            "credit_exceeded", exposure=str(exposure), limit=str(limit),
        )


def body_level_sufficient(review: Any, context: dict[str, Any]) -> None:
    from .states import level_rank

    body = context.get("body")
    if body is None or not body.active:
        raise ValidationFailed(_("Choose an active decision body."), field="decision_body")
    if level_rank(body.level) < level_rank(review.required_level):
        raise _refuse(
            _("This review needs a decision body at level “%(need)s” or higher.")
            % {"need": review.get_required_level_display()},
            "level_too_low",
        )
    if review.opportunity_id and not _rules().body_covers(body, review.opportunity):
        raise _refuse(_("This decision body does not cover the opportunity's organisation."), "body_out_of_scope")


def decider_is_member(review: Any, context: dict[str, Any]) -> None:
    from .states import DecisionLevel, level_rank

    actor = context.get("actor")
    rules = _rules()
    if actor is None or not rules.is_member(review.decision_body, actor):
        level = rules.highest_level_for(actor, review.opportunity) if review.opportunity_id and actor else None
        if level and level_rank(level) < level_rank(review.required_level):
            raise PermissionDenied(
                _("This decision needs level “%(need)s”; you sit at level “%(have)s”.")
                % {"need": review.get_required_level_display(), "have": DecisionLevel(level).label}
            )
        raise PermissionDenied(_("Only a member of the assigned decision body can record the decision."))
    if actor.pk == review.requested_by_id:
        raise PermissionDenied(_("The requester of a review cannot decide it."))


def decision_complete(review: Any, context: dict[str, Any]) -> None:
    from .states import Decision

    decision = context.get("decision")
    conditions = context.get("conditions") or []
    errors = []
    if decision not in Decision.values:
        raise ValidationFailed(_("Choose GO, GO_WITH_CONDITIONS, HOLD or NO_GO."), field="decision")
    if decision == Decision.GO_WITH_CONDITIONS and not conditions:
        errors.append({"field": "conditions", "reason": _("GO with conditions needs at least one condition.")})
    if decision != Decision.GO_WITH_CONDITIONS and conditions:
        errors.append({"field": "conditions", "reason": _("Only GO with conditions carries conditions.")})
    if decision == Decision.HOLD:
        day = context.get("rehearing_date")
        if not isinstance(day, dt.date) or day <= timezone.localdate():
            errors.append({"field": "rehearing_date", "reason": _("HOLD needs a re-review date in the future.")})
    if decision in (Decision.HOLD, Decision.NO_GO) and not str(context.get("rationale") or "").strip():
        errors.append({"field": "rationale", "reason": _("Explain a HOLD or NO-GO.")})
    if review.gate_type == "ATB" and decision in (Decision.GO, Decision.GO_WITH_CONDITIONS):
        floor = context.get("floor_price")
        if floor is None or floor <= 0:
            errors.append({"field": "floor_price", "reason": _("ATB approves a floor price: give it.")})
        elif review.quote_id and floor > review.quote.total_net:
            errors.append({"field": "floor_price", "reason": _("The floor cannot be above the quoted net price.")})
    override = context.get("probability_override")
    if override is not None and not (Decimal(0) <= override <= Decimal(100)):
        errors.append({"field": "probability_override", "reason": _("A probability is between 0 and 100.")})
    today = timezone.localdate()
    for i, cond in enumerate(conditions):
        if not str(cond.get("text") or "").strip():
            errors.append({"field": f"conditions.{i}.text", "reason": _("Say what must be done.")})
        if cond.get("owner") is None:
            errors.append({"field": f"conditions.{i}.owner", "reason": _("Name the owner.")})
        due = cond.get("due_date")
        if not isinstance(due, dt.date) or due < today:
            errors.append({"field": f"conditions.{i}.due_date", "reason": _("Give a due date from today on.")})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)


def atb_decided_in_time(review: Any, context: dict[str, Any]) -> None:
    from .states import Decision

    if review.gate_type != "ATB" or context.get("decision") not in (Decision.GO, Decision.GO_WITH_CONDITIONS):
        return
    bid = review.bid
    if bid is None:
        return
    lead = context.get("atb_lead_working_days", 5)
    left = _rules().working_days_left(bid.deadline)
    if left < lead:
        raise _refuse(
            _("ATB must close at least %(n)d working days before the bid deadline; only %(left)d remain.")
            % {"n": lead, "left": max(left, 0)},
            "atb_too_late", working_days_left=left,
        )


# --- conditions ---------------------------------------------------------------------------------------


def may_close_condition(condition: Any, context: dict[str, Any]) -> None:
    actor = context.get("actor")
    if actor is None:
        return
    rules = _rules()
    allowed = (
        actor.pk == condition.owner_id
        or actor.is_superuser
        or actor.has_role("administrator")
        or (condition.opportunity_id and condition.opportunity.owner_id == actor.pk)
        or rules.is_member(condition.review.decision_body, actor)
    )
    if not allowed:
        raise PermissionDenied(_("Only the condition's owner, the AR or the deciding body can close it."))
    if not str(context.get("note") or "").strip():
        raise ValidationFailed(_("Say how the condition was met."), field="note")


def may_waive_condition(condition: Any, context: dict[str, Any]) -> None:
    actor = context.get("actor")
    if actor is None or not _rules().is_member(condition.review.decision_body, actor):
        raise PermissionDenied(_("Only a member of the body that set the condition can waive it."))


# --- quotes --------------------------------------------------------------------------------------------


def quote_has_lines(quote: Any, context: dict[str, Any]) -> None:
    if not quote.lines.exists():
        raise ValidationFailed(_("A quote needs at least one line."), field="lines")


def discount_within_authority(quote: Any, context: dict[str, Any]) -> None:
    if context.get("needs_approval"):
        raise _refuse(_("The discount is beyond the preparer's authority: it needs approval."), "discount_needs_approval")


def quote_approver_has_level(quote: Any, context: dict[str, Any]) -> None:
    from .states import level_rank

    actor = context.get("actor")
    rules = _rules()
    level = rules.highest_level_for(actor, quote.opportunity) if actor is not None else None
    if level is None or level_rank(level) < level_rank(quote.required_level or "rep_office"):
        raise PermissionDenied(
            _("This discount needs approval at level “%(need)s” by a decision body covering the deal.")
            % {"need": quote.get_required_level_display() or quote.required_level}
        )
    if actor.pk == quote.created_by_id:
        raise PermissionDenied(_("The preparer of a quote cannot approve its discount."))


def quote_bid_open(quote: Any, context: dict[str, Any]) -> None:
    bid = context.get("bid") or quote.bid
    if bid is None:
        if quote.opportunity.direct_negotiation:
            return
        raise ValidationFailed(_("Record the RFP first: a quote is submitted against a bid."), field="bid")
    if bid.submitted_at is None and timezone.now() > bid.deadline:
        raise _refuse(_("The bid deadline has passed."), "bid_deadline_passed")


def returned_to(stage: str) -> Callable[[Any, dict[str, Any]], None]:
    """ON_HOLD → ``stage`` is allowed only when ``stage`` is the one the deal left."""

    def guard(opp: Any, context: dict[str, Any]) -> None:
        returns_to_previous_stage(opp, {**context, "target": stage})

    return guard
