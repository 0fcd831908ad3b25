"""The five flows of a contract and the finance workbench as JSON (the pages' figures, same selectors)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from m2c.contracts import selectors as contract_selectors
from m2c.core.errors import PermissionDenied
from m2c.core.models import Role
from m2c.core.schemas import ERRORS, OutSchema

from .. import selectors, services

router = Router(tags=["billing"])


class FiveFlowsOut(OutSchema):
    contract_id: uuid.UUID
    currency: str
    contract: Decimal
    delivered: Decimal
    accepted: Decimal
    invoiced: Decimal
    paid: Decimal
    billable: Decimal
    unbilled: Decimal
    disputed: Decimal
    delivered_not_accepted: Decimal
    accepted_not_invoiced: Decimal
    invoiced_not_paid: Decimal


class WorkbenchQueueOut(OutSchema):
    count: int
    totals: dict[str, Decimal]
    ids: list[uuid.UUID]


class WorkbenchOut(OutSchema):
    on: dt.date
    to_invoice: WorkbenchQueueOut
    overdue: WorkbenchQueueOut
    disputed: WorkbenchQueueOut
    unmatched: WorkbenchQueueOut


@router.get("/contracts/{contract_id}/flows", response={200: FiveFlowsOut, **ERRORS},
            summary="The five flows of a contract (contract, delivered, accepted, invoiced, paid) and their gaps")
def contract_flows(request: HttpRequest, contract_id: uuid.UUID):
    contract = contract_selectors.contract_get(user=request.user, contract_id=contract_id)
    if request.user.has_role(Role.MARKETING, Role.PARTNER) and not request.user.sees_everything:
        raise PermissionDenied(_("Your role has no access to invoices."))
    f = selectors.five_flows(contract)
    return {"contract_id": contract.pk, "currency": f.currency, "contract": f.contract, "delivered": f.delivered,
            "accepted": f.accepted, "invoiced": f.invoiced, "paid": f.paid, "billable": f.billable,
            "unbilled": f.unbilled, "disputed": f.disputed, "delivered_not_accepted": f.delivered_not_accepted,
            "accepted_not_invoiced": f.accepted_not_invoiced, "invoiced_not_paid": f.invoiced_not_paid}


@router.get("/billing/workbench", response={200: WorkbenchOut, **ERRORS},
            summary="Finance's queues today: to invoice (contract ids), overdue, disputed (invoice ids), unmatched "
                    "receipts")
def workbench(request: HttpRequest):
    if not selectors.sees_all_cash(request.user) or request.user.has_role(Role.PARTNER):
        raise PermissionDenied(_("Receipts are for finance."))
    bench = selectors.workbench()

    def queue(q, ids):
        return {"count": q.count, "totals": q.totals, "ids": ids}

    return {"on": bench.on,
            "to_invoice": queue(bench.to_invoice, [r["contract_id"] for r in bench.to_invoice.rows]),
            "overdue": queue(bench.overdue, [i.pk for i in bench.overdue.rows]),
            "disputed": queue(bench.disputed, [i.pk for i in bench.disputed.rows]),
            "unmatched": queue(bench.unmatched, [r.pk for r in bench.unmatched.rows])}


class PeriodicReleaseOut(OutSchema):
    created: int


@router.post("/billing/periodic-release", response={200: PeriodicReleaseOut, **ERRORS},
             summary="Release the ended periods of every periodic milestone now (finance; the worker does it too)")
def periodic_release(request: HttpRequest):
    return {"created": services.periodic_release(actor=request.user)}
