"""Cash collected per contract, for the reports that follow money back to its source (campaign ROI)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from ..models import Allocation


def collected_by_contract(contract_ids: list[Any], *, on: dt.date | None = None) -> dict[Any, tuple[Decimal, str]]:
    """Contract id → (cash applied to its invoices by ``on``, the invoices' currency). Credit notes are not
    cash; a refund of an unapplied remainder never touched an invoice, so it is not counted either."""
    if not contract_ids:
        return {}
    qs = Allocation.objects.filter(invoice__contract_id__in=contract_ids)
    if on is not None:
        qs = qs.filter(allocated_on__lte=on)
    rows = qs.values("invoice__contract_id", "invoice__currency").annotate(s=Sum("invoice_amount")).order_by()
    return {row["invoice__contract_id"]: (row["s"] or Decimal(0), row["invoice__currency"]) for row in rows}


def invoice_states_by_contract(contract_ids: list[Any]) -> dict[Any, dict[str, Any]]:
    """Contract id → its invoices that carry money (not cancelled): how many, how many PAID, their amount, the
    cash applied to them (``collected``) and what credit notes took off them (``credited``), in the invoices'
    ``currency``, for rules that pay on collected cash only (partner incentives).

    A credit note reduces only an invoice's open amount and cash is never applied beyond total − credited, so
    ``collected`` is already net of credit notes: what the customer paid, never what was credited."""
    from django.db.models import Count, Max, Q

    from ..models import Invoice
    from ..states import InvoiceStatus

    if not contract_ids:
        return {}
    rows = (Invoice.objects.filter(contract_id__in=contract_ids).exclude(status=InvoiceStatus.CANCELLED)
            .values("contract_id").annotate(n=Count("id"), n_paid=Count("id", filter=Q(status=InvoiceStatus.PAID)),
                                            amount=Sum("total"), collected=Sum("paid"), credited=Sum("credited"),
                                            currency=Max("currency")).order_by())
    return {row["contract_id"]: {"invoices": row["n"], "paid": row["n_paid"], "amount": row["amount"] or Decimal(0),
                                 "collected": row["collected"] or Decimal(0), "credited": row["credited"] or Decimal(0),
                                 "currency": row["currency"]}
            for row in rows}
