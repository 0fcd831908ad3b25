"""Milestone billing (domain.md 6.3, 11.6): payment terms per contract and the items evidence releases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from m2c.contracts import selectors as contract_selectors
from m2c.contracts.selectors import contract_by_id, contract_lock
from m2c.core import events as core_events
from m2c.core.errors import Conflict, FieldErrors
from m2c.core.roles import Actor

if TYPE_CHECKING:
    from m2c.contracts.models import Contract

from .. import events
from ..models import BillingItem, BillingMilestone
from ..states import LIVE_INVOICE_STATUSES, MILESTONE_MACHINE, InvoiceStatus, MilestoneStatus, Scope, Trigger
from ._common import amount, fen, require_billing

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
        clean.append({"name": name[:120], "trigger": trigger, "scope": scope, "trigger_event": trigger_event,
                      "percent": percent if percent not in (None, "") else None, "amount": value,
                      "payment_days": payment_days, "offset_days": offset_days})
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


def _evidence(contract: Contract, milestone: BillingMilestone) -> dict[Any, tuple[dt.date, Any]]:
    """Scope unit (site id, or None for the whole contract) → (date, certificate) of the triggering evidence."""
    kind = milestone.trigger_event if milestone.trigger == Trigger.TIME_AFTER_EVENT else milestone.trigger
    if kind == Trigger.SIGNATURE:
        if contract.signed_on is None or contract.status in ("DRAFT", "UNDER_REVIEW", "APPROVED"):
            return {}
        return {None: (contract.signed_on, None)}
    if kind not in CERTIFICATE_TRIGGERS:
        return {}
    found: dict[Any, tuple[dt.date, Any]] = {}
    site_ids = [s.pk for s in contract.sites.all()]
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


def _site_amounts(contract: Contract, milestone: BillingMilestone) -> dict[Any, Decimal]:
    """Each site's part of a pro-rata milestone, the last site absorbing the rounding (sum = amount).

    Once some sites have their items, the rest of the milestone is shared over the other sites by their
    shares: after a change re-shares the sites (S12's Library), items already released keep their amounts
    and the new site gets exactly what is left (60 % × 11.5M − 6.0M = 0.9M), never a fen more or less.
    """
    sites = list(contract.sites.all())
    if not sites or sum(s.share_pct for s in sites) != 100:
        return {s.pk: fen(milestone.amount * s.share_pct / 100) for s in sites}
    items = list(milestone.items.all())
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


def milestones_release(*, contract: Contract, actor: Actor = None) -> list[BillingItem]:
    """Create the billing items that existing evidence makes billable (idempotent), then sync statuses."""
    made: list[BillingItem] = []
    for milestone in BillingMilestone.objects.select_for_update().filter(contract=contract).exclude(
            status=MilestoneStatus.CANCELLED):
        evidence = _evidence(contract, milestone)
        have = set(milestone.items.values_list("site_id", flat=True))
        if milestone.scope == Scope.PER_SITE:
            parts = _site_amounts(contract, milestone)
            units = [(site_id, parts[site_id]) for site_id in parts if site_id in evidence and site_id not in have]
        else:
            units = [(None, milestone.amount)] if None in evidence and None not in have else []
        for site_id, value in units:
            if value <= 0:
                continue
            on, cert = evidence[site_id]
            if milestone.trigger == Trigger.TIME_AFTER_EVENT:
                on = on + dt.timedelta(days=milestone.offset_days)
            item = BillingItem.objects.create(milestone=milestone, contract=contract, site_id=site_id, amount=value,
                                              certificate=cert, billable_on=on)
            made.append(item)
            core_events.record(events.ITEM_BILLABLE, milestone, actor=actor, payload={
                "item": str(item.pk), "milestone": f"M{milestone.seq}",
                "site": str(item.site) if site_id else None, "amount": str(value), "billable_on": str(on),
                "certificate": str(cert.pk) if cert else None,
            })
        milestone_sync(milestone, actor=actor)
    return made


def milestone_target(milestone: BillingMilestone) -> str:
    """The status a milestone's items imply (domain.md 11.6)."""
    items = list(milestone.items.select_related("invoice"))
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


def milestone_sync(milestone: BillingMilestone, *, actor: Actor = None) -> None:
    target = milestone_target(milestone)
    if target != milestone.status:
        MILESTONE_MACHINE.apply(milestone, target, actor=actor)


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
                                    reason=_("Contract terminated"))
            continue
        BillingMilestone.objects.filter(pk=milestone.pk).update(amount=billed)
        milestone.amount = billed
        milestone_sync(milestone, actor=event.actor)


def billed_amount(milestone: BillingMilestone) -> Decimal:
    return milestone.items.filter(invoice__status__in=LIVE_INVOICE_STATUSES).aggregate(s=Sum("amount"))["s"] or Decimal(0)


__all__ = ["contract_selectors", "milestone_plan", "milestones_release", "milestone_sync", "on_certificate_recorded"]
