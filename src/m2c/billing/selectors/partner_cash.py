"""Cash collected on the contracts of registered partners, for the channel manager's performance view."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from ..models import Allocation


def collected_by_registered_partner(start: dt.date, end: dt.date) -> dict[Any, dict[str, Decimal]]:
    """Registered partner id → {invoice currency: cash applied from ``start`` to ``end``} on the invoices of
    contracts carrying that partner. One grouped query; credit notes are not cash (as ``collected_by_contract``)."""
    rows = (Allocation.objects.filter(allocated_on__gte=start, allocated_on__lte=end,
                                      invoice__contract__registered_partner_id__isnull=False).order_by()
            .values_list("invoice__contract__registered_partner_id", "invoice__currency")
            .annotate(s=Sum("invoice_amount")))
    found: dict[Any, dict[str, Decimal]] = defaultdict(dict)
    for partner, currency, amount in rows:
        found[partner][currency] = amount or Decimal(0)
    return dict(found)
