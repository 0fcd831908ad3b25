"""Cash KPIs of domain.md 9, per currency (amounts of two currencies are never added): DSO by both methods,
collection rate, overdue ratio, unbilled and billing timeliness. Each is a few aggregate queries.

``invoices`` and ``items`` are querysets already scoped to what the reader may see (see
:func:`m2c.billing.selectors.invoice_queryset` and :func:`billing_item_queryset`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from m2c.core.calendar import working_days_between
from m2c.core.scoping import scope

from ..models import Allocation, BillingItem, CreditNote
from ..states import LIVE_INVOICE_STATUSES, OPEN_INVOICE_STATUSES
from .invoices import INVOICE_SCOPE, sees_all_cash
from .receivables import dso, dso_count_back

ZERO = Decimal(0)
# Billing SLA (domain.md 6.3): an invoice is issued within 5 working days of the trigger evidence.
BILLING_SLA_WORKING_DAYS = 5
_DEC = DecimalField(max_digits=20, decimal_places=2)


def _zero() -> Value:
    return Value(ZERO, output_field=_DEC)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole as a percentage to 0.1, or None when there is nothing to divide by."""
    if whole <= 0:
        return None
    return (part / whole * 100).quantize(Decimal("0.1"))


def billing_item_queryset(user: Any) -> QuerySet[BillingItem]:
    """Billing items of the contracts the user may see (finance and read-all roles see every one)."""
    if sees_all_cash(user) and not getattr(user, "partner_id", None):
        return BillingItem.objects.all()
    return scope(BillingItem.objects.all(), user, **INVOICE_SCOPE)


def collection_rate(invoices: Any, start: dt.date, end: dt.date) -> tuple[Decimal, Decimal, Decimal | None]:
    """(collected, falling due, rate %) for [start, end] (domain.md 9).

    Falling due = what was still owed at the start of the period on invoices due by its end (the opening
    overdue and what falls due in the period): their totals less credit notes to the end and payments
    before the start. Collected = payments dated in the period on those invoices. Invoice currency.
    """
    due_by_end = invoices.filter(status__in=[*LIVE_INVOICE_STATUSES, "CANCELLED"], issued_on__lte=end,
                                 due_date__lte=end)
    # From the running totals (kept equal to the sums of allocations and credit notes), so only the
    # allocations dated from ``start`` on and the credit notes after ``end`` are read.
    now = due_by_end.aggregate(total=Coalesce(Sum("total"), _zero()), paid_now=Coalesce(Sum("paid"), _zero()),
                               credited_now=Coalesce(Sum("credited"), _zero()))
    credited_after = CreditNote.objects.filter(invoice__in=due_by_end, issued_on__gt=end).aggregate(
        s=Coalesce(Sum("total"), _zero()))["s"]
    since = Allocation.objects.filter(invoice__in=due_by_end, allocated_on__gte=start).aggregate(
        all=Coalesce(Sum("invoice_amount"), _zero()),
        during=Coalesce(Sum("invoice_amount", filter=Q(allocated_on__lte=end)), _zero()))
    paid = {"before": now["paid_now"] - since["all"], "during": since["during"]}
    falling_due = now["total"] - (now["credited_now"] - credited_after) - paid["before"]
    return paid["during"], falling_due, _ratio(paid["during"], falling_due)


def overdue_ratio(invoices: Any, on: dt.date | None = None) -> tuple[Decimal, Decimal, Decimal | None]:
    """(overdue, receivables, ratio %) on ``on``: open amounts past their due date over all open amounts."""
    on = on or timezone.localdate()
    open_ = F("total") - F("paid") - F("credited")
    row = invoices.filter(status__in=OPEN_INVOICE_STATUSES).aggregate(
        open_sum=Coalesce(Sum(open_, output_field=_DEC), _zero()),
        overdue_sum=Coalesce(Sum(Case(When(due_date__lt=on, then=open_), default=_zero(), output_field=_DEC)),
                             _zero()))
    return row["overdue_sum"], row["open_sum"], _ratio(row["overdue_sum"], row["open_sum"])


def unbilled_by_currency(items: Any, on: dt.date | None = None) -> dict[str, Decimal]:
    """Currency → billable items (billable by ``on``) not on a requested or issued invoice (contract assets)."""
    on = on or timezone.localdate()
    rows = (items.filter(billable_on__lte=on)
            .filter(Q(invoice__isnull=True) | ~Q(invoice__status__in=[*LIVE_INVOICE_STATUSES, "DRAFT"]))
            .order_by().values("milestone__currency").annotate(s=Sum("amount")))
    return {row["milestone__currency"]: row["s"] or ZERO for row in rows}


@dataclass
class Timeliness:
    items: int = 0
    on_time: int = 0

    @property
    def rate(self) -> Decimal | None:
        return _ratio(Decimal(self.on_time), Decimal(self.items))


def billing_timeliness(items: Any, start: dt.date, end: dt.date, *, sla: int = BILLING_SLA_WORKING_DAYS,
                       ) -> dict[str, Timeliness]:
    """Currency → billing items that became billable in [start, end], and how many of them were invoiced
    (issued) within ``sla`` working days of becoming billable. An item not yet issued is late once its
    SLA has passed, and not counted before (it may still be on time)."""
    today = timezone.localdate()
    out: dict[str, Timeliness] = {}
    rows = (items.filter(billable_on__range=(start, end)).order_by()
            .values_list("milestone__currency", "billable_on", "invoice__status", "invoice__issued_on"))
    for currency, billable_on, status, issued_on in rows.iterator(chunk_size=2000):
        issued = issued_on if status in (*LIVE_INVOICE_STATUSES, "CANCELLED") else None
        if issued is None and working_days_between(billable_on, today) <= sla:
            continue  # still within its SLA
        entry = out.setdefault(currency, Timeliness())
        entry.items += 1
        if issued is not None and working_days_between(billable_on, issued) <= sla:
            entry.on_time += 1
    return out


@dataclass
class CashKpis:
    """The cash KPIs of one currency over [start, end] (receivables and overdue on ``end``)."""

    currency: str
    dso: Decimal | None = None
    dso_count_back: Decimal | None = None
    collected: Decimal = ZERO
    falling_due: Decimal = ZERO
    collection_rate: Decimal | None = None
    overdue: Decimal = ZERO
    receivables: Decimal = ZERO
    overdue_ratio: Decimal | None = None
    unbilled: Decimal = ZERO
    timeliness: Timeliness = field(default_factory=Timeliness)


def cash_kpis(invoices: Any, items: Any, *, start: dt.date, end: dt.date, sla: int = BILLING_SLA_WORKING_DAYS,
              ) -> list[CashKpis]:
    """The KPIs per currency, in currency order. Overdue and open amounts are those of ``end`` when it is
    today (running totals); DSO counts receivables as they stood at ``end``."""
    currencies = set(invoices.order_by().values_list("currency", flat=True).distinct())
    unbilled = unbilled_by_currency(items, end)
    timely = billing_timeliness(items, start, end, sla=sla)
    currencies |= set(unbilled) | set(timely)
    out = []
    for currency in sorted(currencies):
        mine = invoices.filter(currency=currency)
        k = CashKpis(currency=currency, unbilled=unbilled.get(currency, ZERO),
                     timeliness=timely.get(currency, Timeliness()))
        k.dso = dso(mine, start, end)
        k.dso_count_back = dso_count_back(mine, end)
        k.collected, k.falling_due, k.collection_rate = collection_rate(mine, start, end)
        k.overdue, k.receivables, k.overdue_ratio = overdue_ratio(mine, end)
        out.append(k)
    return out


def month_ends(end: dt.date, months: int = 12) -> list[tuple[dt.date, dt.date]]:
    """The last ``months`` calendar months up to ``end`` (the last one cut at ``end``), oldest first."""
    spans = []
    month_end = end
    for _i in range(months):
        month_start = month_end.replace(day=1)
        spans.append((month_start, month_end))
        month_end = month_start - dt.timedelta(days=1)
    return spans[::-1]


def dso_trend(invoices: Any, end: dt.date | None = None, *, months: int = 12) -> list[tuple[dt.date, Decimal | None]]:
    """(month start, DSO of that month) for the last ``months`` months of one currency's invoices."""
    end = end or timezone.localdate()
    return [(start, dso(invoices, start, stop)) for start, stop in month_ends(end, months)]
