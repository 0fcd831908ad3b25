"""Bookings per registered partner and per campaign, for the channel manager's performance view (partners
app). Unscoped grouped aggregates: the partners app decides who may read them. Amounts are the contracts'
values in the reporting currency at the rate of their signing day (``total_reporting``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from ..models import Contract


def bookings_by_registered_partner(start: dt.date, end: dt.date) -> dict[Any, tuple[Decimal, int]]:
    """Registered partner id (``None``: no partner) → (value in the reporting currency, number) of the
    contracts signed from ``start`` to ``end``; the sum over all keys is every booking of the period."""
    rows = (Contract.objects.filter(signed_on__gte=start, signed_on__lte=end).order_by()
            .values_list("registered_partner_id").annotate(s=Sum("total_reporting"), n=Count("id")))
    return {partner: (total or Decimal(0), n) for partner, total, n in rows}


def bookings_of_campaigns(campaign_ids: Any, *, until: dt.date) -> dict[Any, Decimal]:
    """Campaign id → value in the reporting currency of the contracts it sourced signed by ``until``."""
    ids = list(campaign_ids)
    if not ids:
        return {}
    rows = (Contract.objects.filter(campaign_id__in=ids, signed_on__lte=until).order_by()
            .values_list("campaign_id").annotate(s=Sum("total_reporting")))
    return {campaign: total or Decimal(0) for campaign, total in rows}
