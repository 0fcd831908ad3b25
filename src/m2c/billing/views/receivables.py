"""The receivables page: aging by customer, region or owner (table, stacked chart, Excel export), the cash
KPI tiles of domain.md 9 and a twelve-month DSO trend. Scoped like the invoice list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core.exports import XLSX, Column, export_response

from .. import selectors
from ..forms import ReceivablesFilterForm
from ._common import allowed

BUCKET_NAMES = {"not_due": gettext_lazy("Not due"), "1-30": gettext_lazy("1–30 days"), "31-60": gettext_lazy("31–60 days"),
                "61-90": gettext_lazy("61–90 days"), "91-180": gettext_lazy("91–180 days"), "181-365": gettext_lazy("181–365 days"),
                ">365": gettext_lazy("Over 365 days")}
GROUP_NAMES = {"customer": gettext_lazy("Customer"), "region": gettext_lazy("Region"), "owner": gettext_lazy("Contract owner")}


def _params(request: HttpRequest) -> tuple[ReceivablesFilterForm, dict[str, Any]]:
    form = ReceivablesFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    on = data.get("on") or timezone.localdate()
    start = data.get("start") or (on - dt.timedelta(days=89))
    if start > on:
        start = on
    return form, {"by": data.get("by") or "customer", "on": on, "start": start, "region": data.get("region") or None}


def _scoped(request: HttpRequest, params: dict[str, Any]) -> tuple[Any, Any]:
    invoices = selectors.invoice_queryset(request.user)
    items = selectors.billing_item_queryset(request.user)
    if params["region"]:
        invoices = selectors.in_region(invoices, params["region"])
        items = selectors.in_region(items, params["region"])
    return invoices, items


def _label(row: dict[str, Any]) -> str:
    return str(row["label"]) if row["label"] else _("(none)")


@login_required
def receivables(request: HttpRequest) -> HttpResponse:
    allowed(request)
    form, params = _params(request)
    invoices, items = _scoped(request, params)
    rows = selectors.aging_report(invoices, on=params["on"], by=params["by"])
    for row in rows:
        row["name"] = _label(row)
        row["cells"] = [row[b] for b in selectors.BUCKET_LABELS]
    kpis = selectors.cash_kpis(invoices, items, start=params["start"], end=params["on"])
    currencies = sorted({row["currency"] for row in rows} | {k.currency for k in kpis})
    currency = "CNY" if "CNY" in currencies else (currencies[0] if currencies else "CNY")
    chart_rows = [row for row in rows if row["currency"] == currency][:15]
    trend = selectors.dso_trend(invoices.filter(currency=currency), params["on"])
    chart = {
        "currency": currency,
        "groups": [row["name"] for row in chart_rows],
        "buckets": [str(BUCKET_NAMES[b]) for b in selectors.BUCKET_LABELS] + [_("Disputed")],
        "values": [[float(row[b]) for row in chart_rows] for b in (*selectors.BUCKET_LABELS, "disputed")],
        "months": [start.strftime("%Y-%m") for start, _v in trend],
        "dso": [float(v) if v is not None else None for _s, v in trend],
        "dso_label": _("DSO (days)"),
    }
    query = request.GET.urlencode()
    return render(request, "billing/receivables.html", {
        "form": form, "params": params, "rows": rows, "kpis": kpis, "chart": chart, "query": query,
        "bucket_names": [BUCKET_NAMES[b] for b in selectors.BUCKET_LABELS],
        "group_name": GROUP_NAMES[params["by"]], "currency": currency,
        "sla": selectors.BILLING_SLA_WORKING_DAYS,
    })


def _cell(name: str) -> Column:
    return Column(BUCKET_NAMES.get(name) or name, lambda row: row[name])


@login_required
def receivables_export(request: HttpRequest) -> HttpResponse:
    """The aging table as an Excel sheet (the page's filters apply)."""
    allowed(request)
    _form, params = _params(request)
    invoices, _items = _scoped(request, params)
    rows = selectors.aging_report(invoices, on=params["on"], by=params["by"])
    for row in rows:
        row["name"] = _label(row)
    columns = [Column(GROUP_NAMES[params["by"]], lambda row: row["name"]),
               Column(gettext_lazy("Currency"), lambda row: row["currency"]),
               *[_cell(b) for b in selectors.BUCKET_LABELS],
               Column(gettext_lazy("Disputed"), lambda row: row["disputed"]),
               Column(gettext_lazy("Overdue"), lambda row: row["overdue"]),
               Column(gettext_lazy("Open receivables"), lambda row: row["total"])]
    return export_response(rows=rows, columns=columns, filename=f"aging-{params['on']:%Y%m%d}", format=XLSX)
