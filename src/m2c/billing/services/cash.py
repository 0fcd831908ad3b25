"""Cash (domain.md 6.3, 11.8): receipts, allocation to invoices, over-payment kept unapplied, refunds.

Allocation guard: the receipt's allocations never exceed its amount less refunds, and each allocation
never exceeds the invoice's open amount. Both rows are locked (receipt first, then invoice) so two
people allocating at once cannot over-allocate; the database checks the same sums as a last line.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, CurrencyMismatch, FieldErrors, PermissionDenied
from m2c.core.money import normalise_currency
from m2c.core.roles import Actor, authenticated
from m2c.customers.identity import customer_resolve
from m2c.customers.selectors import customer_by_id

from .. import events
from ..models import Allocation, Invoice, Receipt, Refund
from ..states import (
    OPEN_INVOICE_STATUSES,
    RECEIPT_MACHINE,
    ReceiptStatus,
    RefundStatus,
    StatementFormat,
)
from ._common import amount, day, fen, next_number, require_finance
from .invoices import invoice_sync, invoice_target


def _customer(customer: Any, payer_name: str) -> Any:
    if customer not in (None, ""):
        return customer_by_id(getattr(customer, "pk", customer))
    if payer_name:
        found = customer_resolve(name=payer_name).customer
        if found is not None:
            return customer_by_id(found.id)
    return None


def receipt_build(*, amount_: Any, currency: Any, received_on: Any, payer_name: str, bank_ref: str = "",
                  remittance: str = "", payer_account: str = "", errors: FieldErrors) -> dict[str, Any]:
    """Check one receipt's fields (shared by the form, the API and statement rows)."""
    value = amount(amount_, field="amount", errors=errors)
    try:
        code = normalise_currency(currency or "CNY")
    except Exception as exc:  # noqa: BLE001 - any refusal of the code is a field error here
        errors.add("currency", getattr(exc, "detail", str(exc)))
        code = ""
    on = day(received_on, field="received_on", errors=errors)
    payer = (payer_name or "").strip()
    if not payer:
        errors.add("payer_name", _("Name the payer."))
    return {"amount": value, "currency": code, "received_on": on, "payer_name": payer[:255],
            "bank_ref": (bank_ref or "").strip()[:80], "remittance": (remittance or "").strip()[:500],
            "payer_account": (payer_account or "").strip()[:60]}


def receipt_create(*, actor: Actor, fields: dict[str, Any], customer: Any = None, source: str = StatementFormat.MANUAL,
                   statement: Any = None) -> Receipt:
    """Write a checked receipt (the caller holds the transaction); payer resolved to a customer if it can be."""
    receipt = Receipt.objects.create(
        number=next_number(Receipt, "SK", timezone.localdate()), customer=_customer(customer, fields["payer_name"]),
        source=source, statement=statement, created_by=authenticated(actor), **fields)
    core_events.record(events.RECEIPT_RECORDED, receipt, actor=actor, to_state=receipt.status, payload={
        "number": receipt.number, "amount": str(receipt.amount), "currency": receipt.currency,
        "received_on": str(receipt.received_on), "payer": receipt.payer_name, "bank_ref": receipt.bank_ref,
        "source": source,
    })
    return receipt


@transaction.atomic
def receipt_record(*, actor: Actor, amount_: Any, currency: Any = "CNY", received_on: Any, payer_name: str,
                   bank_ref: str = "", remittance: str = "", payer_account: str = "", customer: Any = None) -> Receipt:
    """Enter a receipt by hand."""
    require_finance(actor, system=True)
    if isinstance(received_on, dt.date) and received_on > timezone.localdate():
        # Well-formed but not yet true: the bank cannot have paid on a day still to come.
        raise Conflict(_("A receipt cannot be dated after today."), code="receipt_in_future")
    errors = FieldErrors()
    fields = receipt_build(amount_=amount_, currency=currency, received_on=received_on, payer_name=payer_name,
                           bank_ref=bank_ref, remittance=remittance, payer_account=payer_account, errors=errors)
    if customer not in (None, "") and _customer(customer, "") is None:
        errors.add("customer", _("Choose an existing customer."))
    if fields["bank_ref"] and Receipt.objects.filter(bank_ref=fields["bank_ref"], received_on=fields["received_on"],
                                                     amount=fields["amount"], currency=fields["currency"]).exists():
        errors.add("bank_ref", _("This bank transaction is already recorded."))
    errors.raise_if_any()
    return receipt_create(actor=actor, fields=fields, customer=customer)


def _receipt_target(receipt: Receipt) -> str:
    if receipt.status == ReceiptStatus.REFUNDED:
        return receipt.status
    if receipt.unapplied <= 0:
        return ReceiptStatus.APPLIED
    return ReceiptStatus.PARTIALLY_APPLIED if receipt.allocated > 0 else ReceiptStatus.RECEIVED


@transaction.atomic
def receipt_allocate(*, receipt: Receipt, invoice: Invoice, actor: Actor, amount_: Any = None, on: Any = None,
                     fx_rate: Any = None, third_party: bool = False) -> Allocation:
    """Apply ``amount_`` of the receipt (default: as much as both allow) to the invoice.

    A receipt in another currency than the invoice needs ``fx_rate`` (invoice currency per receipt unit),
    recorded on the allocation; without it the allocation is refused.

    三流一致: when the payer (the receipt's customer) is not the invoice's buyer, the allocation is refused
    unless ``third_party`` confirms it (a group company paying for a subsidiary); it is then recorded as a
    third-party payment on the allocation and in the event.
    """
    require_finance(actor, system=True)
    locked = Receipt.objects.select_for_update().get(pk=receipt.pk)
    inv = Invoice.objects.select_for_update().get(pk=invoice.pk)
    errors = FieldErrors()
    if inv.status not in OPEN_INVOICE_STATUSES:
        raise Conflict(_("Only an issued invoice with an open amount takes payments."), code="invoice_not_open")
    if locked.status == ReceiptStatus.REFUNDED or locked.unapplied <= 0:
        raise Conflict(_("Nothing of this receipt is left to allocate."), code="receipt_fully_applied")
    rate = None
    if locked.currency != inv.currency:
        if fx_rate in (None, ""):
            raise CurrencyMismatch(
                _("The receipt is in %(r)s and the invoice in %(i)s; record the exchange rate used.")
                % {"r": locked.currency, "i": inv.currency}, field="fx_rate")
        try:
            rate = Decimal(str(fx_rate))
            if not rate.is_finite() or rate <= 0:
                raise ArithmeticError
        except ArithmeticError:
            errors.add("fx_rate", _("An exchange rate is a number above zero."))
            errors.raise_if_any()
    across = locked.customer_id is not None and locked.customer_id != inv.customer_id
    payer = locked.customer.legal_name if across else ""
    buyer = (inv.buyer_name or str(inv.customer)) if across else ""
    if across and not third_party:
        errors.add("third_party", _("The payer %(payer)s is not the invoice's buyer %(buyer)s: confirm that this "
                                    "is a third-party payment (for example a group company paying for a "
                                    "subsidiary).") % {"payer": payer, "buyer": buyer})
    allocated_on = day(on or timezone.localdate(), field="on", errors=errors)
    if allocated_on and allocated_on < locked.received_on:
        errors.add("on", _("Money cannot be applied before it was received."))
    if amount_ in (None, ""):
        most = inv.open_amount if rate is None else fen(inv.open_amount / rate)
        value: Decimal | None = min(locked.unapplied, most)
    else:
        value = amount(amount_, field="amount", errors=errors)
    if value is not None:
        if value > locked.unapplied:
            errors.add("amount", _("Only %(left)s %(cur)s of this receipt is unapplied.")
                       % {"left": locked.unapplied, "cur": locked.currency})
        invoice_value = value if rate is None else fen(value * rate)
        if invoice_value > inv.open_amount:
            errors.add("amount", _("The invoice has only %(open)s %(cur)s open.")
                       % {"open": inv.open_amount, "cur": inv.currency})
        if invoice_value <= 0:
            errors.add("amount", _("The amount must be above zero."))
    errors.raise_if_any()
    assert value is not None and allocated_on is not None
    allocation = Allocation.objects.create(receipt=locked, invoice=inv, amount=value, invoice_amount=invoice_value,
                                           fx_rate=rate, allocated_on=allocated_on, third_party=across,
                                           created_by=authenticated(actor))
    locked.allocated += value
    if locked.customer_id is None:
        locked.customer_id = inv.customer_id
    inv.paid += invoice_value
    payload = {"receipt": locked.number, "invoice": str(inv), "amount": str(value), "currency": locked.currency,
               "invoice_amount": str(invoice_value), "invoice_currency": inv.currency,
               "fx_rate": str(rate) if rate is not None else "", "third_party": across, "payer": payer,
               "buyer": buyer}
    core_events.record(events.RECEIPT_ALLOCATED, locked, actor=actor, payload=payload)
    # Both rows are locked above: a status change writes the new running total with it in one UPDATE
    # (held=True: no second lock and read of the same row), otherwise the total alone is written.
    running = {"allocated": locked.allocated, "customer_id": locked.customer_id}
    target = _receipt_target(locked)
    if target != locked.status:
        RECEIPT_MACHINE.apply(locked, target, actor=actor, payload=payload, changes=running, held=True)
    else:
        locked.save(update_fields=[*running, "updated_at"])
    if invoice_target(inv) != inv.status:
        invoice_sync(inv, actor=actor, on=allocated_on, changes={"paid": inv.paid}, held=True)
    else:
        inv.save(update_fields=["paid", "updated_at"])
    return allocation


@transaction.atomic
def refund_request(*, receipt: Receipt, actor: Actor, amount_: Any = None, reason: str) -> Refund:
    """Ask to give back the unapplied remainder (an over-payment); another finance user approves."""
    require_finance(actor)
    locked = Receipt.objects.select_for_update().get(pk=receipt.pk)
    errors = FieldErrors()
    pending = sum((r.amount for r in locked.refunds.filter(status=RefundStatus.REQUESTED)), Decimal(0))
    left = locked.unapplied - pending
    value = left if amount_ in (None, "") else amount(amount_, field="amount", errors=errors)
    if value is not None and (value > left or value <= 0):
        errors.add("amount", _("At most %(left)s is unapplied and not already asked back.") % {"left": left})
    if not (reason or "").strip():
        errors.add("reason", _("Give the reason for the refund."))
    if locked.status == ReceiptStatus.REFUNDED:
        raise Conflict(_("This receipt is already refunded."), code="receipt_refunded")
    errors.raise_if_any()
    refund = Refund.objects.create(receipt=locked, amount=value, reason=reason.strip()[:300],
                                   requested_by=authenticated(actor))
    core_events.record(events.REFUND_REQUESTED, locked, actor=actor,
                       payload={"refund": str(refund.pk), "amount": str(value), "reason": refund.reason})
    return refund


@transaction.atomic
def refund_decide(*, refund: Refund, actor: Actor, approve: bool, reason: str = "") -> Refund:
    """Approve or reject a refund; the approver is not the requester. An approved refund of the whole
    remainder moves the receipt to REFUNDED."""
    require_finance(actor)
    locked = Refund.objects.select_for_update().get(pk=refund.pk)
    receipt = Receipt.objects.select_for_update().get(pk=locked.receipt_id)
    if locked.status != RefundStatus.REQUESTED:
        raise Conflict(_("This refund is already decided."), code="refund_decided")
    if locked.requested_by_id and actor is not None and locked.requested_by_id == actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("Another finance user approves a refund you asked for."))
    if approve and locked.amount > receipt.unapplied:
        raise Conflict(_("The receipt no longer has this much unapplied."), code="refund_exceeds_unapplied")
    locked.status = RefundStatus.APPROVED if approve else RefundStatus.REJECTED
    locked.decided_by = authenticated(actor)
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    payload = {"refund": str(locked.pk), "amount": str(locked.amount), "reason": (reason or "").strip()[:300]}
    core_events.record(events.REFUND_DECIDED, receipt, actor=actor, payload=payload, to_state=locked.status)
    if approve:
        receipt.refunded += locked.amount
        receipt.save(update_fields=["refunded", "updated_at"])
        if receipt.unapplied <= 0:
            RECEIPT_MACHINE.apply(receipt, ReceiptStatus.REFUNDED, actor=actor, payload=payload)
    return locked

