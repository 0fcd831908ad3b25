"""Receivables: what is billed per contract, open receivables per customer, and aging (domain.md 6.3, 9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F, Sum
from django.utils import timezone

from m2c.core import fx
from m2c.core.money import Money

from ..models import BillingItem, Invoice
from ..states import LIVE_INVOICE_STATUSES, OPEN_INVOICE_STATUSES

# Days past due: (label, first day, last day or None).
BUCKETS = (("not_due", None, 0), ("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("91-180", 91, 180),
           ("181-365", 181, 365), (">365", 366, None))


def billed_by_contract(contract_ids: list[Any]) -> dict[Any, Decimal]:
    """Contract id → amount on requested or issued invoices, less credit notes (contract currency)."""
    rows = (Invoice.objects.filter(contract_id__in=contract_ids, status__in=[*LIVE_INVOICE_STATUSES, "DRAFT"])
            .values("contract_id").annotate(s=Sum(F("total") - F("credited"))))
    return {row["contract_id"]: row["s"] or Decimal(0) for row in rows}


def open_receivables_reporting(customer_id: Any, on: dt.date) -> Decimal:
    """The customer's open receivables in the reporting currency, each currency converted at ``on``."""
    rows = (Invoice.objects.filter(customer_id=customer_id, status__in=OPEN_INVOICE_STATUSES)
            .values("currency").annotate(s=Sum(F("total") - F("paid") - F("credited"))))
    total = Money.zero(fx.reporting_currency())
    for row in rows:
        total = total + fx.to_reporting(Money(row["s"] or 0, row["currency"]), on)
    return total.amount


def unbilled(contract_id: Any, *, on: dt.date | None = None) -> Decimal:
    """Billable items of the contract not yet on a requested or issued invoice."""
    on = on or timezone.localdate()
    return (BillingItem.objects.filter(contract_id=contract_id, billable_on__lte=on)
            .exclude(invoice__status__in=[*LIVE_INVOICE_STATUSES, "DRAFT"])
            .aggregate(s=Sum("amount"))["s"] or Decimal(0))


def bucket_of(days_past_due: int) -> str:
    for label, low, high in BUCKETS:
        if (low is None or days_past_due >= low) and (high is None or days_past_due <= high):
            return label
    return BUCKETS[-1][0]


def aging(invoices: Any, *, on: dt.date | None = None) -> dict[str, dict[str, Decimal]]:
    """Currency → bucket → open amount of ``invoices`` (a queryset) on ``on``; disputed parts counted apart."""
    on = on or timezone.localdate()
    out: dict[str, dict[str, Decimal]] = {}
    for inv in invoices.filter(status__in=OPEN_INVOICE_STATUSES).only("currency", "total", "paid", "credited",
                                                                       "due_date"):
        late = (on - inv.due_date).days if inv.due_date else 0
        row = out.setdefault(inv.currency, {label: Decimal(0) for label, _l, _h in BUCKETS})
        row[bucket_of(late)] += inv.open_amount
    return out
