"""Receivables: what is billed per contract, open receivables per customer, and aging (domain.md 6.3, 9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, ExpressionWrapper, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
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


def contract_cash(contract_id: Any) -> Any:
    """The contracts app's seam: invoiced, credited, open and each collection of one contract (its currency)."""
    from m2c.contracts.selectors import ContractCash

    from ..models import Allocation

    invoices = Invoice.objects.filter(contract_id=contract_id, status__in=LIVE_INVOICE_STATUSES)
    sums = invoices.aggregate(total=Sum("total"), credited=Sum("credited"), paid=Sum("paid"))
    open_ar = (invoices.filter(status__in=OPEN_INVOICE_STATUSES)
               .aggregate(s=Sum(F("total") - F("paid") - F("credited")))["s"] or Decimal(0))
    collections = list(Allocation.objects.filter(invoice__contract_id=contract_id).order_by("allocated_on")
                       .values_list("allocated_on", "invoice_amount"))
    return ContractCash(invoiced=sums["total"] or Decimal(0), credited=sums["credited"] or Decimal(0),
                        open_ar=open_ar, collections=collections)


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


BUCKET_LABELS = tuple(label for label, _low, _high in BUCKETS)
# What an aging row can be grouped by: customer, the region of the customer's org unit, the contract owner.
AGING_DIMENSIONS = {"customer": "customer_id", "region": "customer__org_unit_id", "owner": "contract__owner_id"}


def _bucket_condition(on: dt.date, low: int | None, high: int | None) -> Q:
    """Invoices whose days past due on ``on`` fall in [low, high], as a condition on the due date (so an
    index on it serves): days past due = on − due date."""
    if low is None:  # not due yet (or no due date): due on or after ``on``
        return Q(due_date__isnull=True) | Q(due_date__gte=on - dt.timedelta(days=high or 0))
    cond = Q(due_date__lte=on - dt.timedelta(days=low))
    if high is not None:
        cond &= Q(due_date__gte=on - dt.timedelta(days=high))
    return cond


def aging_rows(invoices: Any, *, on: dt.date | None = None, by: str | None = None) -> list[dict[str, Any]]:
    """One aggregate query: per currency (and per ``by`` of :data:`AGING_DIMENSIONS`), the open amount of
    ``invoices`` in each bucket of days past due on ``on``, the disputed part apart (never in a bucket).

    Each row: ``currency``, ``key`` (the dimension's id, or None), one entry per bucket label,
    ``disputed``, ``overdue`` and ``total`` (Decimal, in that currency).
    """
    on = on or timezone.localdate()
    open_ = F("total") - F("paid") - F("credited")
    disputed = Case(When(disputed__gt=open_, then=open_), default=F("disputed"), output_field=DecimalField())
    undisputed = ExpressionWrapper(open_ - disputed, output_field=DecimalField())
    zero = Value(Decimal(0), output_field=DecimalField())
    sums = {f"b{i}": Coalesce(Sum(Case(When(_bucket_condition(on, low, high), then=undisputed), default=zero,
                                     output_field=DecimalField())), zero)
            for i, (_label, low, high) in enumerate(BUCKETS)}
    sums["disputed_sum"] = Coalesce(Sum(disputed), zero)
    sums["open_sum"] = Coalesce(Sum(open_, output_field=DecimalField()), zero)
    group = ["currency"] + ([AGING_DIMENSIONS[by]] if by else [])
    qs = (invoices.filter(status__in=OPEN_INVOICE_STATUSES).order_by().values(*group).annotate(**sums)
          .order_by(*group))
    rows = []
    for row in qs:
        row = {**{label: row.pop(f"b{i}") for i, label in enumerate(BUCKET_LABELS)}, **row}
        row["disputed"], row["total"] = row.pop("disputed_sum"), row.pop("open_sum")
        row["key"] = row.pop(AGING_DIMENSIONS[by]) if by else None
        row["overdue"] = sum((row[label] for label in BUCKET_LABELS[1:]), Decimal(0))
        rows.append(row)
    return rows


def aging(invoices: Any, *, on: dt.date | None = None) -> dict[str, dict[str, Decimal]]:
    """Currency → bucket → open amount of ``invoices`` (a queryset) on ``on``; the disputed part is counted
    apart under ``"disputed"``, not in a bucket. One query (see :func:`aging_rows`)."""
    return {row["currency"]: {key: row[key] for key in (*BUCKET_LABELS, "disputed")}
            for row in aging_rows(invoices, on=on)}


def receivable_on(invoices: Any, on: dt.date) -> Decimal:
    """Trade receivables at the end of ``on``: issued by then, less what was paid or credited by then.

    Computed from the running totals, which the services keep equal to the sums of allocations and credit
    notes: open now, plus what was paid or credited after ``on`` (a short range on an indexed date, instead
    of every allocation ever made)."""
    from ..models import Allocation, CreditNote

    issued = invoices.filter(issued_on__lte=on, status__in=[*LIVE_INVOICE_STATUSES, "CANCELLED"])
    open_now = issued.aggregate(s=Sum(F("total") - F("paid") - F("credited"), output_field=DecimalField()))["s"]
    paid_after = Allocation.objects.filter(allocated_on__gt=on, invoice__in=issued).aggregate(
        s=Sum("invoice_amount"))["s"]
    credited_after = CreditNote.objects.filter(issued_on__gt=on, invoice__in=issued).aggregate(s=Sum("total"))["s"]
    return (open_now or Decimal(0)) + (paid_after or Decimal(0)) + (credited_after or Decimal(0))


def revenue_between(invoices: Any, start: dt.date, end: dt.date) -> Decimal:
    """Invoiced revenue in [start, end], less the credit notes of the period (tax-inclusive)."""
    from ..models import CreditNote

    billed = invoices.filter(issued_on__range=(start, end), status__in=[*LIVE_INVOICE_STATUSES, "CANCELLED"]).aggregate(
        s=Sum("total"))["s"] or Decimal(0)
    credited = CreditNote.objects.filter(invoice__in=invoices, issued_on__range=(start, end)).aggregate(
        s=Sum("total"))["s"] or Decimal(0)
    return billed - credited


def revenue_by_month(invoices: Any, start: dt.date, end: dt.date) -> dict[dt.date, Decimal]:
    """First day of the month → revenue of that month within [start, end] (two grouped queries)."""
    from django.db.models.functions import TruncMonth

    from ..models import CreditNote

    out: dict[dt.date, Decimal] = {}
    billed = (invoices.filter(issued_on__range=(start, end), status__in=[*LIVE_INVOICE_STATUSES, "CANCELLED"])
              .order_by().annotate(m=TruncMonth("issued_on")).values("m").annotate(s=Sum("total")))
    for row in billed:
        out[row["m"]] = out.get(row["m"], Decimal(0)) + (row["s"] or 0)
    credits = (CreditNote.objects.filter(invoice__in=invoices, issued_on__range=(start, end)).order_by()
               .annotate(m=TruncMonth("issued_on")).values("m").annotate(s=Sum("total")))
    for row in credits:
        out[row["m"]] = out.get(row["m"], Decimal(0)) - (row["s"] or 0)
    return {(m.date() if isinstance(m, dt.datetime) else m): v for m, v in out.items()}


def dso(invoices: Any, start: dt.date, end: dt.date) -> Decimal | None:
    """DSO (domain.md 9): receivables at period end / revenue in the period × days in the period.

    ``invoices`` is a queryset of one currency. None when the period has no revenue.
    """
    revenue = revenue_between(invoices, start, end)
    if revenue <= 0:
        return None
    days = (end - start).days + 1
    return (receivable_on(invoices, end) / revenue * days).quantize(Decimal("0.1"))


def dso_count_back(invoices: Any, end: dt.date, *, months: int = 12) -> Decimal:
    """DSO by the count-back method: walk back month by month, consuming each month's revenue with the
    receivables at ``end``, counting whole months' days and the last part pro rata."""
    left = receivable_on(invoices, end)
    first = end.replace(day=1)
    for _i in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    monthly = revenue_by_month(invoices, first, end) if left > 0 else {}
    days = Decimal(0)
    month_end = end
    for _i in range(months):
        month_start = month_end.replace(day=1)
        revenue = monthly.get(month_start, Decimal(0))
        length = (month_end - month_start).days + 1
        if left <= 0:
            break
        if revenue <= 0 or left > revenue:
            days += length
            left -= max(revenue, Decimal(0))
        else:
            days += (left / revenue * length)
            left = Decimal(0)
        month_end = month_start - dt.timedelta(days=1)
    return days.quantize(Decimal("0.1"))


def _region_of(units: dict[Any, Any], regions: list[Any], unit_id: Any) -> Any:
    unit = units.get(unit_id)
    if unit is None:
        return None
    return next((r for r in regions if unit.path.startswith(r.path)), None)


def aging_report(invoices: Any, *, on: dt.date | None = None, by: str = "customer") -> list[dict[str, Any]]:
    """:func:`aging_rows` with a ``label`` per row, biggest total first within each currency. By region the
    rows of the customers' org units are summed into the region above them (from core's org-unit tree);
    customers without one fall under "no region" (label None)."""
    from django.contrib.auth import get_user_model

    from m2c.core.selectors import org_unit_list

    if by not in AGING_DIMENSIONS:
        raise ValueError(by)
    rows = aging_rows(invoices, on=on, by=by)
    keys = {row["key"] for row in rows} - {None}
    if by == "customer":
        names = dict(invoices.model.objects.filter(customer_id__in=keys).order_by()
                     .values_list("customer_id", "customer__legal_name").distinct())
        for row in rows:
            row["label"] = names.get(row["key"])
    elif by == "owner":
        users = {u.pk: u for u in get_user_model().objects.filter(pk__in=keys)}
        for row in rows:
            user = users.get(row["key"])
            row["label"] = str(user) if user else None
    else:
        units = {u.pk: u for u in org_unit_list()}
        regions = sorted((u for u in units.values() if u.type == "region"), key=lambda u: -len(u.path))
        merged: dict[tuple[str, Any], dict[str, Any]] = {}
        for row in rows:
            region = _region_of(units, regions, row["key"])
            key = (row["currency"], region.pk if region else None)
            into = merged.get(key)
            if into is None:
                merged[key] = {**row, "key": key[1], "label": str(region) if region else None}
                continue
            for field in (*BUCKET_LABELS, "disputed", "overdue", "total"):
                into[field] += row[field]
        rows = list(merged.values())
    rows.sort(key=lambda r: (r["currency"], -r["total"], str(r["label"] or "")))
    return rows


def in_region(queryset: Any, region_id: Any) -> Any:
    """Invoices or billing items of customers in the region's org-unit subtree (none for an unknown region)."""
    from m2c.core.selectors import org_unit_list

    region = org_unit_list().filter(pk=region_id).first()
    if region is None:
        return queryset.none()
    field = "customer" if queryset.model is Invoice else "contract__customer"
    return queryset.filter(**{f"{field}__org_unit__path__startswith": region.path})
