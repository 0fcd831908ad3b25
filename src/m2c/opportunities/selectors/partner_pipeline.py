"""Open pipeline sourced by partners and by campaigns, for the channel manager's performance view (partners
app). Unscoped grouped aggregates in the deal currency; the caller converts with dated rates. "Open" is any
stage before a decision, on hold included (as ``campaign_outcomes``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from ..models import Opportunity
from ..states import OPEN_STAGES, Stage

OPEN = (*OPEN_STAGES, Stage.ON_HOLD)


def _created(qs: Any, start: dt.datetime | None, end: dt.datetime | None) -> Any:
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lt=end)
    return qs


def open_pipeline_by_registered_partner(start: dt.datetime | None = None, end: dt.datetime | None = None
                                        ) -> list[tuple[Any, str, Decimal, int]]:
    """(registered partner id, currency, open amount, number) of the open opportunities created from
    ``start`` (inclusive) to ``end`` (exclusive) that carry a registered partner."""
    qs = _created(Opportunity.objects.filter(stage__in=OPEN, registered_partner_id__isnull=False), start, end)
    return [(p, c, s or Decimal(0), n) for p, c, s, n in qs.order_by().values_list("registered_partner_id", "currency")
            .annotate(s=Sum("amount"), n=Count("id"))]


def open_unregistered(opportunity_ids: Any, start: dt.datetime | None = None, end: dt.datetime | None = None
                      ) -> list[tuple[Any, str, Decimal]]:
    """(id, currency, amount) of those of ``opportunity_ids`` (converted partner leads) that are open, were
    created from ``start`` to ``end`` and carry no registered partner (which would claim them first)."""
    ids = list(opportunity_ids)
    if not ids:
        return []
    qs = _created(Opportunity.objects.filter(pk__in=ids, stage__in=OPEN, registered_partner_id__isnull=True),
                  start, end)
    return list(qs.values_list("id", "currency", "amount"))


def open_pipeline_of_campaigns(campaign_ids: Any) -> list[tuple[Any, str, Decimal]]:
    """(campaign id, currency, open amount) of the opportunities the campaigns sourced."""
    ids = list(campaign_ids)
    if not ids:
        return []
    return [(c, cur, s or Decimal(0)) for c, cur, s in Opportunity.objects.filter(
        source_campaign_id__in=ids, stage__in=OPEN).order_by().values_list("source_campaign_id", "currency")
        .annotate(s=Sum("amount"))]
