"""The five flows of a contract on one page, and the finance workbench (issue 10 item 9)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from m2c.contracts import selectors as contract_selectors

from .. import selectors
from ._common import allowed, finance_only


def flow_labels() -> dict[str, str]:
    return {"contract": _("Contract"), "delivery": pgettext("five flows", "Delivered"),
            "acceptance": pgettext("five flows", "Accepted"), "invoicing": pgettext("five flows", "Invoiced"),
            "cash": pgettext("five flows", "Collected"),
            "delivered_not_accepted": _("Delivered, not accepted"),
            "accepted_not_invoiced": _("Accepted, not invoiced"), "invoiced_not_paid": _("Invoiced, not paid")}


@login_required
def contract_flows(request: HttpRequest, contract_id: Any) -> HttpResponse:
    """Contract, delivery, acceptance, invoicing and cash of one contract, with the gaps between them."""
    allowed(request)
    contract = contract_selectors.contract_get(user=request.user, contract_id=contract_id)
    flows = selectors.five_flows(contract)
    labels = flow_labels()
    chart = {
        "currency": flows.currency,
        "flows": [labels[k] for k, _v in flows.flows()], "values": [str(v) for _k, v in flows.flows()],
        "gaps": [labels[k] for k, _v in flows.gaps()], "gap_values": [str(v) for _k, v in flows.gaps()],
        "series": [_("Amount"), _("Gap")],
    }
    context = {"contract": contract, "flows": flows, "chart": chart,
               "rows": [(k, labels[k], v) for k, v in flows.flows()],
               "gaps": [(k, labels[k], v) for k, v in flows.gaps()]}
    return render(request, "billing/contract_flows.html", context)


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """What finance does today: invoice, chase the overdue, settle disputes, match receipts."""
    finance_only(request)
    bench = selectors.workbench()
    labels = {"to_invoice": _("To invoice"), "overdue": _("Overdue"), "disputed": _("Disputed"),
              "unmatched": _("Unmatched receipts")}
    chart = {"queues": [labels[k] for k, _q in bench.queues()], "counts": [q.count for _k, q in bench.queues()],
             "series": _("Count")}
    return render(request, "billing/workbench.html", {"bench": bench, "labels": labels, "chart": chart})
