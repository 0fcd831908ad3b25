"""Quotes and bids (domain.md 4.4, 11.3): versions, lines, discount authority, submission with the bid.

A quote's discount within its preparer's authority (per role and offering line, from the matrix in
force) is approved at once; beyond it, a decision-body member at the level the matrix's discount rules
require approves it. Only one version per bid is SUBMITTED at a time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core import fx
from m2c.core.errors import Conflict, FieldErrors, ValidationFailed
from m2c.core.models import Currency
from m2c.core.money import Money, normalise_currency, to_decimal
from m2c.core.notifications import message, notify
from m2c.core.roles import Actor, authenticated
from m2c.core.services import model_update

from .. import events, rules
from ..models import Bid, Opportunity, PriceList, PriceListItem, Product, Quote, QuoteLine
from ..states import QUOTE_MACHINE, DecisionLevel, QuoteStatus, Stage, level_rank
from ._common import link, percent, require_open, require_work

HUNDRED = Decimal(100)
MAX_AMOUNT = Decimal(10) ** 15
MAX_QUANTITY = Decimal(10) ** 9


def _not_editable(quote: Quote) -> Conflict:
    return Conflict(
        _("Quote v%(n)d is %(status)s: only a draft changes. Create a new version instead.")
        % {"n": quote.number, "status": quote.get_status_display()},
        code="quote_not_draft",
    )


def recalculate(quote: Quote) -> Quote:
    """Totals, discount and margin from the lines (rounded to the currency's minor unit at the total)."""
    total_list = total_net = total_cost = Decimal(0)
    for line in quote.lines.all():
        total_list += line.list_amount
        total_net += line.net_amount
        total_cost += line.cost_amount
    quote.total_list = Money(total_list, quote.currency).rounded().amount
    quote.total_net = Money(total_net, quote.currency).rounded().amount
    quote.total_cost = Money(total_cost, quote.currency).rounded().amount
    quote.discount_pct = ((total_list - total_net) / total_list * HUNDRED).quantize(Decimal("0.0001")) if total_list else Decimal(0)
    margin = ((total_net - total_cost) / total_net * HUNDRED).quantize(Decimal("0.0001")) if total_net else None
    # A loss-making quote can show any negative margin; the column keeps three integer digits.
    quote.margin_pct = max(margin, Decimal("-999.9999")) if margin is not None else None
    if max(total_list, total_net, total_cost) >= MAX_AMOUNT * 10:
        raise ValidationFailed(_("The quote total is too large."), field="lines")
    return quote


def _save_totals(quote: Quote) -> None:
    recalculate(quote)
    quote.version += 1
    quote.save(update_fields=["total_list", "total_net", "total_cost", "discount_pct", "margin_pct", "version",
                              "updated_at"])


@transaction.atomic
def quote_create(*, opportunity: Opportunity, actor: Actor, currency: str | None = None,
                 price_list: PriceList | None = None, copy_from: Quote | None = None, title: str = "",
                 valid_until: dt.date | None = None, payment_terms: str = "", delivery_terms: str = "",
                 notes: str = "") -> Quote:
    """A new quote version, empty or copied line by line from an earlier version."""
    opp = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    require_work(opp, actor)
    require_open(opp)
    if opp.stage == Stage.O1_VALIDATE:
        raise Conflict(_("Quotes start after ATI, from O2 on."), code="wrong_stage")
    errors = FieldErrors()
    if copy_from is not None and copy_from.opportunity_id != opp.pk:
        errors.add("copy_from", _("The quote belongs to another opportunity."))
    code = currency or (copy_from.currency if copy_from else None) or (price_list.currency if price_list else opp.currency)
    try:
        code = normalise_currency(code)
    except ValidationFailed as exc:
        errors.add("currency", exc.detail)
    else:
        if not Currency.objects.filter(code=code, active=True).exists():
            errors.add("currency", _("“%(c)s” is not an active currency.") % {"c": code})
    if price_list is not None and price_list.currency != code:
        errors.add("price_list", _("The price list is in %(c)s, the quote in %(q)s.") % {"c": price_list.currency, "q": code})
    errors.raise_if_any()
    number = (opp.quotes.aggregate(n=Max("number"))["n"] or 0) + 1
    source = copy_from
    if price_list is None and source is None:
        price_list = default_price_list(code)
    quote = Quote.objects.create(
        opportunity=opp, number=number, currency=code, price_list=price_list or (source.price_list if source else None),
        bid=rules.current_bid(opp), copied_from=source, title=title or (source.title if source else opp.name)[:200],
        valid_until=valid_until or (source.valid_until if source else None),
        payment_terms=payment_terms or (source.payment_terms if source else ""),
        delivery_terms=delivery_terms or (source.delivery_terms if source else ""),
        notes=notes or (source.notes if source else ""), created_by=authenticated(actor),
    )
    if source is not None:
        if source.currency != code:
            raise ValidationFailed(_("A copy keeps the currency of the version it copies."), field="currency")
        QuoteLine.objects.bulk_create([
            QuoteLine(quote=quote, position=line.position, product=line.product, description=line.description,
                      site=line.site, quantity=line.quantity, unit_list_price=line.unit_list_price,
                      discount_pct=line.discount_pct, unit_net_price=line.unit_net_price, unit_cost=line.unit_cost)
            for line in source.lines.all()
        ])
        recalculate(quote)
        quote.save()
    core_events.record(events.QUOTE_CREATED, quote, actor=actor, to_state=quote.status,
                       payload={"version": number, "copied_from": source.number if source else None})
    core_events.record(events.QUOTE_CREATED, opp, actor=actor, payload={"quote": str(quote.pk), "version": number})
    return quote


QUOTE_HEADER = ("title", "valid_until", "payment_terms", "delivery_terms", "notes", "price_list")


def default_price_list(currency: str, on: dt.date | None = None) -> PriceList | None:
    """The price list a new quote in ``currency`` starts from: the active one in force, newest first."""
    day = on or timezone.localdate()
    return (PriceList.objects.filter(currency=currency, active=True, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)).order_by("-valid_from", "code").first())


def _reprice(quote: Quote) -> int:
    """List prices of product lines from the quote's (new) price list; each line keeps its discount.

    Lines whose product the list does not price, and lines without a product, keep their price.
    """
    if quote.price_list_id is None:
        return 0
    prices = dict(PriceListItem.objects.filter(price_list_id=quote.price_list_id).values_list("product_id", "list_price"))
    changed = 0
    for line in quote.lines.filter(product__isnull=False):
        price = prices.get(line.product_id)
        if price is None or price == line.unit_list_price:
            continue
        line.unit_list_price = price
        line.unit_net_price = (price * (HUNDRED - line.discount_pct) / HUNDRED).quantize(Decimal("0.0001"))
        line.save(update_fields=["unit_list_price", "unit_net_price"])
        changed += 1
    return changed


@transaction.atomic
def quote_update(*, quote: Quote, actor: Actor, **changes: Any) -> Quote:
    locked = Quote.objects.select_for_update().get(pk=quote.pk)
    if not locked.is_editable:
        raise _not_editable(locked)
    require_work(locked.opportunity, actor)
    price_list = changes.get("price_list")
    if price_list is not None and price_list.currency != locked.currency:
        raise ValidationFailed(_("The price list is in another currency."), field="price_list")
    clean = {k: v if v is not None or k in ("valid_until", "price_list") else "" for k, v in changes.items()}
    diff = model_update(locked, QUOTE_HEADER, clean)
    if diff:
        payload: dict[str, Any] = {"changes": diff}
        if "price_list" in diff:
            # A new price list re-prices the product lines it covers; totals and approval level follow.
            payload["repriced_lines"] = _reprice(locked)
            _save_totals(locked)
        core_events.record(events.QUOTE_UPDATED, locked, actor=actor, payload=payload)
    return locked


def _product_cost(product: Product, currency: str) -> Decimal:
    cost = Money(product.standard_cost, product.cost_currency)
    if cost.currency == currency:
        return cost.amount
    return fx.convert(cost, currency).amount


def _list_price(quote: Quote, product: Product) -> Decimal | None:
    if quote.price_list_id is None:
        return None
    item = PriceListItem.objects.filter(price_list_id=quote.price_list_id, product=product).first()
    return item.list_price if item else None


@transaction.atomic
def quote_line_add(*, quote: Quote, actor: Actor, product: Product | None = None, description: str = "",
                   site: str = "", quantity: Any = 1, unit_list_price: Any = None, discount_pct: Any = 0,
                   unit_cost: Any = None) -> QuoteLine:
    """Add a line. With a product, the list price comes from the quote's price list and the cost from the
    product's standard cost (converted to the quote's currency) unless given."""
    locked = Quote.objects.select_for_update().get(pk=quote.pk)
    if not locked.is_editable:
        raise _not_editable(locked)
    require_work(locked.opportunity, actor)
    errors = FieldErrors()
    values = _line_values(locked, errors, product=product, description=description, site=site, quantity=quantity,
                          unit_list_price=unit_list_price, discount_pct=discount_pct, unit_cost=unit_cost)
    errors.raise_if_any()
    position = (locked.lines.aggregate(n=Max("position"))["n"] or 0) + 1
    line = QuoteLine.objects.create(quote=locked, position=position, **values)
    _save_totals(locked)
    core_events.record(events.QUOTE_UPDATED, locked, actor=actor,
                       payload={"added": line.description, "quantity": str(line.quantity), "net": str(line.net_amount)})
    return line


def _line_values(quote: Quote, errors: FieldErrors, *, product: Product | None, description: str, site: str, quantity: Any,
                 unit_list_price: Any, discount_pct: Any, unit_cost: Any) -> dict[str, Any]:
    if product is not None and not product.active:
        errors.add("product", _("The product is no longer sold."))
    text = (description or (product.label if product else "")).strip()
    if not text:
        errors.add("description", _("Describe the item or choose a product."))
    qty = _number(quantity, "quantity", errors)
    if qty is not None and qty <= 0:
        errors.add("quantity", _("The quantity must be more than zero."))
    price = _number(unit_list_price, "unit_list_price", errors) if unit_list_price not in (None, "") else None
    if price is None and product is not None:
        price = _list_price(quote, product)
        if price is None:
            errors.add("unit_list_price", _("The quote's price list has no price for %(p)s: give one.") % {"p": product.code})
    elif price is None:
        errors.add("unit_list_price", _("Give the unit list price."))
    if price is not None and price < 0:
        errors.add("unit_list_price", _("A price cannot be negative."))
    cost = _number(unit_cost, "unit_cost", errors) if unit_cost not in (None, "") else None
    if cost is None and product is not None:
        try:
            cost = _product_cost(product, quote.currency)
        except ValidationFailed as exc:
            errors.add("unit_cost", exc.detail)
    if cost is not None and cost < 0:
        errors.add("unit_cost", _("A cost cannot be negative."))
    discount = percent(discount_pct if discount_pct not in (None, "") else 0, field="discount_pct", errors=errors)
    for value, field, limit in ((qty, "quantity", MAX_QUANTITY), (price, "unit_list_price", MAX_AMOUNT),
                                (cost, "unit_cost", MAX_AMOUNT)):
        if value is not None and value >= limit:
            errors.add(field, _("The number is too large."))
    if not errors and qty is not None and price is not None and (qty * price >= MAX_AMOUNT
                                                                 or qty * (cost or 0) >= MAX_AMOUNT):
        errors.add("quantity", _("The line amount is too large."))
    if errors:
        return {}
    net = (price * (HUNDRED - discount) / HUNDRED).quantize(Decimal("0.0001"))
    return {"product": product, "description": text[:300], "site": (site or "").strip()[:120], "quantity": qty,
            "unit_list_price": price, "discount_pct": discount, "unit_net_price": net, "unit_cost": cost or Decimal(0)}


def _number(value: Any, field: str, errors: FieldErrors) -> Decimal | None:
    try:
        return to_decimal(value, field=field)
    except ValidationFailed as exc:
        errors.add(field, exc.detail)
        return None


@transaction.atomic
def quote_line_update(*, line: QuoteLine, actor: Actor, **changes: Any) -> QuoteLine:
    locked = Quote.objects.select_for_update().get(pk=line.quote_id)
    if not locked.is_editable:
        raise _not_editable(locked)
    require_work(locked.opportunity, actor)
    allowed = {"description", "site", "quantity", "unit_list_price", "discount_pct", "unit_cost"}
    errors = FieldErrors()
    for key in changes:
        if key not in allowed:
            errors.add(key, _("This field cannot be changed here."))
    errors.raise_if_any()
    current = {"product": line.product, "description": line.description, "site": line.site, "quantity": line.quantity,
               "unit_list_price": line.unit_list_price, "discount_pct": line.discount_pct, "unit_cost": line.unit_cost}
    current.update({k: v for k, v in changes.items() if v is not None})
    values = _line_values(locked, errors, **current)
    errors.raise_if_any()
    for key, value in values.items():
        setattr(line, key, value)
    line.save()
    _save_totals(locked)
    core_events.record(events.QUOTE_UPDATED, locked, actor=actor, payload={"changed": line.description,
                                                                          "fields": sorted(changes)})
    return line


@transaction.atomic
def quote_line_remove(*, line: QuoteLine, actor: Actor) -> None:
    locked = Quote.objects.select_for_update().get(pk=line.quote_id)
    if not locked.is_editable:
        raise _not_editable(locked)
    require_work(locked.opportunity, actor)
    text = line.description
    line.delete()
    _save_totals(locked)
    core_events.record(events.QUOTE_UPDATED, locked, actor=actor, payload={"removed": text})


def discount_check(quote: Quote, actor: Actor) -> tuple[bool, str, list[dict[str, str]], Any]:
    """(needs approval, required level, reasons, matrix) for ``quote`` prepared by ``actor``."""
    matrix = rules.matrix_in_force()
    lines = set(quote.opportunity.offering_lines.values_list("pk", flat=True))
    for product_line in quote.lines.exclude(product=None).values_list("product__offering_line_id", flat=True):
        lines.add(product_line)
    discount = quote.discount_pct or Decimal(0)
    line_max = max([line.discount_pct for line in quote.lines.all()] or [Decimal(0)])
    authority = rules.discount_authority(actor, lines, matrix) if actor is not None else HUNDRED
    verdict = rules.evaluate(rules.Facts(discount_pct=discount, offering_line_ids=lines), dimensions=["discount_pct"],
                             matrix=matrix)
    reasons = list(verdict.reasons)
    needs = bool(reasons)
    worst = max(discount, line_max)
    if worst > authority:
        needs = True
        reasons.insert(0, {"dimension": "discount_pct", "rule": _("beyond the preparer's discount authority of %(a)s%%")
                           % {"a": f"{authority.normalize():f}"}, "value": f"{worst.normalize():f}",
                           "level": DecisionLevel.REP_OFFICE})
    level = verdict.level if level_rank(verdict.level) >= level_rank(DecisionLevel.REP_OFFICE) else DecisionLevel.REP_OFFICE
    return needs, level, reasons, matrix


@transaction.atomic
def quote_request_approval(*, quote: Quote, actor: Actor) -> Quote:
    """DRAFT → APPROVED when the discount is within the preparer's authority, else → PENDING_APPROVAL."""
    locked = Quote.objects.select_related("opportunity").get(pk=quote.pk)
    require_work(locked.opportunity, actor)
    require_open(locked.opportunity)
    needs, level, reasons, matrix = discount_check(locked, actor)
    common = {"required_level": level if needs else "", "approval_reasons": reasons, "authority_matrix": matrix}
    if not needs:
        return QUOTE_MACHINE.apply(
            locked, QuoteStatus.APPROVED, actor=actor, context={"actor": actor, "needs_approval": False},
            changes={**common, "approved_by": authenticated(actor), "approved_at": timezone.now(),
                     "approval_note": _("Within the preparer's discount authority.")},
            payload={"discount_pct": str(locked.discount_pct), "within_authority": True,
                     "authority_rule_version": matrix.version if matrix else None},
        )
    result = QUOTE_MACHINE.apply(
        locked, QuoteStatus.PENDING_APPROVAL, actor=actor, context={"actor": actor},
        changes=common,
        payload={"discount_pct": str(locked.discount_pct), "required_level": level, "reasons": reasons,
                 "authority_rule_version": matrix.version if matrix else None},
    )
    for body in rules.bodies_for(result.opportunity, min_level=level):
        if body.level != level:
            continue
        for member in body.memberships.filter(valid_to__isnull=True).select_related("user"):
            if member.user_id != getattr(actor, "pk", None):
                notify(member.user, title=message(gettext_noop("Discount to approve: %(name)s v%(n)d"),
                                                  name=result.opportunity.name, n=result.number),
                       body=message(gettext_noop("Discount %(d)s%%."), d=f"{result.discount_pct.normalize():f}"),
                       url=link("opportunities:quote", result.pk), kind="opportunities.quote", subject=result)
    return result


@transaction.atomic
def quote_approve(*, quote: Quote, actor: Actor, note: str = "") -> Quote:
    result = QUOTE_MACHINE.apply(
        quote, QuoteStatus.APPROVED, actor=actor, reason=note, context={"actor": actor},
        changes={"approved_by": authenticated(actor), "approved_at": timezone.now(), "approval_note": (note or "").strip()},
        payload={"discount_pct": str(quote.discount_pct), "level": quote.required_level},
    )
    if result.created_by_id and result.created_by_id != getattr(actor, "pk", None):
        notify(result.created_by, title=message(gettext_noop("Discount approved: %(name)s v%(n)d"),
                                                name=result.opportunity.name, n=result.number),
               body=note, url=link("opportunities:quote", result.pk), kind="opportunities.quote", subject=result)
    return result


@transaction.atomic
def quote_reject(*, quote: Quote, actor: Actor, reason: str) -> Quote:
    """PENDING_APPROVAL → DRAFT with the approver's reason, for rework."""
    result = QUOTE_MACHINE.apply(
        quote, QuoteStatus.DRAFT, actor=actor, reason=reason, context={"actor": actor, "reason": reason},
        changes={"approval_note": (reason or "").strip()}, event_type=events.QUOTE_REJECTED,
    )
    if result.created_by_id:
        notify(result.created_by, title=message(gettext_noop("Discount refused: %(name)s v%(n)d"),
                                                name=result.opportunity.name, n=result.number),
               body=reason, url=link("opportunities:quote", result.pk), kind="opportunities.quote", subject=result)
    return result


def _submit(quote: Quote, bid: Bid | None, actor: Actor) -> Quote:
    """APPROVED → SUBMITTED, superseding the version the customer held for the same bid."""
    previous = Quote.objects.filter(opportunity_id=quote.opportunity_id, status=QuoteStatus.SUBMITTED)
    previous = previous.filter(bid=bid) if bid is not None else previous.filter(bid__isnull=True)
    for old in previous.exclude(pk=quote.pk):
        QUOTE_MACHINE.apply(old, QuoteStatus.SUPERSEDED, actor=actor, payload={"superseded_by": quote.number})
    return QUOTE_MACHINE.apply(
        quote, QuoteStatus.SUBMITTED, actor=actor, context={"actor": actor, "bid": bid},
        changes={"submitted_at": timezone.now(), "bid": bid},
        payload={"net": str(quote.total_net), "currency": quote.currency, "bid": str(bid.pk) if bid else None},
    )


@transaction.atomic
def quote_submit(*, quote: Quote, actor: Actor) -> Quote:
    """Send an approved version to the customer during negotiation (after the bid went out, or on a
    direct-negotiation deal). Before the bid, quotes go out with :func:`bid_submit`."""
    locked = Quote.objects.select_related("opportunity").get(pk=quote.pk)
    require_work(locked.opportunity, actor)
    require_open(locked.opportunity)
    bid = rules.current_bid(locked.opportunity)
    if bid is not None and bid.submitted_at is None:
        raise Conflict(_("Before the bid goes out, the quote is submitted with the bid."), code="submit_with_bid")
    return _submit(locked, bid, actor)


@transaction.atomic
def quote_withdraw(*, quote: Quote, actor: Actor, reason: str = "") -> Quote:
    require_work(quote.opportunity, actor)
    return QUOTE_MACHINE.apply(quote, QuoteStatus.WITHDRAWN, actor=actor, reason=reason)


# --- bids -------------------------------------------------------------------------------------------


@transaction.atomic
def bid_record(*, opportunity: Opportunity, actor: Actor, rfp_received_on: dt.date, deadline: dt.datetime,
               reference: str = "", notes: str = "") -> Bid:
    """The customer issued an RFP or tender: record it with its submission deadline."""
    opp = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    require_work(opp, actor)
    require_open(opp)
    errors = FieldErrors()
    if opp.stage not in (Stage.O2_SHAPE, Stage.O3_BID, Stage.O4_NEGOTIATE):
        errors.add("stage", _("A tender is recorded after ATI, from O2 on."))
    if rfp_received_on is None or rfp_received_on > timezone.localdate():
        errors.add("rfp_received_on", _("Give the day the RFP arrived (not in the future)."))
    if deadline is None or timezone.is_naive(deadline):
        errors.add("deadline", _("Give the deadline with its time zone."))
    elif rfp_received_on is not None and timezone.localtime(deadline).date() < rfp_received_on:
        errors.add("deadline", _("The deadline cannot be before the RFP arrived."))
    current = rules.current_bid(opp)
    if current is not None and current.submitted_at is None:
        errors.add("bid", _("The current tender has not been submitted yet."))
    errors.raise_if_any()
    bid = Bid.objects.create(opportunity=opp, rfp_received_on=rfp_received_on, deadline=deadline,
                             reference=(reference or "").strip()[:80], notes=notes, created_by=authenticated(actor))
    # Drafts and approved versions not yet submitted go with the new tender.
    opp.quotes.filter(status__in=[QuoteStatus.DRAFT, QuoteStatus.PENDING_APPROVAL, QuoteStatus.APPROVED]).update(bid=bid)
    core_events.record(events.BID_OPENED, opp, actor=actor,
                       payload={"bid": str(bid.pk), "reference": bid.reference, "deadline": deadline.isoformat()})
    return bid


@transaction.atomic
def bid_submit(*, bid: Bid, actor: Actor, quote: Quote) -> Bid:
    """Submit the bid with an approved quote version: needs ATB passed, before the deadline."""
    locked = Bid.objects.select_for_update(of=("self",)).select_related("opportunity").get(pk=bid.pk)
    opp = locked.opportunity
    require_work(opp, actor)
    require_open(opp)
    if locked.submitted_at is not None:
        raise Conflict(_("This bid has already been submitted."), code="bid_submitted")
    if quote.opportunity_id != opp.pk:
        raise ValidationFailed(_("The quote belongs to another opportunity."), field="quote")
    if quote.status != QuoteStatus.APPROVED:
        raise Conflict(_("Only an approved quote version goes out with a bid."), code="quote_not_approved")
    atb = rules.latest_decided(opp, "ATB", after=opp.bid_reopened_at)
    if atb is None or not atb.passed:
        raise Conflict(_("No bid goes out without an ATB GO."), code="gate_not_passed", extra={"gate": "ATB"})
    now = timezone.now()
    if now > locked.deadline:
        raise Conflict(_("The bid deadline has passed."), code="bid_deadline_passed")
    _submit(quote, locked, actor)
    locked.submitted_at = now
    locked.submitted_by = authenticated(actor)
    locked.quote = quote
    locked.version += 1
    locked.save()
    core_events.record(events.BID_SUBMITTED, opp, actor=actor,
                       payload={"bid": str(locked.pk), "quote": str(quote.pk), "version": quote.number,
                                "net": str(quote.total_net), "currency": quote.currency})
    return locked
