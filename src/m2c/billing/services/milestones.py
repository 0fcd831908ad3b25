"""Milestone billing (domain.md 6.3, 11.6): payment terms per contract and the items evidence releases."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.contracts import selectors as contract_selectors
from m2c.contracts.selectors import contract_by_id, contract_lock
from m2c.core import events as core_events
from m2c.core.errors import Conflict, FieldErrors, NotFound, ValidationFailed
from m2c.core.roles import Actor

if TYPE_CHECKING:
    from m2c.contracts.models import Contract

from .. import events
from ..models import BillingItem, BillingMilestone
from ..states import (
    LIVE_INVOICE_STATUSES,
    MILESTONE_MACHINE,
    InvoiceStatus,
    MilestoneStatus,
    Period,
    Scope,
    Trigger,
)
from ._common import amount, day, fen, require_billing, require_finance

PCT = Decimal("0.0001")
CERTIFICATE_TRIGGERS = {Trigger.DELIVERY: "DELIVERY", Trigger.PAC: "PAC", Trigger.FAC: "FAC"}


def _parse_rows(contract: Contract, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    errors = FieldErrors()
    clean: list[dict[str, Any]] = []
    if not rows:
        errors.add("milestones", _("Give at least one milestone."))
    total_value = contract.total_value
    cum_percent, cum_value = Decimal(0), Decimal(0)
    for i, row in enumerate(rows):
        where = f"milestones.{i}"
        name = str(row.get("name") or "").strip()
        if not name:
            errors.add(f"{where}.name", _("Name the milestone."))
        trigger = row.get("trigger")
        if trigger not in Trigger.values:
            errors.add(f"{where}.trigger", _("Choose signature, delivery, PAC, FAC, days after an event or periodic."))
        scope = row.get("scope") or Scope.CONTRACT
        if scope not in Scope.values:
            errors.add(f"{where}.scope", _("Choose the whole contract or pro rata per site."))
        elif scope == Scope.PER_SITE and not contract.sites.exists():
            errors.add(f"{where}.scope", _("This contract has no sites to bill pro rata."))
        elif scope == Scope.PER_SITE and trigger == Trigger.SIGNATURE:
            errors.add(f"{where}.scope", _("A signature milestone covers the whole contract."))
        trigger_event = str(row.get("trigger_event") or "")
        if trigger == Trigger.TIME_AFTER_EVENT and trigger_event not in ("SIGNATURE", "DELIVERY", "PAC", "FAC"):
            errors.add(f"{where}.trigger_event", _("Choose the event the days count from."))
        percent, fixed = row.get("percent"), row.get("amount")
        value = None
        if percent not in (None, "") and fixed not in (None, ""):
            errors.add(f"{where}.percent", _("Give a percent or an amount, not both."))
        elif percent not in (None, ""):
            number = amount(percent, field=f"{where}.percent", errors=errors) if not isinstance(percent, Decimal) \
                else percent
            if number is not None:
                if number > 100:
                    errors.add(f"{where}.percent", _("A percent is at most 100."))
                else:
                    percent = Decimal(number).quantize(PCT)
                    # Rounded cumulatively: percents that add up to 100 % bill exactly the contract's
                    # value, never a fen more (30 % + 60 % + 10 % of 1,200,146.66 rounded one by one
                    # would come to 1,200,146.67).
                    cum_percent += percent
                    cum_value, before = fen(total_value * cum_percent / 100), cum_value
                    value = cum_value - before
        elif fixed not in (None, ""):
            value = amount(fixed, field=f"{where}.amount", errors=errors)
            percent = None
        else:
            errors.add(f"{where}.percent", _("Give a percent or an amount."))
        try:
            payment_days = int(row.get("payment_days", 30))
            offset_days = int(row.get("offset_days") or 0)
            if payment_days < 0 or offset_days < 0 or payment_days > 3650 or offset_days > 3650:
                raise ValueError
        except (TypeError, ValueError):
            errors.add(f"{where}.payment_days", _("Days are a whole number from 0 to 3650."))
            payment_days = offset_days = 0
        period, periods, starts_on = "", None, None
        if trigger == Trigger.PERIODIC:
            period = str(row.get("period") or "")
            if period not in Period.values:
                errors.add(f"{where}.period", _("Choose monthly or quarterly."))
            try:
                periods = int(row.get("periods") or 0)
                if not 1 <= periods <= 120:
                    raise ValueError
            except (TypeError, ValueError):
                errors.add(f"{where}.periods", _("The number of periods is a whole number from 1 to 120."))
                periods = None
            starts_on = day(row.get("starts_on"), field=f"{where}.starts_on", errors=errors, required=False,
                            future=True)
            if scope != Scope.CONTRACT:
                errors.add(f"{where}.scope", _("A periodic milestone covers the whole contract."))
        clean.append({"name": name[:120], "trigger": trigger, "scope": scope, "trigger_event": trigger_event,
                      "percent": percent if percent not in (None, "") else None, "amount": value,
                      "payment_days": payment_days, "offset_days": offset_days, "period": period,
                      "periods": periods, "starts_on": starts_on})
    if not errors:
        planned = sum((r["amount"] for r in clean), Decimal(0))
        if planned > total_value:
            errors.add("milestones", _("The milestones add up to %(sum)s, more than the contract's %(total)s.")
                       % {"sum": planned, "total": total_value})
    errors.raise_if_any()
    return clean


@transaction.atomic
def milestone_plan(*, contract: Contract, actor: Actor, rows: list[dict[str, Any]]) -> list[BillingMilestone]:
    """Set the payment terms of a contract as billing milestones, then release what evidence already allows.

    Only a contract with no billing item yet can be (re)planned here; later changes go through a
    contract change (domain.md 6.4).
    """
    require_billing(actor)
    locked = contract_lock(contract.pk)
    if BillingItem.objects.filter(contract=locked).exists():
        raise Conflict(_("Billing has started on this contract; change milestones through a contract change."),
                       code="billing_started")
    clean = _parse_rows(locked, rows)
    BillingMilestone.objects.filter(contract=locked).delete()
    made = [BillingMilestone.objects.create(contract=locked, seq=i + 1, currency=locked.currency, **row)
            for i, row in enumerate(clean)]
    core_events.record(events.MILESTONES_PLANNED, locked, actor=actor, payload={
        "milestones": [f"M{m.seq} {m.name} {m.amount}" for m in made],
        "total": str(sum((m.amount for m in made), Decimal(0))), "currency": locked.currency,
    })
    milestones_release(contract=locked, actor=actor)
    return made


def _as_row(m: BillingMilestone) -> dict[str, Any]:
    return {"name": m.name, "percent": m.percent, "amount": None if m.percent is not None else m.amount,
            "trigger": m.trigger, "trigger_event": m.trigger_event, "offset_days": m.offset_days, "scope": m.scope,
            "payment_days": m.payment_days, "period": m.period, "periods": m.periods, "starts_on": m.starts_on}


@transaction.atomic
def milestone_save(*, contract: Contract, actor: Actor, row: dict[str, Any],
                   milestone: Any = None) -> BillingMilestone:
    """Add one milestone to a contract's payment terms, or edit one nothing has been billed on yet.

    The same checks as :func:`milestone_plan` (errors name the row's own fields); the milestones together
    never exceed the contract's value; a milestone with billing items is changed only through a contract
    change. Evidence that already exists releases the new terms at once.
    """
    require_billing(actor)
    locked = contract_lock(contract.pk)
    if locked.status in ("CLOSED", "TERMINATED"):
        raise Conflict(_("A closed or terminated contract keeps its payment terms."), code="contract_closed")
    existing = list(BillingMilestone.objects.select_for_update().filter(contract=locked).order_by("seq"))
    target = None
    if milestone is not None:
        target = next((m for m in existing if str(m.pk) == str(getattr(milestone, "pk", milestone))), None)
        if target is None:
            raise NotFound()
        if target.status != MilestoneStatus.PLANNED or target.items.exists():
            raise Conflict(_("Billing has started on this milestone; change it through a contract change."),
                           code="billing_started")
    rows = [row if m is target else _as_row(m) for m in existing]
    index = existing.index(target) if target is not None else len(rows)
    if target is None:
        rows.append(row)
    try:
        clean = _parse_rows(locked, rows)[index]
    except ValidationFailed as exc:
        head = f"milestones.{index}."
        mine = "percent" if row.get("percent") not in (None, "") else "amount"
        errors = [{"field": e["field"][len(head):] if e["field"].startswith(head)
                   else (mine if e["field"] == "milestones" else e["field"]), "reason": e["reason"]}
                  for e in exc.errors]
        raise ValidationFailed(exc.detail, errors=errors) from None
    others = sum((m.amount for m in existing if m is not target), Decimal(0))
    if others + clean["amount"] > locked.total_value:
        field = "percent" if clean["percent"] is not None else "amount"
        raise ValidationFailed(_("The milestones would add up to %(sum)s, more than the contract's %(total)s.")
                               % {"sum": others + clean["amount"], "total": locked.total_value},
                               errors=[{"field": field, "reason": _("The milestones would exceed the contract value.")}])
    if target is None:
        target = BillingMilestone.objects.create(contract=locked, seq=(existing[-1].seq if existing else 0) + 1,
                                                 currency=locked.currency, **clean)
    else:
        for key, value in clean.items():
            setattr(target, key, value)
        target.save()
    terms = list(BillingMilestone.objects.filter(contract=locked).order_by("seq"))
    core_events.record(events.MILESTONES_PLANNED, locked, actor=actor, payload={
        "milestones": [f"M{m.seq} {m.name} {m.amount}" for m in terms],
        "total": str(sum((m.amount for m in terms), Decimal(0))), "currency": locked.currency,
    })
    milestones_release(contract=locked, actor=actor)
    target.refresh_from_db()
    return target


def _evidence(contract: Contract, milestone: BillingMilestone, sites: list[Any] | None = None) -> dict[Any, tuple[dt.date, Any]]:
    """Scope unit (site id, or None for the whole contract) → (date, certificate) of the triggering evidence.
    ``sites``: the contract's sites when the caller has read them already."""
    kind = milestone.trigger_event if milestone.trigger == Trigger.TIME_AFTER_EVENT else milestone.trigger
    if kind == Trigger.SIGNATURE:
        if contract.signed_on is None or contract.status in ("DRAFT", "UNDER_REVIEW", "APPROVED"):
            return {}
        return {None: (contract.signed_on, None)}
    if kind not in CERTIFICATE_TRIGGERS:
        return {}
    found: dict[Any, tuple[dt.date, Any]] = {}
    site_ids = [s.pk for s in (contract.sites.all() if sites is None else sites)]
    for cert in contract.certificates.filter(type=CERTIFICATE_TRIGGERS[kind]).prefetch_related("sites"):
        covered = site_ids if cert.whole_contract else [s.pk for s in cert.sites.all()]
        for site_id in covered:
            found.setdefault(site_id, (cert.signed_on, cert))
        if cert.whole_contract or not site_ids:
            found.setdefault(None, (cert.signed_on, cert))
    if milestone.scope == Scope.CONTRACT and site_ids and None not in found:
        # Whole-contract scope: billable once every site has the evidence, on the last date.
        if found and all(s in found for s in site_ids):
            last = max(found.values(), key=lambda pair: pair[0])
            found[None] = last
    return found


def _site_amounts(contract: Contract, milestone: BillingMilestone, sites: list[Any] | None = None,
                  items: list[BillingItem] | None = None) -> dict[Any, Decimal]:
    """Each site's part of a pro-rata milestone, the last site absorbing the rounding (sum = amount).

    Once some sites have their items, the rest of the milestone is shared over the other sites by their
    shares: after a change re-shares the sites (S12's Library), items already released keep their amounts
    and the new site gets exactly what is left (60 % × 11.5M − 6.0M = 0.9M), never a fen more or less.
    """
    sites = list(contract.sites.all()) if sites is None else sites
    if not sites or sum(s.share_pct for s in sites) != 100:
        return {s.pk: fen(milestone.amount * s.share_pct / 100) for s in sites}
    items = list(milestone.items.all()) if items is None else items
    itemized = {i.site_id for i in items if i.change_id is None and i.site_id is not None}
    rest = [s for s in sites if s.pk not in itemized]
    if not rest:
        return {}
    remaining = milestone.amount - sum((i.amount for i in items), Decimal(0))
    rest_share = sum((s.share_pct for s in rest), Decimal(0))
    if rest_share <= 0 or remaining <= 0:
        return {}
    parts = {s.pk: fen(remaining * s.share_pct / rest_share) for s in rest}
    parts[rest[-1].pk] = remaining - sum(parts[s.pk] for s in rest[:-1])
    return parts


def milestones_release(*, contract: Contract, actor: Actor = None, on: dt.date | None = None) -> list[BillingItem]:
    """Create the billing items that existing evidence (and, for periodic milestones, the periods ended by
    ``on``, default today) makes billable; idempotent. Then sync the milestones' statuses."""
    made: list[BillingItem] = []
    sites: list[Any] | None = None  # the contract's sites, read once for all its milestones
    # Each milestone is locked here and stays current (only its items change below): its status follows
    # through the machine without a second lock and read (held=True).
    for milestone in BillingMilestone.objects.select_for_update().filter(contract=contract).exclude(
            status=MilestoneStatus.CANCELLED):
        if milestone.trigger == Trigger.PERIODIC:
            made += _release_periods(contract, milestone, actor=actor, on=on)
            milestone_sync(milestone, actor=actor, held=True)
            continue
        kind = milestone.trigger_event if milestone.trigger == Trigger.TIME_AFTER_EVENT else milestone.trigger
        if sites is None and (kind in CERTIFICATE_TRIGGERS or milestone.scope == Scope.PER_SITE):
            sites = list(contract.sites.all())
        evidence = _evidence(contract, milestone, sites)
        # Its items, read once: which units have theirs, each site's part, and the status they imply.
        items = list(milestone.items.select_related("invoice"))
        have = {i.site_id for i in items}
        if milestone.scope == Scope.PER_SITE:
            parts = _site_amounts(contract, milestone, sites, items)
            units = [(site_id, parts[site_id]) for site_id in parts if site_id in evidence and site_id not in have]
        else:
            units = [(None, milestone.amount)] if None in evidence and None not in have else []
        for site_id, value in units:
            if value <= 0:
                continue
            since, cert = evidence[site_id]
            if milestone.trigger == Trigger.TIME_AFTER_EVENT:
                since = since + dt.timedelta(days=milestone.offset_days)
            item = BillingItem.objects.create(milestone=milestone, contract=contract, site_id=site_id, amount=value,
                                              certificate=cert, billable_on=since)
            made.append(item)
            items.append(item)
            core_events.record(events.ITEM_BILLABLE, milestone, actor=actor, payload={
                "item": str(item.pk), "milestone": f"M{milestone.seq}",
                "site": str(item.site) if site_id else None, "amount": str(value), "billable_on": str(since),
                "certificate": str(cert.pk) if cert else None,
            })
        milestone_sync(milestone, actor=actor, held=True, items=items)
    return made


def _add_months(start: dt.date, months: int) -> dt.date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def period_schedule(milestone: BillingMilestone, start: dt.date) -> list[tuple[int, dt.date, Decimal]]:
    """(period number, last day of the period, amount) of a periodic milestone, pro rata by days.

    Each period's amount is the milestone's amount × its days / all days, to the fen; the last period
    takes what is left, so the items add up to the milestone's amount exactly, never more.
    """
    step = 3 if milestone.period == Period.QUARTERLY else 1
    count = milestone.periods or 0
    bounds = [_add_months(start, step * k) for k in range(count + 1)]
    total_days = (bounds[-1] - bounds[0]).days if count else 0
    out: list[tuple[int, dt.date, Decimal]] = []
    so_far = Decimal(0)
    for k in range(count):
        days = (bounds[k + 1] - bounds[k]).days
        part = milestone.amount - so_far if k == count - 1 else fen(milestone.amount * days / total_days)
        so_far += part
        out.append((k + 1, bounds[k + 1] - dt.timedelta(days=1), part))
    return out


def _release_periods(contract: Contract, milestone: BillingMilestone, *, actor: Actor,
                     on: dt.date | None) -> list[BillingItem]:
    on = on or timezone.localdate()
    start = milestone.starts_on or contract.signed_on
    if start is None or contract.status in ("DRAFT", "UNDER_REVIEW", "APPROVED", "TERMINATED"):
        return []
    have = set(milestone.items.values_list("period_no", flat=True))
    made = []
    for number, last_day, value in period_schedule(milestone, start):
        if last_day > on or number in have or value <= 0:
            continue
        item = BillingItem.objects.create(milestone=milestone, contract=contract, amount=value, billable_on=last_day,
                                          period_no=number)
        made.append(item)
        core_events.record(events.ITEM_BILLABLE, milestone, actor=actor, payload={
            "item": str(item.pk), "milestone": f"M{milestone.seq}", "period": number, "amount": str(value),
            "billable_on": str(last_day), "certificate": None, "site": None,
        })
    return made


@transaction.atomic
def periodic_release(*, on: dt.date | None = None, actor: Actor = None) -> int:
    """Release the periods ended by ``on`` on every contract with a periodic milestone (the worker's job,
    or on demand by finance); returns the number of billing items created."""
    if actor is not None:
        require_finance(actor)
    made = 0
    contract_ids = (BillingMilestone.objects.filter(trigger=Trigger.PERIODIC)
                    .exclude(status__in=(MilestoneStatus.CANCELLED, MilestoneStatus.INVOICED, MilestoneStatus.SETTLED))
                    .values_list("contract_id", flat=True).distinct())
    for contract_id in list(contract_ids):
        made += len(milestones_release(contract=contract_lock(contract_id), actor=actor, on=on))
    return made


def milestone_target(milestone: BillingMilestone, items: list[BillingItem] | None = None) -> str:
    """The status a milestone's items imply (domain.md 11.6); ``items``: all of them (with their invoices),
    when the caller holds them already."""
    items = list(milestone.items.select_related("invoice")) if items is None else items
    billable = sum((i.amount for i in items), Decimal(0))
    invoiced_items = [i for i in items if i.invoice_id and i.invoice.status in LIVE_INVOICE_STATUSES]
    invoiced = sum((i.amount for i in invoiced_items), Decimal(0))
    if milestone.status == MilestoneStatus.CANCELLED:
        return milestone.status
    if invoiced >= milestone.amount > 0:
        paid = all(i.invoice.status == InvoiceStatus.PAID for i in invoiced_items)
        return MilestoneStatus.SETTLED if paid else MilestoneStatus.INVOICED
    if invoiced > 0:
        return MilestoneStatus.PARTIALLY_INVOICED
    if billable >= milestone.amount > 0:
        return MilestoneStatus.BILLABLE
    if billable > 0:
        return MilestoneStatus.PARTIALLY_BILLABLE
    return MilestoneStatus.PLANNED


def milestone_sync(milestone: BillingMilestone, *, actor: Actor = None, held: bool = False,
                   items: list[BillingItem] | None = None) -> None:
    """Move the milestone to the status its items imply. ``held``: the caller's transaction holds the
    milestone's row lock and ``milestone`` is that current row (see ``StateMachine.apply``)."""
    target = milestone_target(milestone, items)
    if target != milestone.status:
        MILESTONE_MACHINE.apply(milestone, target, actor=actor, held=held)


def milestones_sync_for_items(item_ids: list[Any], *, actor: Actor = None) -> None:
    for milestone in BillingMilestone.objects.filter(items__pk__in=item_ids).distinct():
        milestone_sync(milestone, actor=actor)


def on_certificate_recorded(event: Any) -> None:
    """A certificate recorded on a contract releases the milestones it triggers (same transaction)."""
    contract = contract_by_id(event.subject_id)
    if contract is not None and BillingMilestone.objects.filter(contract=contract).exists():
        milestones_release(contract=contract, actor=event.actor)


def _recomputed_amounts(contract: Any, milestones: list[BillingMilestone]) -> dict[Any, Decimal]:
    """Percent milestones over the new contract value, rounded cumulatively as when they were planned;
    fixed amounts stay."""
    out: dict[Any, Decimal] = {}
    cum_percent, cum_value = Decimal(0), Decimal(0)
    for milestone in milestones:
        if milestone.percent is None:
            out[milestone.pk] = milestone.amount
            continue
        cum_percent += milestone.percent
        cum_value, before = fen(contract.total_value * cum_percent / 100), cum_value
        out[milestone.pk] = cum_value - before
    return out


def on_contract_changed(event: Any) -> None:
    """An approved contract change (domain.md 6.4, S12): recompute the milestones over the new value.

    What is invoiced never changes (a milestone cannot fall below it: that takes a credit note first);
    items not on an invoice are released again at the new amounts; a whole-contract milestone whose
    evidence already exists gains one item for the delta, billable from the amendment's date; a pro-rata
    milestone gives what is left to the sites without an item (the new site at its own evidence).
    """
    contract = contract_by_id(event.subject_id)
    payload = event.payload or {}
    if contract is None:
        return
    milestones = list(BillingMilestone.objects.select_for_update().filter(contract=contract)
                      .exclude(status=MilestoneStatus.CANCELLED).order_by("seq"))
    if not milestones:
        return
    change_id = payload.get("change")
    effective_on = dt.date.fromisoformat(payload["effective_on"]) if payload.get("effective_on") else None
    targets = _recomputed_amounts(contract, milestones)
    on_invoice = (*LIVE_INVOICE_STATUSES, InvoiceStatus.DRAFT)
    for milestone in milestones:
        new = targets[milestone.pk]
        items = list(milestone.items.select_related("invoice"))
        billed = sum((i.amount for i in items if i.invoice_id and i.invoice.status in on_invoice), Decimal(0))
        if new < billed:
            raise Conflict(
                _("M%(seq)d would fall to %(new)s, below the %(billed)s already invoiced: issue a credit note first.")
                % {"seq": milestone.seq, "new": new, "billed": billed}, code="below_invoiced")
        if new < sum((i.amount for i in items), Decimal(0)):
            # Not yet invoiced items are released again at the new amount.
            free = [i.pk for i in items if not (i.invoice_id and i.invoice.status in on_invoice)]
            BillingItem.objects.filter(pk__in=free).delete()
            items = [i for i in items if i.pk not in free]
        if new != milestone.amount:
            core_events.record(events.MILESTONE_RECOMPUTED, milestone, actor=event.actor, payload={
                "milestone": f"M{milestone.seq}", "change": str(change_id), "before": str(fen(milestone.amount)),
                "after": str(new), "currency": milestone.currency,
            })
            BillingMilestone.objects.filter(pk=milestone.pk).update(amount=new)
            milestone.amount = new
        itemized = sum((i.amount for i in items), Decimal(0))
        if (milestone.scope == Scope.CONTRACT and new > itemized and change_id and effective_on
                and any(i.site_id is None and i.change_id is None for i in items)):
            item = BillingItem.objects.create(milestone=milestone, contract=contract, amount=new - itemized,
                                              billable_on=effective_on, change_id=change_id)
            core_events.record(events.ITEM_BILLABLE, milestone, actor=event.actor, payload={
                "item": str(item.pk), "milestone": f"M{milestone.seq}", "site": None, "amount": str(item.amount),
                "billable_on": str(effective_on), "certificate": None,
            })
    milestones_release(contract=contract, actor=event.actor)


def on_contract_terminated(event: Any) -> None:
    """A terminated contract (domain.md 11.5): items not on an invoice are dropped, milestones with nothing
    invoiced are cancelled, and the others are settled at what was invoiced (their amount shrinks to it)."""
    contract = contract_by_id(event.subject_id)
    if contract is None:
        return
    on_invoice = (*LIVE_INVOICE_STATUSES, InvoiceStatus.DRAFT)
    for milestone in BillingMilestone.objects.select_for_update().filter(contract=contract).exclude(
            status=MilestoneStatus.CANCELLED).order_by("seq"):
        items = list(milestone.items.select_related("invoice"))
        kept = [i for i in items if i.invoice_id and i.invoice.status in on_invoice]
        BillingItem.objects.filter(pk__in=[i.pk for i in items if i not in kept]).delete()
        billed = sum((i.amount for i in kept), Decimal(0))
        if billed != milestone.amount:
            core_events.record(events.MILESTONE_RECOMPUTED, milestone, actor=event.actor, payload={
                "milestone": f"M{milestone.seq}", "change": "termination", "before": str(fen(milestone.amount)),
                "after": str(fen(billed)), "currency": milestone.currency,
            })
        if not kept:
            MILESTONE_MACHINE.apply(milestone, MilestoneStatus.CANCELLED, actor=event.actor,
                                    reason=gettext_noop("Contract terminated"))
            continue
        BillingMilestone.objects.filter(pk=milestone.pk).update(amount=billed)
        milestone.amount = billed
        milestone_sync(milestone, actor=event.actor)


def billed_amount(milestone: BillingMilestone) -> Decimal:
    return milestone.items.filter(invoice__status__in=LIVE_INVOICE_STATUSES).aggregate(s=Sum("amount"))["s"] or Decimal(0)


__all__ = ["contract_selectors", "milestone_plan", "milestone_save", "periodic_release", "milestones_release", "milestone_sync", "on_certificate_recorded"]
