"""The finance workbench (issue 10 item 9): the four queues finance works through each day.

- to invoice: billable items on no requested or issued invoice, by contract;
- overdue: issued invoices past their due date with an open amount;
- disputed: invoices with a disputed amount;
- unmatched: receipts with nothing applied yet, each with its number of matching suggestions.

Each queue is a short list (``limit`` rows) with its full count and amount per currency. Finance and
read-all roles see every record; the view refuses the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone

from ..models import BillingItem, Invoice, Receipt
from ..states import LIVE_INVOICE_STATUSES, OPEN_INVOICE_STATUSES, InvoiceStatus, ReceiptStatus
from .receipts import receipt_suggestions

FEN = Decimal("0.01")


@dataclass
class Queue:
    count: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)  # currency → amount
    rows: list[Any] = field(default_factory=list)


@dataclass
class Workbench:
    on: dt.date
    to_invoice: Queue
    overdue: Queue
    disputed: Queue
    unmatched: Queue

    def queues(self) -> list[tuple[str, Queue]]:
        return [("to_invoice", self.to_invoice), ("overdue", self.overdue), ("disputed", self.disputed),
                ("unmatched", self.unmatched)]


def _totals(qs: Any, expression: Any) -> dict[str, Decimal]:
    return {row["currency"]: (row["s"] or Decimal(0)).quantize(FEN)
            for row in qs.order_by().values("currency").annotate(s=Sum(expression)).order_by("currency")}


def to_invoice(on: dt.date, limit: int) -> Queue:
    items = (BillingItem.objects.filter(billable_on__lte=on)
             .exclude(invoice__status__in=[*LIVE_INVOICE_STATUSES, InvoiceStatus.DRAFT]))
    by_contract = (items.values("contract_id", "contract__number", "contract__title", "contract__currency",
                                "contract__customer__legal_name")
                   .annotate(amount=Sum("amount"), items=Count("id"), since=Min("billable_on"))
                   .order_by("since", "contract__number"))
    totals = {row["currency"]: row["s"].quantize(FEN) for row in items.order_by().values(currency=F("contract__currency"))
              .annotate(s=Sum("amount")).order_by("currency")}
    rows = [dict(row, days=(on - row["since"]).days) for row in by_contract[:limit]]
    return Queue(count=by_contract.count(), totals=totals, rows=rows)


def overdue(on: dt.date, limit: int) -> Queue:
    qs = (Invoice.objects.filter(status__in=OPEN_INVOICE_STATUSES, due_date__lt=on)
          .filter(total__gt=F("paid") + F("credited")))
    rows = list(qs.select_related("customer", "contract").order_by("due_date", "number")[:limit])
    for inv in rows:
        inv.days_overdue = (on - inv.due_date).days
    return Queue(count=qs.count(), totals=_totals(qs, F("total") - F("paid") - F("credited")), rows=rows)


def disputed(limit: int) -> Queue:
    qs = Invoice.objects.filter(Q(status=InvoiceStatus.DISPUTED) | Q(disputed__gt=0)).exclude(
        status=InvoiceStatus.CANCELLED)
    rows = list(qs.select_related("customer", "contract").order_by("due_date", "number")[:limit])
    return Queue(count=qs.count(), totals=_totals(qs, F("disputed")), rows=rows)


def unmatched(limit: int) -> Queue:
    qs = Receipt.objects.filter(status=ReceiptStatus.RECEIVED)
    rows = list(qs.select_related("customer").order_by("received_on", "number")[:limit])
    for receipt in rows:
        receipt.suggestions = len(receipt_suggestions(receipt))
    return Queue(count=qs.count(), totals=_totals(qs, F("amount") - F("allocated") - F("refunded")), rows=rows)


def workbench(*, on: dt.date | None = None, limit: int = 10) -> Workbench:
    on = on or timezone.localdate()
    return Workbench(on=on, to_invoice=to_invoice(on, limit), overdue=overdue(on, limit), disputed=disputed(limit),
                     unmatched=unmatched(limit))
