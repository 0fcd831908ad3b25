"""Gate reviews (domain.md 4.2, 4.3, 11.4): draft, answer, submit, assign, decide, and the conditions.

Submitting records the facts and computes the required level from the authority matrix in force,
keeping its version. The decision is recorded once, by a member of a decision body at that level or
higher, and never changes afterwards: a changed situation needs a new review.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.errors import Conflict, FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.money import Money, to_decimal
from m2c.core.notifications import message, notify_many
from m2c.core.roles import Actor, authenticated
from m2c.core.services import model_update

from .. import events, rules
from ..models import (
    AnswerType,
    Checklist,
    DecisionBody,
    Dimension,
    GateAnswer,
    GateReview,
    Opportunity,
    OpportunitySettings,
    PaymentTermDeviation,
    Quote,
)
from ..states import (
    GATE_REVIEW_MACHINE,
    OPPORTUNITY_GATES,
    GateType,
    QuoteStatus,
    ReviewStatus,
    Stage,
)
from ._common import link, require_work

OPEN_REVIEW = (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW)
# The stage an opportunity must be in (or have left for ON_HOLD) to put each gate to review.
GATE_STAGE = {GateType.ATI: Stage.O1_VALIDATE, GateType.ATB: Stage.O3_BID, GateType.ATC: Stage.O4_NEGOTIATE}
MAX_UPLOAD = 20 * 1024 * 1024


def _immutable(review: GateReview) -> Conflict:
    if review.status == ReviewStatus.DECIDED:
        return Conflict(
            _("A gate decision is final and cannot be edited. If the situation changed, start a new review."),
            code="decision_immutable",
        )
    return Conflict(
        _("Only a draft review can be changed; this one is %(status)s.") % {"status": review.get_status_display()},
        code="review_not_draft",
    )


def _default_quote(opportunity: Opportunity, gate_type: str) -> Quote | None:
    if gate_type == GateType.ATC:
        return rules.final_quote(opportunity)
    if gate_type == GateType.ATB:
        return opportunity.quotes.filter(status__in=[QuoteStatus.APPROVED, QuoteStatus.SUBMITTED]).order_by("-number").first()
    return None


@transaction.atomic
def gate_review_create(*, opportunity: Opportunity, actor: Actor, gate_type: str, summary: str = "") -> GateReview:
    """Draft a review of ``gate_type`` with the facts prefilled from the deal and its quote."""
    opp = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    require_work(opp, actor)
    if gate_type not in OPPORTUNITY_GATES:
        raise ValidationFailed(
            _("An opportunity goes through ATI, ATB and ATC; ATAC and ATCC are contract gates."), field="gate_type"
        )
    stage = opp.previous_stage if opp.stage == Stage.ON_HOLD else opp.stage
    if stage != GATE_STAGE[gate_type]:
        raise Conflict(
            _("%(gate)s is reviewed in %(stage)s; the opportunity is in %(now)s.")
            % {"gate": gate_type, "stage": Stage(GATE_STAGE[gate_type]).label, "now": opp.get_stage_display()},
            code="wrong_stage",
        )
    if opp.gate_reviews.filter(gate_type=gate_type, status__in=OPEN_REVIEW).exists():
        raise Conflict(_("A %(gate)s review is already open for this opportunity.") % {"gate": gate_type},
                       code="review_open")
    sequence = (opp.gate_reviews.filter(gate_type=gate_type).aggregate(n=Max("sequence"))["n"] or 0) + 1
    quote = _default_quote(opp, gate_type)
    review = GateReview.objects.create(
        opportunity=opp,
        gate_type=gate_type,
        sequence=sequence,
        checklist=Checklist.objects.filter(gate_type=gate_type, active=True).first(),
        requested_by=authenticated(actor) or opp.owner,
        summary=summary,
        quote=quote,
        bid=rules.current_bid(opp) if gate_type in (GateType.ATB, GateType.ATC) else None,
        value_amount=quote.total_net if quote else opp.amount,
        value_currency=quote.currency if quote else opp.currency,
        margin_pct=quote.margin_pct if quote else None,
        discount_pct=quote.discount_pct if quote else None,
        created_by=authenticated(actor),
    )
    core_events.record(events.REVIEW_CREATED, review, actor=actor, to_state=review.status,
                       payload={"gate": gate_type, "sequence": sequence, "opportunity": str(opp.pk)})
    core_events.record(events.REVIEW_CREATED, opp, actor=actor, payload={"gate": gate_type, "review": str(review.pk)})
    return review


def _answer_value(item_type: str, value: Any, field: str, errors: FieldErrors) -> dict[str, Any]:
    if value is None or value == "":
        return {"value_bool": None, "value_number": None, "value_text": ""}
    if item_type == AnswerType.YES_NO:
        if isinstance(value, bool):
            return {"value_bool": value}
        text = str(value).strip().lower()
        if text in ("yes", "true", "1", "y", "是"):
            return {"value_bool": True}
        if text in ("no", "false", "0", "n", "否"):
            return {"value_bool": False}
        errors.add(field, _("Answer yes or no."))
    elif item_type == AnswerType.NUMBER:
        try:
            number = to_decimal(value, field=field)
        except ValidationFailed as exc:
            errors.add(field, exc.detail)
        else:
            if abs(number) >= Decimal(10) ** 16:
                errors.add(field, _("The number is too large."))
            else:
                return {"value_number": number}
    elif item_type == AnswerType.TEXT:
        return {"value_text": str(value)[:5000]}
    else:
        errors.add(field, _("Upload the file through the file endpoint."))
    return {}


FACT_FIELDS = ("summary", "quote", "margin_pct", "payment_term_deviation", "non_standard_terms",
               "new_country_or_offering", "answers")
# The review's own columns those facts write (a quote brings its value, margin and discount along).
REVIEW_FACT_COLUMNS = ("summary", "quote", "value_amount", "value_currency", "margin_pct", "discount_pct",
                       "payment_term_deviation", "non_standard_terms", "new_country_or_offering")


@transaction.atomic
def gate_review_update(*, review: GateReview, actor: Actor, **changes: Any) -> GateReview:
    """Change a DRAFT review's answers, facts or summary. A decided review refuses every change."""
    locked = (GateReview.objects.select_for_update(of=("self",)).select_related("opportunity", "checklist", "quote")
              .get(pk=review.pk))
    if locked.status != ReviewStatus.DRAFT:
        raise _immutable(locked)
    require_work(locked.opportunity, actor)
    errors = FieldErrors()
    for key in changes:
        if key not in FACT_FIELDS:
            errors.add(key, _("This field cannot be changed here."))
    errors.raise_if_any()
    data: dict[str, Any] = {}
    if "summary" in changes:
        data["summary"] = changes["summary"] or ""
    if "quote" in changes:
        quote = changes["quote"]
        if quote is not None and quote.opportunity_id != locked.opportunity_id:
            errors.add("quote", _("The quote belongs to another opportunity."))
        else:
            data["quote"] = quote
            if quote is not None:
                data.update(value_amount=quote.total_net, value_currency=quote.currency,
                            margin_pct=quote.margin_pct, discount_pct=quote.discount_pct)
    if "margin_pct" in changes:
        value = changes["margin_pct"]
        number = None if value is None else to_decimal(value, field="margin_pct")
        if number is not None and not Decimal(-100) <= number <= Decimal(100):
            errors.add("margin_pct", _("A margin is between -100 and 100 percent."))
        else:
            data["margin_pct"] = number
    if "payment_term_deviation" in changes:
        if changes["payment_term_deviation"] not in PaymentTermDeviation.values:
            errors.add("payment_term_deviation", _("Choose none, moderate or severe."))
        else:
            data["payment_term_deviation"] = changes["payment_term_deviation"]
    for flag in ("non_standard_terms", "new_country_or_offering"):
        if flag in changes:
            data[flag] = bool(changes[flag])
    answers = changes.get("answers") or {}
    items = {i.code: i for i in locked.checklist.items.all()} if locked.checklist_id else {}
    updates = []
    for code, value in answers.items():
        item = items.get(code)
        field = f"answers.{code}"
        if item is None:
            errors.add(field, _("No such checklist item."))
            continue
        values = _answer_value(item.answer_type, value, field, errors)
        updates.append((item, values))
    errors.raise_if_any()
    now = timezone.now()
    existing = {a.code: a for a in locked.answers.all()}
    fresh, changed = [], []
    for item, values in updates:
        fields = {"item": item, "question": item.question, "answer_type": item.answer_type,
                  "answered_by": authenticated(actor), "answered_at": now, **values}
        answer = existing.get(item.code)
        if answer is None:
            fresh.append(GateAnswer(review=locked, code=item.code, **fields))
        else:
            for key, value in fields.items():
                setattr(answer, key, value)
            changed.append(answer)
    GateAnswer.objects.bulk_create(fresh)
    if changed:
        GateAnswer.objects.bulk_update(changed, ["item", "question", "answer_type", "answered_by", "answered_at",
                                                 "value_bool", "value_number", "value_text"])
    diff = model_update(locked, REVIEW_FACT_COLUMNS, data, held=True)
    if updates and not diff:
        # Only answers changed: the review's own row still moves on a version.
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
    touched = sorted(diff) + (["answers"] if updates else [])
    core_events.record(events.REVIEW_UPDATED, locked, actor=actor,
                       payload={"fields": touched, "answers": sorted(answers), "changes": diff})
    return locked


@transaction.atomic
def gate_answer_upload(*, review: GateReview, actor: Actor, code: str, upload: UploadedFile) -> GateAnswer:
    """Attach a file as the answer to a file item of a DRAFT review."""
    locked = GateReview.objects.select_for_update().get(pk=review.pk)
    if locked.status != ReviewStatus.DRAFT:
        raise _immutable(locked)
    require_work(locked.opportunity, actor)
    item = locked.checklist.items.filter(code=code).first() if locked.checklist_id else None
    if item is None:
        raise ValidationFailed(_("No such checklist item."), field=f"answers.{code}")
    if item.answer_type != AnswerType.FILE:
        raise ValidationFailed(_("This item is not answered with a file."), field=f"answers.{code}")
    if upload.size is not None and upload.size > MAX_UPLOAD:
        raise ValidationFailed(_("Files are limited to 20 MB."), field="file")
    answer, _created = GateAnswer.objects.get_or_create(
        review=locked, code=code, defaults={"item": item, "question": item.question, "answer_type": item.answer_type}
    )
    name = (upload.name or "upload").rsplit("/", 1)[-1][-120:]
    answer.file.save(name, upload, save=False)
    answer.answered_by = authenticated(actor)
    answer.answered_at = timezone.now()
    answer.save()
    core_events.record(events.REVIEW_UPDATED, locked, actor=actor, payload={"fields": ["answers"], "answers": [code]})
    return answer


def facts_of(review: GateReview) -> rules.Facts:
    opp = review.opportunity
    value = rules.in_reporting(Money(review.value_amount, review.value_currency))
    return rules.Facts(
        value_reporting=value.amount,
        margin_pct=review.margin_pct,
        payment_term_deviation=review.payment_term_deviation,
        non_standard_terms=review.non_standard_terms,
        new_country_or_offering=review.new_country_or_offering,
        discount_pct=review.discount_pct,
        offering_line_ids=set(opp.offering_lines.values_list("pk", flat=True)) if opp else set(),
    )


def _notify_body(review: GateReview, body: DecisionBody) -> None:
    opp = review.opportunity
    title = message(gettext_noop("%(gate)s review to decide: %(name)s"), gate=review.gate_type,
                    name=opp.name if opp else "")
    # The body's members, in membership order, in one INSERT.
    notify_many([m.user for m in body.memberships.filter(valid_to__isnull=True).select_related("user")
                 if m.user_id != review.requested_by_id],
                title=title, body=review.summary[:500], url=link("opportunities:review", review.pk),
                kind="opportunities.gate", subject=review)


@transaction.atomic
def gate_review_submit(*, review: GateReview, actor: Actor) -> GateReview:
    """DRAFT → SUBMITTED: checklist complete, earlier conditions closed, gate rules met; the required level
    is computed from the authority matrix in force. Assigned at once when exactly one body fits."""
    # Locked once with everything its guards read; the machine then writes through this row (held=True).
    locked = (GateReview.objects.select_for_update(of=("self",))
              .select_related("opportunity__org_unit", "opportunity__customer", "quote", "bid", "checklist")
              .prefetch_related("answers", "checklist__items").get(pk=review.pk))
    if locked.status != ReviewStatus.DRAFT:
        raise _immutable(locked)
    require_work(locked.opportunity, actor)
    conf = OpportunitySettings.current()
    if locked.quote_id:
        # The facts follow the quote attached at the moment of submission.
        locked.value_amount, locked.value_currency = locked.quote.total_net, locked.quote.currency
        locked.margin_pct = locked.quote.margin_pct if locked.margin_pct is None else locked.margin_pct
        locked.discount_pct = locked.quote.discount_pct
    elif locked.opportunity_id and locked.contract_id is None:
        locked.value_amount, locked.value_currency = locked.opportunity.amount, locked.opportunity.currency
    try:
        facts = facts_of(locked)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.detail, field="value_currency", code=exc.code) from None
    # The guards read the facts as submitted; a refusal rolls this back with everything else.
    GateReview.objects.filter(pk=locked.pk).update(
        value_amount=locked.value_amount, value_currency=locked.value_currency, margin_pct=locked.margin_pct,
        discount_pct=locked.discount_pct,
    )
    # Discounts are approved on the quote itself; a gate weighs value, margin, terms and novelty.
    dimensions = [d for d in Dimension.values if d != Dimension.DISCOUNT]
    verdict = rules.evaluate(facts, gate_type=locked.gate_type, dimensions=dimensions)
    result = GATE_REVIEW_MACHINE.apply(
        locked, ReviewStatus.SUBMITTED, actor=actor,
        context={"actor": actor, "atb_lead_working_days": conf.atb_lead_working_days,
                 "low_probability_floor": conf.low_probability_floor},
        changes={
            "submitted_at": timezone.now(),
            "value_amount": locked.value_amount,
            "value_currency": locked.value_currency,
            "value_reporting": facts.value_reporting,
            "margin_pct": locked.margin_pct,
            "discount_pct": locked.discount_pct,
            "required_level": verdict.level,
            "level_reasons": verdict.reasons,
            "authority_matrix": verdict.matrix,
            "authority_rule_version": verdict.matrix.version if verdict.matrix else None,
            "bid": locked.bid or (rules.current_bid(locked.opportunity)
                                  if locked.gate_type in (GateType.ATB, GateType.ATC) else None),
        },
        payload={"required_level": verdict.level, "authority_rule_version": verdict.matrix.version if verdict.matrix else None,
                 "reasons": verdict.reasons},
        held=True,
    )
    core_events.record(events.REVIEW_SUBMITTED, result.opportunity, actor=actor,
                       payload={"gate": result.gate_type, "review": str(result.pk), "required_level": verdict.level})
    candidates = [b for b in rules.bodies_for(result.opportunity, min_level=verdict.level) if b.level == verdict.level]
    if len(candidates) == 1:
        result = _assign(result, candidates[0], actor=actor, held=True)
    return result


def _assign(review: GateReview, body: DecisionBody, *, actor: Actor, held: bool = False) -> GateReview:
    """``held``: ``review`` is the row this transaction locked (the submit that assigns at once)."""
    result = GATE_REVIEW_MACHINE.apply(
        review, ReviewStatus.IN_REVIEW, actor=actor, context={"actor": actor, "body": body},
        changes={"decision_body": body, "assigned_at": timezone.now()},
        payload={"decision_body": str(body), "level": body.level}, held=held,
    )
    _notify_body(result, body)
    return result


@transaction.atomic
def gate_review_assign(*, review: GateReview, actor: Actor, body: DecisionBody) -> GateReview:
    """SUBMITTED → IN_REVIEW: put the review to a body at the required level or higher."""
    if actor is not None and not (actor.is_superuser or actor.has_role("administrator") or rules.is_member(body, actor)):
        raise PermissionDenied(_("Only an administrator or a member of that body can take the review."))
    return _assign(review, body, actor=actor)


@transaction.atomic
def gate_review_withdraw(*, review: GateReview, actor: Actor, reason: str = "") -> GateReview:
    locked = GateReview.objects.select_related("opportunity").get(pk=review.pk)
    require_work(locked.opportunity, actor)
    if locked.status == ReviewStatus.DECIDED:
        raise _immutable(locked)
    return GATE_REVIEW_MACHINE.apply(locked, ReviewStatus.WITHDRAWN, actor=actor, reason=reason)


CONTRACT_GATES = (GateType.ATAC, GateType.ATCC)


@transaction.atomic
def contract_review_create(*, contract_id: Any, opportunity: Opportunity, actor: Actor, gate_type: str,
                           value: Money, summary: str = "", margin_pct: Decimal | None = None) -> GateReview:
    """Draft an ATAC or ATCC review of a contract, decided with the same authority matrix, checklists and
    decision bodies as the deal's gates.

    The contracts app calls this: the review carries the contract's id and its source opportunity (whose
    org unit decides which bodies review it); ``value`` is the amendment's delta (ATAC) or the contract
    value (ATCC); ``margin_pct`` the margin the change carries, prefilled for the requester to confirm. The
    contracts app reacts to the decision event.
    """
    if gate_type not in CONTRACT_GATES:
        raise ValidationFailed(_("A contract goes through ATAC and ATCC."), field="gate_type")
    # Who may open it is the contracts app's rule (the contract's owner, PM, finance), checked there.
    opp = Opportunity.objects.get(pk=opportunity.pk)
    if GateReview.objects.filter(contract_id=contract_id, gate_type=gate_type, status__in=OPEN_REVIEW).exists():
        raise Conflict(_("A %(gate)s review is already open for this contract.") % {"gate": gate_type},
                       code="review_open")
    sequence = (GateReview.objects.filter(contract_id=contract_id, gate_type=gate_type)
                .aggregate(n=Max("sequence"))["n"] or 0) + 1
    review = GateReview.objects.create(
        opportunity=opp, contract_id=contract_id, gate_type=gate_type, sequence=sequence,
        checklist=Checklist.objects.filter(gate_type=gate_type, active=True).first(),
        requested_by=authenticated(actor) or opp.owner, summary=summary,
        value_amount=value.amount, value_currency=value.currency, margin_pct=margin_pct,
        created_by=authenticated(actor),
    )
    core_events.record(events.REVIEW_CREATED, review, actor=actor, to_state=review.status,
                       payload={"gate": gate_type, "sequence": sequence, "opportunity": str(opp.pk)})
    return review
