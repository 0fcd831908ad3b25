"""Many allocations in one command: the matches finance confirms for a whole bank statement.

The same rules as ``receipt_allocate`` hold for every row (an open invoice, an unapplied receipt, the same
currency, nothing before the money arrived, never more than the receipt's unapplied part or the invoice's
open amount, counting the rows before it in the batch); a batch with any bad row is refused as a whole,
each bad row named (``rows.3.amount``), and nothing is written. The rows are locked once, in key order,
the allocations, the running totals, the status moves (checked against the transition tables) and their
events written in bulk: one transaction instead of one per allocation.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import bulk
from m2c.core import events as core_events
from m2c.core.errors import FieldErrors
from m2c.core.models import Event
from m2c.core.roles import Actor, authenticated
from m2c.core.services import rows_update

from .. import events
from ..models import Allocation, Invoice, Receipt
from ..states import INVOICE_MACHINE, OPEN_INVOICE_STATUSES, RECEIPT_MACHINE, InvoiceStatus, ReceiptStatus
from ._common import amount, day, require_finance
from .cash import _receipt_target
from .invoices import invoice_target
from .milestones import milestones_sync_for_items

MAX_ROWS = 5_000


def _status_event(machine: Any, obj: Any, target: str, actor: Actor, payload: dict[str, Any]) -> dict[str, Any]:
    row = machine.check(obj, target, actor=actor)
    event = {"event_type": row.event_type or machine.default_event, "subject_type": obj._meta.label_lower,
             "subject_id": obj.pk, "actor_id": getattr(authenticated(actor), "pk", None), "from_state": obj.status,
             "to_state": target, "payload": payload}
    obj.status = target
    obj.version += 1
    return event


@transaction.atomic
def receipts_allocate_many(*, actor: Actor, rows: list[dict[str, Any]], on: Any = None) -> list[Allocation]:
    """Apply each ``{"receipt", "invoice", "amount"?}`` (an absent amount: as much as both allow)."""
    require_finance(actor, system=True)
    errors = FieldErrors()
    if not rows or len(rows) > MAX_ROWS:
        errors.add("rows", _("Between 1 and %(n)s allocations at once.") % {"n": MAX_ROWS})
    allocated_on = day(on or timezone.localdate(), field="on", errors=errors)
    errors.raise_if_any()

    def key(value: Any) -> Any:
        return getattr(value, "pk", value)

    receipts = {r.pk: r for r in Receipt.objects.select_for_update().filter(
        pk__in={key(row.get("receipt")) for row in rows}).order_by("pk")}
    invoices = {i.pk: i for i in Invoice.objects.select_for_update().filter(
        pk__in={key(row.get("invoice")) for row in rows}).order_by("pk")}
    by = authenticated(actor)
    made: list[Allocation] = []
    for n, row in enumerate(rows):
        receipt, invoice = receipts.get(key(row.get("receipt"))), invoices.get(key(row.get("invoice")))
        if receipt is None or invoice is None:
            errors.add(f"rows.{n}.{'receipt' if receipt is None else 'invoice'}", _("Not found."))
            continue
        if invoice.status not in OPEN_INVOICE_STATUSES:
            errors.add(f"rows.{n}.invoice", _("Only an issued invoice with an open amount takes payments."))
            continue
        if receipt.status == ReceiptStatus.REFUNDED or receipt.unapplied <= 0:
            errors.add(f"rows.{n}.receipt", _("Nothing of this receipt is left to allocate."))
            continue
        if receipt.currency != invoice.currency:
            errors.add(f"rows.{n}.invoice", _("The receipt is in %(r)s and the invoice in %(i)s; allocate it on its "
                                              "own with the exchange rate used.")
                       % {"r": receipt.currency, "i": invoice.currency})
            continue
        if allocated_on < receipt.received_on:
            errors.add(f"rows.{n}.on", _("Money cannot be applied before it was received."))
            continue
        value = (min(receipt.unapplied, invoice.open_amount) if row.get("amount") in (None, "")
                 else amount(row["amount"], field=f"rows.{n}.amount", errors=errors))
        if value is None:
            continue
        if value <= 0 or value > receipt.unapplied or value > invoice.open_amount:
            errors.add(f"rows.{n}.amount", _("At most %(most)s %(cur)s: what is left of the receipt and open on the "
                                             "invoice.") % {"most": min(receipt.unapplied, invoice.open_amount),
                                                            "cur": invoice.currency})
            continue
        receipt.allocated += value
        invoice.paid += value
        if receipt.customer_id is None:
            receipt.customer_id = invoice.customer_id
        made.append(Allocation(receipt=receipt, invoice=invoice, amount=value, invoice_amount=value,
                               allocated_on=allocated_on, created_by=by))
    errors.raise_if_any()

    now = timezone.now()
    for a in made:
        a.created_at = now
    bulk.insert(Allocation, [{"id": a.id, "receipt_id": a.receipt_id, "invoice_id": a.invoice_id, "amount": a.amount,
                              "invoice_amount": a.invoice_amount, "fx_rate": None, "allocated_on": a.allocated_on,
                              "created_at": now, "created_by_id": a.created_by_id} for a in made])
    actor_id = getattr(by, "pk", None)
    log, last = [], {}
    for a in made:
        payload = {"receipt": a.receipt.number, "invoice": str(a.invoice), "amount": str(a.amount),
                   "currency": a.receipt.currency, "invoice_amount": str(a.invoice_amount),
                   "invoice_currency": a.invoice.currency, "fx_rate": ""}
        last[a.receipt_id] = payload  # a receipt's status move carries its last allocation, as one at a time
        log.append({"event_type": events.RECEIPT_ALLOCATED, "subject_type": "billing.receipt",
                    "subject_id": a.receipt_id, "actor_id": actor_id, "payload": payload})
    for receipt in receipts.values():
        target = _receipt_target(receipt)
        if target != receipt.status:
            log.append(_status_event(RECEIPT_MACHINE, receipt, target, actor, last.get(receipt.pk, {})))
        receipt.updated_at = now
    paid_items: list[Any] = []
    for invoice in invoices.values():
        target = invoice_target(invoice)
        if target != invoice.status:
            if target == InvoiceStatus.PAID:
                invoice.paid_on = allocated_on
                invoice.days_late = max(0, (allocated_on - invoice.due_date).days) if invoice.due_date else 0
            log.append(_status_event(INVOICE_MACHINE, invoice, target, actor, {}))
            paid_items.append(invoice.pk)
        invoice.updated_at = now
    rows_update(Receipt, list(receipts.values()), ["allocated", "customer", "status", "version", "updated_at"])
    rows_update(Invoice, list(invoices.values()), ["paid", "status", "paid_on", "days_late", "version", "updated_at"])
    core_events.record_many(log, insert=lambda complete: bulk.insert(Event, complete))
    if paid_items:  # milestones follow their invoices (SETTLED when paid)
        from ..models import BillingItem

        milestones_sync_for_items(list(BillingItem.objects.filter(invoice_id__in=paid_items)
                                       .values_list("pk", flat=True)), actor=actor)
    return made



