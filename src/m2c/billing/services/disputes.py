"""Disputes (domain.md 6.5, 11.9): the one path by which part of an invoice is contested and resolved.

``Invoice.disputed`` is always the sum of the invoice's contested disputes (open, investigating,
proposed or escalated); the invoice is DISPUTED while it has one. Resolving a dispute issues the
credit note it proposed through :func:`credit_note_issue`, and the invoice leaves DISPUTED with the
last contested dispute.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core import fx
from m2c.core.errors import Conflict, DomainError, FieldErrors
from m2c.core.models import Role, User
from m2c.core.money import Money
from m2c.core.roles import Actor, authenticated, require_role

from .. import events, texts
from ..models import Dispute, Invoice
from ..states import (
    CONTESTED_DISPUTE_STATUSES,
    DISPUTE_MACHINE,
    INVOICE_MACHINE,
    DisputeCategory,
    DisputeStatus,
    InvoiceStatus,
)
from ._common import amount, day, next_number, require_billing, require_finance
from .invoices import credit_note_issue, invoice_target

ESCALATION_AGE_DAYS = 30


def escalation_threshold() -> Money:
    """Disputes above this amount (reporting currency; setting ``M2C_DISPUTE_ESCALATION_THRESHOLD``) escalate."""
    return Money(Decimal(str(getattr(settings, "M2C_DISPUTE_ESCALATION_THRESHOLD", "100000"))),
                 fx.reporting_currency())


def escalation_due(dispute: Dispute, on: dt.date) -> bool:
    """Older than 30 days, or above the threshold: the guard of every move to ESCALATED."""
    if (on - dispute.opened_on).days > ESCALATION_AGE_DAYS:
        return True
    limit = escalation_threshold()
    try:
        value = fx.convert(Money(dispute.amount, dispute.currency), limit.currency, dispute.opened_on).amount
    except DomainError:
        return False  # no rate to compare with: only age escalates it
    return value > limit.amount


def _text(value: Any, field: str, errors: FieldErrors, message: str) -> str:
    text = str(value or "").strip()
    if not text:
        errors.add(field, message)
    return text[:300]


def _lock(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_for_update().select_related("invoice", "contract").get(pk=dispute.pk)


def _contested_sum(invoice: Invoice) -> Decimal:
    return (Dispute.objects.filter(invoice=invoice, status__in=CONTESTED_DISPUTE_STATUSES)
            .aggregate(s=Sum("amount"))["s"] or Decimal(0))


def _payload(d: Dispute, **extra: Any) -> dict[str, Any]:
    return {"number": d.number, "invoice": str(d.invoice), "amount": str(d.amount), **extra}


def _may_work(actor: Any, dispute: Dispute) -> None:
    """Investigating and proposing: the dispute's owner, or finance and the iron triangle."""
    if getattr(actor, "pk", None) == dispute.owner_id:
        return
    require_billing(actor)


@transaction.atomic
def dispute_open(*, invoice: Invoice, actor: Actor, amount_: Any, reason: str,
                 category: str = DisputeCategory.ACCEPTANCE, owner: Any = None, opened_on: Any = None) -> Dispute:
    """The customer contests part of an issued invoice: a dispute record, and the amount held out of dunning.

    The amount is at most what is open and not already contested. The owner defaults to the contract's owner.
    """
    require_billing(actor)
    locked = Invoice.objects.select_for_update().select_related("contract").get(pk=invoice.pk)
    if locked.status != InvoiceStatus.DISPUTED:
        INVOICE_MACHINE.check(locked, InvoiceStatus.DISPUTED, actor=actor)  # only issued, unpaid invoices
    errors = FieldErrors()
    value = amount(amount_, field="amount", errors=errors)
    free = locked.open_amount - _contested_sum(locked)
    if value is not None and value > free:
        errors.add("amount", _("The disputed amount is at most the open amount not already disputed, %(open)s.")
                   % {"open": free})
    text = _text(reason, "reason", errors, _("Say what the customer disputes."))
    if category not in DisputeCategory.values:
        errors.add("category", _("Choose a category: acceptance, quality, price, delay penalty or tax."))
    on = day(opened_on or timezone.localdate(), field="opened_on", errors=errors)
    if on and locked.issued_on and on < locked.issued_on:
        errors.add("opened_on", _("A dispute cannot be opened before its invoice's date."))
    who = owner if owner not in (None, "") else locked.contract.owner
    if not isinstance(who, User):
        who = User.objects.filter(pk=who, is_active=True).first() if _is_uuid(who) else None
        if who is None:
            errors.add("owner", _("Choose an active user as the owner."))
    errors.raise_if_any()
    assert value is not None and on is not None and who is not None
    dispute = Dispute.objects.create(
        number=next_number(Dispute, "ZY", on), invoice=locked, contract=locked.contract, customer_id=locked.customer_id,
        currency=locked.currency, amount=value, category=category, reason=text, owner=who, opened_on=on,
        created_by=authenticated(actor))
    core_events.record(events.DISPUTE_OPENED, dispute, actor=actor, to_state=dispute.status, reason=text,
                       payload=_payload(dispute, reason=text))
    held = _contested_sum(locked)
    payload = {"amount": str(value), "reason": text}
    if locked.status == InvoiceStatus.DISPUTED:
        locked.disputed = held
        locked.save(update_fields=["disputed", "updated_at"])
        core_events.record(events.INVOICE_DISPUTED, locked, actor=actor, reason=text, payload=payload)
    else:
        INVOICE_MACHINE.apply(locked, InvoiceStatus.DISPUTED, actor=actor, reason=text, changes={"disputed": held},
                              payload=payload)
    return dispute


def _is_uuid(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@transaction.atomic
def dispute_investigate(*, dispute: Dispute, actor: Actor, note: str = "") -> Dispute:
    """OPEN → INVESTIGATING (or back from a proposal the customer turned down)."""
    locked = _lock(dispute)
    _may_work(actor, locked)
    if locked.status == DisputeStatus.ESCALATED:
        raise Conflict(_("An escalated dispute goes back to investigation with the escalation decision."),
                       code="escalation_undecided")
    DISPUTE_MACHINE.apply(locked, DisputeStatus.INVESTIGATING, actor=actor, reason=str(note or "")[:300],
                          payload=_payload(locked, reason=str(note or "")[:300]))
    return locked


@transaction.atomic
def dispute_propose(*, dispute: Dispute, actor: Actor, credit: Any = "0", proposal: str) -> Dispute:
    """INVESTIGATING → PROPOSED: the resolution offered, with the credit for the customer (0 if none)."""
    locked = _lock(dispute)
    _may_work(actor, locked)
    DISPUTE_MACHINE.check(locked, DisputeStatus.PROPOSED, actor=actor)
    errors = FieldErrors()
    value = Decimal(0) if str(credit or "").strip() in ("", "0", "0.00") else amount(credit, field="credit",
                                                                                      errors=errors)
    if value is not None and value > locked.amount:
        errors.add("credit", _("The credit is at most the disputed amount, %(d)s.") % {"d": locked.amount})
    text = _text(proposal, "proposal", errors, _("Describe the proposed resolution."))
    errors.raise_if_any()
    DISPUTE_MACHINE.apply(locked, DisputeStatus.PROPOSED, actor=actor, reason=text,
                          changes={"proposed_credit": value, "proposal": text},
                          payload=_payload(locked, credit=str(value), reason=text))
    return locked


@transaction.atomic
def dispute_resolve(*, dispute: Dispute, actor: Actor, resolution: str = "", on: Any = None) -> Dispute:
    """PROPOSED → RESOLVED: the customer accepted; the proposed credit is issued as a red-letter credit note
    and the amount is no longer held on the invoice."""
    require_finance(actor, system=True)
    locked = _lock(dispute)
    DISPUTE_MACHINE.check(locked, DisputeStatus.RESOLVED, actor=actor)
    errors = FieldErrors()
    text = str(resolution or "").strip()[:300] or locked.proposal
    when = day(on or timezone.localdate(), field="on", errors=errors)
    if when and when < locked.opened_on:
        errors.add("on", _("A dispute cannot be resolved before it was opened."))
    errors.raise_if_any()
    assert when is not None
    invoice = Invoice.objects.select_for_update().get(pk=locked.invoice_id)
    DISPUTE_MACHINE.apply(locked, DisputeStatus.RESOLVED, actor=actor, reason=text,
                          changes={"resolved_on": when, "resolution": text},
                          payload=_payload(locked, credit=str(locked.credit), reason=text))
    held = _contested_sum(invoice)
    payload = {"amount": str(locked.credit), "reason": text}
    if held > 0:
        invoice.disputed = held
        invoice.save(update_fields=["disputed", "updated_at"])
        core_events.record(events.INVOICE_DISPUTE_RESOLVED, invoice, actor=actor, reason=text, payload=payload)
    elif invoice.status == InvoiceStatus.DISPUTED:
        invoice.status = InvoiceStatus.ISSUED  # evaluate the target as if undisputed
        target = invoice_target(invoice)
        invoice.status = InvoiceStatus.DISPUTED
        INVOICE_MACHINE.apply(invoice, target, actor=actor, reason=text, payload=payload,
                              changes={"disputed": Decimal(0)})
    if locked.credit > 0:
        note = credit_note_issue(invoice=invoice, actor=actor, amount_=locked.credit, issued_on=when,
                                 reason=texts.store(gettext_noop("Dispute %(n)s: %(r)s"), n=locked.number,
                                                          r=text))
        Dispute.objects.filter(pk=locked.pk).update(credit_note=note)
        locked.credit_note = note
    return locked


@transaction.atomic
def dispute_escalate(*, dispute: Dispute, actor: Actor, on: Any = None, reason: str = "") -> Dispute:
    """Any state before RESOLVED → ESCALATED, when the dispute is older than 30 days or above the threshold."""
    require_role(actor, Role.FINANCE, Role.AR, Role.FR, Role.DECISION_TEAM, system=True)
    locked = _lock(dispute)
    DISPUTE_MACHINE.check(locked, DisputeStatus.ESCALATED, actor=actor)
    when = on or timezone.localdate()
    if not escalation_due(locked, when):
        raise Conflict(_("A dispute escalates when it is older than %(days)d days or above %(limit)s.")
                       % {"days": ESCALATION_AGE_DAYS, "limit": escalation_threshold()}, code="escalation_not_due")
    text = str(reason or "").strip()[:300] or (
        _("Open for more than %(days)d days") % {"days": ESCALATION_AGE_DAYS}
        if (when - locked.opened_on).days > ESCALATION_AGE_DAYS else _("Amount above the escalation threshold"))
    DISPUTE_MACHINE.apply(locked, DisputeStatus.ESCALATED, actor=actor, reason=text, changes={"escalated_on": when},
                          payload=_payload(locked, reason=text))
    from m2c.core.notifications import message, notify

    manager = locked.owner.org_unit.manager if locked.owner.org_unit_id else None
    for person in {p for p in (locked.owner, manager) if p is not None}:
        notify(person, title=message(gettext_noop("Dispute %(n)s escalated: %(r)s"), n=locked.number, r=text),
               url=reverse("billing:dispute", args=[locked.pk]), kind="billing.dispute.escalated", subject=locked)
    return locked


@transaction.atomic
def dispute_escalation_decide(*, dispute: Dispute, actor: Actor, decision: str) -> Dispute:
    """ESCALATED → INVESTIGATING with the escalation body's decision (finance or a decision team)."""
    require_role(actor, Role.FINANCE, Role.DECISION_TEAM, message=_("Only finance or a decision team decides an "
                                                                    "escalated dispute."))
    locked = _lock(dispute)
    DISPUTE_MACHINE.check(locked, DisputeStatus.INVESTIGATING, actor=actor)
    errors = FieldErrors()
    text = _text(decision, "decision", errors, _("Record the escalation decision."))
    errors.raise_if_any()
    DISPUTE_MACHINE.apply(locked, DisputeStatus.INVESTIGATING, actor=actor, reason=text,
                          event_type=events.DISPUTE_ESCALATION_DECIDED,
                          changes={"escalation_decision": text}, payload=_payload(locked, reason=text))
    return locked


@transaction.atomic
def dispute_close(*, dispute: Dispute, actor: Actor, note: str = "") -> Dispute:
    """RESOLVED → CLOSED, once the resolution is carried out."""
    locked = _lock(dispute)
    _may_work(actor, locked)
    DISPUTE_MACHINE.apply(locked, DisputeStatus.CLOSED, actor=actor, reason=str(note or "")[:300],
                          payload=_payload(locked, reason=str(note or "")[:300]))
    return locked


def dispute_escalation_sweep(on: dt.date | None = None) -> int:
    """The worker's job: contested disputes never escalated that are due (age or amount) are escalated once."""
    when = on or timezone.localdate()
    count = 0
    for d in Dispute.objects.filter(status__in=[DisputeStatus.OPEN, DisputeStatus.INVESTIGATING,
                                                DisputeStatus.PROPOSED], escalated_on__isnull=True)[:1000]:
        if not escalation_due(d, when):
            continue
        try:
            dispute_escalate(dispute=d, actor=None, on=when)
        except DomainError:
            continue
        count += 1
    return count


# --- the invoice-level shortcuts of the first API (one path: they walk a dispute through its states) --------


def invoice_dispute_open(*, invoice: Invoice, actor: Actor, amount_: Any, reason: str,
                         category: str = DisputeCategory.ACCEPTANCE, opened_on: Any = None) -> Invoice:
    """Open a dispute on the invoice (see :func:`dispute_open`); returns the invoice."""
    dispute_open(invoice=invoice, actor=actor, amount_=amount_, reason=reason, category=category,
                 opened_on=opened_on)
    return Invoice.objects.get(pk=invoice.pk)


@transaction.atomic
def invoice_dispute_resolve(*, invoice: Invoice, actor: Actor, credit: Any = "0", reason: str,
                            on: Any = None) -> Invoice:
    """Resolve the invoice's one contested dispute at once: investigate, propose ``credit``, resolve."""
    require_finance(actor, system=True)
    contested = list(Dispute.objects.filter(invoice_id=invoice.pk, status__in=CONTESTED_DISPUTE_STATUSES))
    if not contested:
        raise Conflict(_("This invoice has no open dispute."), code="not_disputed")
    if len(contested) > 1:
        raise Conflict(_("This invoice has several open disputes: resolve each on its own page."),
                       code="several_disputes")
    d = contested[0]
    errors = FieldErrors()
    _text(reason, "reason", errors, _("Record how the dispute was resolved."))
    errors.raise_if_any()
    if d.status == DisputeStatus.PROPOSED:
        d = dispute_investigate(dispute=d, actor=actor, note=reason)
    if d.status == DisputeStatus.OPEN:
        d = dispute_investigate(dispute=d, actor=actor)
    d = dispute_propose(dispute=d, actor=actor, credit=credit, proposal=reason)
    dispute_resolve(dispute=d, actor=actor, resolution=reason, on=on)
    return Invoice.objects.get(pk=invoice.pk)
