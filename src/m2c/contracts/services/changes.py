"""Contract changes (domain.md 6.4, 11.5, S12): request, submit, approve (ATAC above the threshold, the
owner's manager below it), reject, withdraw. An approved change adds its lines, re-shares the sites, freezes
a new version and records ``CHANGE_APPLIED``; billing recomputes the unbilled milestones from that event."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core import fx
from m2c.core.errors import Conflict, FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.money import Money, to_decimal
from m2c.core.roles import Actor, authenticated

from .. import events
from ..models import ChangeRequest, Contract, ContractLine, Site
from ..selectors import may_approve_change, needs_atac
from ..states import CHANGE_MACHINE, CONTRACT_MACHINE, ChangeKind, ChangeStatus, ContractStatus
from ._common import require_status, require_work
from .contracts import SHARE, contract_version_create

CENT = Decimal("0.01")
MAX_LINES = 200


def _payload(change: ChangeRequest, **extra: Any) -> dict[str, Any]:
    return {"change": str(change.pk), "number": change.number, "kind": change.kind, "delta": str(change.delta_value),
            "currency": change.currency, "needs_atac": change.needs_atac,
            "review": str(change.review_id) if change.review_id else None, **extra}


def _number(value: Any, field: str, errors: FieldErrors, *, positive: bool = False) -> Decimal | None:
    try:
        number = to_decimal(value, field=field)
    except ValidationFailed as exc:
        errors.add(field, exc.detail)
        return None
    if abs(number) >= Decimal(10) ** 14:
        errors.add(field, _("The number is too large."))
        return None
    if positive and number <= 0:
        errors.add(field, _("Give a number above zero."))
        return None
    return number


def _text(number: Decimal) -> str:
    """A decimal as plain text without trailing zeros (1500, 0.5), the same however it was typed."""
    text = f"{number.normalize():f}"
    return text if text != "-0" else "0"


def _lines(contract: Contract, rows: list[dict[str, Any]] | None, errors: FieldErrors) -> list[dict[str, Any]]:
    """The proposed lines, checked: an item, a quantity above zero, a unit price, and a site when the
    contract is shared out over sites (a new name adds a site)."""
    clean: list[dict[str, Any]] = []
    has_sites = contract.sites.exists()
    if len(rows or []) > MAX_LINES:
        errors.add("lines", _("A change carries at most %(n)d lines.") % {"n": MAX_LINES})
        return clean
    for i, row in enumerate(rows or []):
        where = f"lines.{i}"
        description = str(row.get("description") or "").strip()
        if not description:
            errors.add(f"{where}.description", _("Describe the item."))
        site = str(row.get("site") or "").strip()
        if has_sites and not site:
            errors.add(f"{where}.site", _("Name the site or work package (an existing one, or a new one to add)."))
        quantity = _number(row.get("quantity", 1), f"{where}.quantity", errors, positive=True)
        unit_price = _number(row.get("unit_price"), f"{where}.unit_price", errors)
        unit_cost = _number(row.get("unit_cost") or 0, f"{where}.unit_cost", errors)
        if quantity is None or unit_price is None or unit_cost is None:
            continue
        clean.append({"description": description[:300], "site": site[:120], "location": str(row.get("location")
                      or "")[:200], "quantity": _text(quantity), "unit_price": _text(unit_price),
                      "unit_cost": _text(unit_cost), "amount": str((quantity * unit_price).quantize(CENT, ROUND_HALF_UP))})
    return clean


def change_margin(change: ChangeRequest) -> Decimal | None:
    """The gross margin % of the lines a change adds, from their unit prices and unit costs: what its ATAC
    review starts from. None when the lines bring no revenue (nothing to take a margin of) or the margin
    falls outside -100..100 % (the review asks the requester for it instead)."""
    rows = (change.proposal or {}).get("lines", [])
    revenue = sum((Decimal(r["amount"]) for r in rows), Decimal(0))
    if revenue <= 0:
        return None
    cost = sum((Decimal(r["unit_cost"]) * Decimal(r["quantity"]) for r in rows), Decimal(0))
    margin = ((revenue - cost) / revenue * 100).quantize(SHARE, ROUND_HALF_UP)
    return margin if Decimal(-100) <= margin <= Decimal(100) else None


def _next_number(contract: Contract) -> str:
    count = ChangeRequest.objects.filter(contract=contract).count()
    return f"{contract.number}-CR{count + 1:02d}"


def _clean(contract: Contract, *, kind: str, reason: str, lines: list[dict[str, Any]] | None, schedule_days: Any,
           effective_on: dt.date | None) -> dict[str, Any]:
    """The checked fields of a change, every bad one named at once."""
    errors = FieldErrors()
    if kind not in ChangeKind.values:
        errors.add("kind", _("Choose scope, price, schedule, payment terms, acceptance criteria or parties."))
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", _("Give the reason for the change."))
    clean = _lines(contract, lines, errors)
    try:
        days = int(schedule_days or 0)
        if not -3650 <= days <= 3650:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("schedule_days", _("Days are a whole number from -3650 to 3650."))
        days = 0
    delta = sum((Decimal(r["amount"]) for r in clean), Decimal(0))
    if not errors and contract.total_value + delta <= 0:
        errors.add("lines", _("The change would leave the contract with no value."))
    if not errors:
        values = {site.name: site.share_pct * contract.total_value / 100 for site in contract.sites.all()}
        for i, row in enumerate(clean):
            if row["site"]:
                values[row["site"]] = values.get(row["site"], Decimal(0)) + Decimal(row["amount"])
                if values[row["site"]] < 0:
                    errors.add(f"lines.{i}.unit_price", _("The change would make this site's value negative."))
    if not errors and not clean and days == 0 and kind in (ChangeKind.SCOPE, ChangeKind.PRICE):
        errors.add("lines", _("A scope or price change adds at least one line."))
    if effective_on is not None and (effective_on > timezone.localdate()
                                     or (contract.signed_on and effective_on < contract.signed_on)):
        errors.add("effective_on", _("The amendment's date is between the contract's signature and today."))
    errors.raise_if_any()
    base = contract.total_value
    return {"kind": kind, "reason": reason[:5000], "delta_value": delta, "schedule_days": days,
            "delta_pct": (delta / base * 100).quantize(SHARE, ROUND_HALF_UP) if base else Decimal(0),
            "proposal": {"lines": clean}, "effective_on": effective_on}


@transaction.atomic
def change_request(*, contract: Contract, actor: Actor, kind: str, reason: str,
                   lines: list[dict[str, Any]] | None = None, schedule_days: Any = 0,
                   effective_on: dt.date | None = None) -> ChangeRequest:
    """Draft a change of a contract in execution: its kind, reason, the lines it adds (their sum is the value
    delta; a negative unit price lowers the value), any schedule extension in days and the amendment's date."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    require_work(locked, actor)
    require_status(locked, (ContractStatus.IN_EXECUTION,), _("A change request"))
    fields = _clean(locked, kind=kind, reason=reason, lines=lines, schedule_days=schedule_days,
                    effective_on=effective_on)
    change = ChangeRequest.objects.create(
        contract=locked, number=_next_number(locked), currency=locked.currency,
        requested_by=authenticated(actor) or locked.owner, created_by=authenticated(actor), **fields,
    )
    core_events.record(events.CHANGE_CREATED, change, actor=actor, to_state=change.status, payload=_payload(change))
    return change


@transaction.atomic
def change_update(*, change: ChangeRequest, actor: Actor, kind: str, reason: str,
                  lines: list[dict[str, Any]] | None = None, schedule_days: Any = 0,
                  effective_on: dt.date | None = None) -> ChangeRequest:
    """Rewrite a draft change (the same checks as drafting it); a submitted one is decided, not edited."""
    locked, contract = _lock_change(change)
    require_work(contract, actor)
    if locked.status != ChangeStatus.DRAFT:
        raise Conflict(_("Only a draft change can be edited; this one is %(status)s.")
                       % {"status": locked.get_status_display()}, code="change_not_draft")
    fields = _clean(contract, kind=kind, reason=reason, lines=lines, schedule_days=schedule_days,
                    effective_on=effective_on)
    changed = {k: v for k, v in fields.items() if getattr(locked, k) != v}
    if changed:
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save(update_fields=[*changed, "version", "updated_at"])
        core_events.record(events.CHANGE_STATUS_CHANGED, locked, actor=actor, payload=_payload(locked),
                           reason=gettext_noop("Draft edited"))
    return locked


def _lock_change(change: ChangeRequest) -> tuple[ChangeRequest, Contract]:
    contract = Contract.objects.select_for_update().get(pk=change.contract_id)
    return ChangeRequest.objects.select_for_update().get(pk=change.pk), contract


@transaction.atomic
def change_submit(*, change: ChangeRequest, actor: Actor) -> ChangeRequest:
    """DRAFT → SUBMITTED and the contract IN_EXECUTION → CHANGE_PENDING. Above the ATAC threshold the ATAC
    review of the delta is opened at once (answer, submit and decide it on the review page)."""
    locked, contract = _lock_change(change)
    require_work(contract, actor)
    if locked.status != ChangeStatus.DRAFT:
        CHANGE_MACHINE.check(locked, ChangeStatus.SUBMITTED, actor=actor)
    day = timezone.localdate()
    delta_reporting = fx.to_reporting(Money(abs(locked.delta_value), locked.currency), day).amount
    atac = needs_atac(kind=locked.kind, delta=locked.delta_value, delta_reporting=delta_reporting,
                      base=contract.total_value, schedule_days=locked.schedule_days)
    CONTRACT_MACHINE.apply(contract, ContractStatus.CHANGE_PENDING, actor=actor, reason=locked.number,
                           context={"actor": actor, "reason": locked.number},
                           changes={"status_reason": f"{locked.number}: {locked.reason}"[:2000]})
    review = None
    if atac:
        from .reviews import contract_review_open

        review = contract_review_open(contract=contract, actor=actor, gate_type="ATAC", delta=locked.delta_value,
                                      summary=f"{locked.number}: {locked.reason}"[:2000],
                                      margin_pct=change_margin(locked))
    locked.needs_atac = atac
    locked.review = review
    return CHANGE_MACHINE.apply(locked, ChangeStatus.SUBMITTED, actor=actor, payload=_payload(locked),
                                changes={"needs_atac": atac, "review": review, "submitted_at": timezone.now()})


def _reshare(contract: Contract, added: dict[str, Decimal], new_total: Decimal) -> dict[str, Site]:
    """Each site's value after the change over the new total, in percent to 4 places (the largest absorbing
    the rounding); new site names become sites."""
    sites = list(contract.sites.all())
    if not sites and not added:
        return {}
    values = {s.name: s.share_pct * contract.total_value / 100 for s in sites}
    for name, value in added.items():
        values[name] = values.get(name, Decimal(0)) + value
    by_name = {s.name: s for s in sites}
    position = len(sites)
    for name in values:
        if name not in by_name:
            by_name[name] = Site.objects.create(contract=contract, name=name, share_pct=Decimal(0), position=position)
            position += 1
    names = list(by_name)
    if new_total <= 0:
        return by_name
    shares = {n: (values.get(n, Decimal(0)) / new_total * 100).quantize(SHARE, ROUND_HALF_UP) for n in names}
    # The largest site absorbs the rounding, so no share can fall below zero.
    largest = max(names, key=lambda n: values.get(n, Decimal(0)))
    shares[largest] = Decimal(100) - sum(shares[n] for n in names if n != largest)
    for name, site in by_name.items():
        if site.share_pct != shares[name]:
            site.share_pct = shares[name]
            site.save(update_fields=["share_pct"])
    return by_name


def _apply(change: ChangeRequest, contract: Contract, *, actor: Actor, effective_on: dt.date) -> None:
    """Write the approved change into the contract: lines, sites, totals, a new version, and the event billing
    recomputes the milestones from."""
    rows = (change.proposal or {}).get("lines", [])
    added: dict[str, Decimal] = {}
    for row in rows:
        if row["site"]:
            added[row["site"]] = added.get(row["site"], Decimal(0)) + Decimal(row["amount"])
    new_total = contract.total_value + change.delta_value
    sites = _reshare(contract, added, new_total) if contract.sites.exists() or added else {}
    position = (contract.lines.aggregate(n=Max("position"))["n"] or 0) + 1
    ContractLine.objects.bulk_create([
        ContractLine(contract=contract, position=position + i, description=row["description"],
                     site=sites.get(row["site"]) if row["site"] else None, quantity=Decimal(row["quantity"]),
                     unit_price=Decimal(row["unit_price"]), amount=Decimal(row["amount"]),
                     unit_cost=Decimal(row["unit_cost"]))
        for i, row in enumerate(rows)
    ])
    cost = contract.total_cost + sum((Decimal(r["unit_cost"]) * Decimal(r["quantity"]) for r in rows), Decimal(0))
    contract.total_value = new_total
    contract.total_cost = cost.quantize(CENT, ROUND_HALF_UP)
    contract.margin_pct = ((new_total - contract.total_cost) / new_total * 100).quantize(SHARE) if new_total else None
    contract.total_reporting = fx.to_reporting(Money(new_total, contract.currency), effective_on).amount
    Contract.objects.filter(pk=contract.pk).update(total_value=contract.total_value, total_cost=contract.total_cost,
                                                   margin_pct=contract.margin_pct,
                                                   total_reporting=contract.total_reporting)
    version = contract_version_create(contract=contract, actor=actor,
                                      reason=f"{change.number}: {change.reason}"[:300])
    change.contract_version = version
    change.effective_on = effective_on
    ChangeRequest.objects.filter(pk=change.pk).update(contract_version=version, effective_on=effective_on)
    core_events.record(events.CHANGE_APPLIED, contract, actor=actor, payload=_payload(
        change, version=version.number, effective_on=str(effective_on)))


@transaction.atomic
def change_approve(*, change: ChangeRequest, actor: Actor, effective_on: dt.date | None = None,
                   note: str = "") -> ChangeRequest:
    """SUBMITTED → APPROVED: by an ATAC GO above the threshold (the decision event calls this with no actor),
    by the owner's manager or an authorised role below it. The contract gets a new version and goes back
    to IN_EXECUTION; billing recomputes only what is not invoiced."""
    locked, contract = _lock_change(change)
    day = effective_on or locked.effective_on or timezone.localdate()
    if day > timezone.localdate() or (contract.signed_on and day < contract.signed_on):
        raise ValidationFailed(_("The amendment's date is between the contract's signature and today."),
                               field="effective_on")
    approved = CHANGE_MACHINE.apply(locked, ChangeStatus.APPROVED, actor=actor, context={"actor": actor},
                                    payload=_payload(locked, effective_on=str(day)),
                                    changes={"decided_at": timezone.now(), "decided_by": authenticated(actor),
                                             "decision_note": (note or "").strip()[:2000]})
    _apply(approved, contract, actor=actor, effective_on=day)
    CONTRACT_MACHINE.apply(contract, ContractStatus.IN_EXECUTION, actor=actor, reason=approved.number,
                           context={"actor": actor, "reason": approved.number},
                           changes={"status_reason": f"{approved.number}: {_('approved')}"})
    return approved


def _settle_contract(contract: Contract, change: ChangeRequest, *, actor: Actor, what: str) -> None:
    if contract.status == ContractStatus.CHANGE_PENDING:
        CONTRACT_MACHINE.apply(contract, ContractStatus.IN_EXECUTION, actor=actor, reason=change.number,
                               context={"actor": actor, "reason": change.number},
                               changes={"status_reason": f"{change.number}: {what}"})


@transaction.atomic
def change_reject(*, change: ChangeRequest, actor: Actor, reason: str) -> ChangeRequest:
    """SUBMITTED → REJECTED (an ATAC NO-GO above the threshold; the approver below it); the contract goes back
    to IN_EXECUTION unchanged."""
    locked, contract = _lock_change(change)
    if actor is not None:
        if locked.needs_atac:
            raise Conflict(_("This change is decided by its ATAC review."), code="decided_by_atac")
        if not may_approve_change(contract, actor):
            raise PermissionDenied(_("Only the contract owner's manager or an authorised approver can reject a "
                                     "change."))
    rejected = CHANGE_MACHINE.apply(locked, ChangeStatus.REJECTED, actor=actor, reason=(reason or "").strip(),
                                    context={"actor": actor, "reason": reason}, payload=_payload(locked),
                                    changes={"decided_at": timezone.now(), "decided_by": authenticated(actor),
                                             "decision_note": (reason or "").strip()[:2000]})
    _settle_contract(contract, rejected, actor=actor, what=_("rejected"))
    return rejected


@transaction.atomic
def change_withdraw(*, change: ChangeRequest, actor: Actor, reason: str = "") -> ChangeRequest:
    """DRAFT/SUBMITTED → WITHDRAWN by whoever works on the contract; an open ATAC review is withdrawn too."""
    locked, contract = _lock_change(change)
    require_work(contract, actor)
    was_submitted = locked.status == ChangeStatus.SUBMITTED
    withdrawn = CHANGE_MACHINE.apply(locked, ChangeStatus.WITHDRAWN, actor=actor, reason=(reason or "").strip(),
                                     payload=_payload(locked))
    if locked.review_id and locked.review.status in ("DRAFT", "SUBMITTED"):
        from m2c.opportunities import services as opportunity_services

        opportunity_services.gate_review_withdraw(review=locked.review, actor=actor, reason=reason or locked.number)
    if was_submitted:
        _settle_contract(contract, withdrawn, actor=actor, what=_("withdrawn"))
    return withdrawn


def on_atac_decided(review: Any) -> None:
    """An ATAC decision on a submitted change approves it (GO) or rejects it (NO-GO)."""
    change = ChangeRequest.objects.filter(review_id=review.pk, status=ChangeStatus.SUBMITTED).first()
    if change is None:
        return
    if review.passed:
        change_approve(change=change, actor=None, note=review.rationale or "ATAC GO")
    elif review.decision == "NO_GO":
        change_reject(change=change, actor=None, reason=review.rationale or "ATAC NO-GO")
