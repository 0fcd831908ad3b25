"""Invoices (domain.md 6.3, 11.7): requests from billable items, issue with the official number, red-letter
credit notes (disputes are in ``disputes.py``). An issued invoice is never edited; it is reversed only by a credit note."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.contracts.selectors import contract_lock
from m2c.core import events as core_events
from m2c.core.errors import Conflict, FieldErrors
from m2c.core.roles import Actor, authenticated

if TYPE_CHECKING:
    from m2c.contracts.models import Contract

from .. import events
from ..models import BillingItem, BillingMilestone, CreditNote, Invoice, InvoiceLine
from ..states import INVOICE_MACHINE, OPEN_INVOICE_STATUSES, TAX_RATES, InvoiceStatus, VatType
from ._common import amount, day, fen, next_number, require_billing, require_finance
from .milestones import milestones_sync_for_items

INVOICEABLE_CONTRACT_STATUSES = ("SIGNED", "IN_EXECUTION", "CHANGE_PENDING", "SUSPENDED", "FULFILLED")


def split_tax(gross: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """A tax-inclusive line total → (amount excluding tax, tax), each to the fen, adding up to ``gross``."""
    net = fen(gross * 100 / (100 + rate))
    return net, gross - net


def _rate(value: Any, *, field: str, errors: FieldErrors) -> Decimal | None:
    try:
        rate = Decimal(str(value if value not in (None, "") else "13").strip().rstrip("%"))
    except ArithmeticError:
        rate = None
    if rate not in TAX_RATES:
        errors.add(field, _("The VAT rate is 13, 9, 6 or 0 percent."))
        return None
    return rate.quantize(Decimal("0.01"))


def billable_items(contract: Contract, *, on: dt.date | None = None) -> list[BillingItem]:
    """Items of the contract billable by ``on`` and not on a live or requested invoice."""
    on = on or timezone.localdate()
    return list(BillingItem.objects.filter(contract=contract, billable_on__lte=on)
                .exclude(invoice__status__in=[*OPEN_INVOICE_STATUSES, InvoiceStatus.PAID, InvoiceStatus.DRAFT])
                .select_related("milestone", "site").order_by("milestone__seq", "billable_on"))


@transaction.atomic
def invoice_request(*, contract: Contract, actor: Actor, items: list[Any] | None = None, vat_type: str = VatType.SPECIAL,
                    tax_rate: Any = "13", purchase_order: Any = None, buyer_phone: str = "", buyer_bank: str = "",
                    note: str = "") -> Invoice:
    """Request an invoice (开票申请) for billable items: buyer details from the customer, one line per item.

    Nothing can be requested beyond what is billable: each item is billable today and not already on a
    requested or issued invoice (the items and their milestones are locked while this is checked).
    """
    require_billing(actor)
    locked = contract_lock(contract.pk)
    errors = FieldErrors()
    if locked.status not in INVOICEABLE_CONTRACT_STATUSES:
        raise Conflict(_("A contract in this status cannot be invoiced."), code="contract_not_invoiceable")
    if vat_type not in VatType.values:
        errors.add("vat_type", _("Choose a special (专票) or normal (普票) VAT invoice."))
    rate = _rate(tax_rate, field="tax_rate", errors=errors)
    list(BillingMilestone.objects.select_for_update().filter(contract=locked))  # serialise against each other
    free = {str(i.pk): i for i in billable_items(locked)}
    chosen: list[BillingItem] = []
    if items is None:
        chosen = list(free.values())
    else:
        for i, ref in enumerate(items):
            item = free.get(str(getattr(ref, "pk", ref)))
            if item is None:
                errors.add(f"items.{i}", _("This item is not billable now, or it is already invoiced."))
            elif item not in chosen:
                chosen.append(item)
    if not chosen and not errors:
        errors.add("items", _("Nothing on this contract is billable and not yet invoiced."))
    po = None
    if purchase_order not in (None, ""):
        po = locked.purchase_orders.filter(pk=getattr(purchase_order, "pk", purchase_order)).first() \
            if _is_uuid(getattr(purchase_order, "pk", purchase_order)) else None
        if po is None:
            errors.add("purchase_order", _("Choose one of the contract's POs."))
    customer = locked.customer
    if vat_type == VatType.SPECIAL and not customer.credit_code:
        errors.add("vat_type", _("A special VAT invoice needs the buyer's taxpayer id; record the customer's credit code."))
    errors.raise_if_any()
    assert rate is not None
    invoice = Invoice.objects.create(
        number=next_number(Invoice, "KP", timezone.localdate()), contract=locked, customer=customer,
        purchase_order=po, vat_type=vat_type, buyer_name=customer.legal_name, buyer_tax_id=customer.credit_code or "",
        buyer_address=" ".join(p for p in (customer.province, customer.city, customer.address) if p)[:255],
        buyer_phone=(buyer_phone or "").strip()[:40], buyer_bank=(buyer_bank or "").strip()[:200],
        currency=locked.currency, payment_days=max(i.milestone.payment_days for i in chosen),
        total=sum((i.amount for i in chosen), Decimal(0)), note=(note or "").strip()[:300],
        created_by=authenticated(actor),
    )
    lines = []
    for position, item in enumerate(chosen):
        net, tax = split_tax(item.amount, rate)
        label = f"M{item.milestone.seq} {item.milestone.name}" + (f" · {item.site.name}" if item.site_id else "")
        lines.append(InvoiceLine(invoice=invoice, position=position, description=label[:300], billing_item=item,
                                 tax_rate=rate, net=net, tax=tax, total=item.amount))
    InvoiceLine.objects.bulk_create(lines)
    invoice.net = sum((line.net for line in lines), Decimal(0))
    invoice.tax = sum((line.tax for line in lines), Decimal(0))
    invoice.save(update_fields=["net", "tax"])
    BillingItem.objects.filter(pk__in=[i.pk for i in chosen]).update(invoice=invoice)
    core_events.record(events.INVOICE_REQUESTED, invoice, actor=actor, to_state=invoice.status, payload={
        "number": invoice.number, "contract": locked.number, "total": str(invoice.total), "tax": str(invoice.tax),
        "currency": invoice.currency, "items": [str(i.pk) for i in chosen],
    })
    return invoice


def _is_uuid(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _official_number(value: Any, errors: FieldErrors, *, exclude: Any = None) -> str:
    number = str(value or "").strip()
    if not number:
        errors.add("official_number", _("Enter the official invoice number from the tax platform."))
    elif not number.isdigit() or not 8 <= len(number) <= 20:
        errors.add("official_number", _("An official invoice number is 8 to 20 digits."))
    elif Invoice.objects.filter(official_number=number).exclude(pk=exclude).exists():
        errors.add("official_number", _("This official number is already recorded on another invoice."))
    return number


@transaction.atomic
def invoice_issue(*, invoice: Invoice, actor: Actor, official_number: Any, issued_on: Any) -> Invoice:
    """Record that the tax platform issued the invoice: its official number and date; the due date follows."""
    require_finance(actor, system=True)
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    errors = FieldErrors()
    number = _official_number(official_number, errors, exclude=locked.pk)
    on = day(issued_on, field="issued_on", errors=errors)
    if on and on < locked.contract.signed_on:
        errors.add("issued_on", _("An invoice cannot be dated before the contract's signature."))
    if locked.status == InvoiceStatus.DRAFT:
        late = [i for i in locked.items.all() if on and i.billable_on > on]
        if late:
            errors.add("issued_on", _("An item on this invoice is only billable from %(day)s.")
                       % {"day": min(i.billable_on for i in late)})
    errors.raise_if_any()
    assert on is not None
    due = on + dt.timedelta(days=locked.payment_days)
    INVOICE_MACHINE.apply(locked, InvoiceStatus.ISSUED, actor=actor, changes={
        "official_number": number, "issued_on": on, "due_date": due,
    }, payload={"official_number": number, "issued_on": str(on), "due_date": str(due)})
    milestones_sync_for_items(list(locked.items.values_list("pk", flat=True)), actor=actor)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def invoice_cancel_request(*, invoice: Invoice, actor: Actor, reason: str = "") -> Invoice:
    """Withdraw a request not yet issued; its items become billable again."""
    require_billing(actor)
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    item_ids = list(locked.items.values_list("pk", flat=True))
    INVOICE_MACHINE.apply(locked, InvoiceStatus.CANCELLED, actor=actor, reason=reason)
    BillingItem.objects.filter(pk__in=item_ids).update(invoice=None)
    milestones_sync_for_items(item_ids, actor=actor)
    return locked


def invoice_target(invoice: Invoice) -> str:
    """The status an invoice's allocations and credit notes imply (a dispute holds it in DISPUTED)."""
    if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED, InvoiceStatus.DISPUTED):
        return invoice.status
    if invoice.open_amount <= 0:
        return InvoiceStatus.PAID if invoice.paid > 0 else InvoiceStatus.CANCELLED
    return InvoiceStatus.PARTIALLY_PAID if invoice.paid > 0 else InvoiceStatus.ISSUED


def invoice_sync(invoice: Invoice, *, actor: Actor, on: dt.date | None = None, payload: dict[str, Any] | None = None,
                 event_type: str | None = None, changes: dict[str, Any] | None = None, held: bool = False) -> Invoice:
    """Move the (locked) invoice to the status its running totals imply; record when it got paid.

    ``changes`` are written with the status (running totals the caller changed on the locked row);
    ``held`` says the caller's transaction holds the row lock and ``invoice`` is that row.
    """
    target = invoice_target(invoice)
    if target == invoice.status:
        return invoice
    changes = dict(changes or {})
    if target == InvoiceStatus.PAID:
        paid_on = on or timezone.localdate()
        changes |= {"paid_on": paid_on,
                    "days_late": max(0, (paid_on - invoice.due_date).days) if invoice.due_date else 0}
    INVOICE_MACHINE.apply(invoice, target, actor=actor, changes=changes, payload=payload, event_type=event_type,
                          held=held)
    milestones_sync_for_items(list(invoice.items.values_list("pk", flat=True)), actor=actor)
    return invoice


@transaction.atomic
def credit_note_issue(*, invoice: Invoice, actor: Actor, amount_: Any = None, reason: str, issued_on: Any = None,
                      official_number: str = "") -> CreditNote:
    """A red-letter credit note (红字发票) for all (``amount_`` empty) or part of an issued invoice's open amount.

    A full credit note of an unpaid invoice cancels it and frees its billing items to be invoiced again.
    """
    require_finance(actor, system=True)
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    errors = FieldErrors()
    if locked.status not in OPEN_INVOICE_STATUSES:
        raise Conflict(_("Only an issued invoice with an open amount can be credited."), code="not_creditable")
    value = locked.open_amount if amount_ in (None, "") else amount(amount_, field="amount", errors=errors)
    if value is not None and value > locked.open_amount:
        errors.add("amount", _("A credit note is at most the open amount, %(open)s.") % {"open": locked.open_amount})
    elif value is not None and value > locked.open_amount - locked.disputed:
        # Invoice.disputed stays the sum of the contested disputes: their part is credited by resolving them.
        errors.add("amount", _("%(d)s of the open amount is disputed: resolve the dispute to credit it.")
                   % {"d": locked.disputed})
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", _("Give the reason for the credit note."))
    on = day(issued_on or timezone.localdate(), field="issued_on", errors=errors)
    if on and locked.issued_on and on < locked.issued_on:
        errors.add("issued_on", _("A credit note cannot be dated before its invoice."))
    errors.raise_if_any()
    assert value is not None and on is not None
    tax = fen(value * locked.tax / locked.total)
    note = CreditNote.objects.create(
        invoice=locked, number=next_number(CreditNote, "HZ", on), official_number=str(official_number or "")[:40],
        issued_on=on, net=value - tax, tax=tax, total=value, reason=reason[:300], created_by=authenticated(actor))
    locked.credited += value
    locked.disputed = max(Decimal(0), min(locked.disputed, locked.open_amount))
    locked.save(update_fields=["credited", "disputed", "updated_at"])
    payload = {"amount": str(value), "credit_note": note.number, "reason": reason[:300]}
    core_events.record(events.INVOICE_CREDITED, locked, actor=actor, payload=payload)
    full = locked.credited >= locked.total
    if full and locked.paid == 0:
        item_ids = list(locked.items.values_list("pk", flat=True))
        if locked.status == InvoiceStatus.DISPUTED:
            locked.disputed = Decimal(0)
        INVOICE_MACHINE.apply(locked, InvoiceStatus.CANCELLED, actor=actor, reason=reason, payload=payload,
                              changes={"disputed": Decimal(0)})
        BillingItem.objects.filter(pk__in=item_ids).update(invoice=None)
        milestones_sync_for_items(item_ids, actor=actor)
    else:
        invoice_sync(locked, actor=actor, on=on, payload=payload)
    return note
