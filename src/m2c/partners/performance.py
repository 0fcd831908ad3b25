"""A partner's performance per quarter, for its page's charts (issue 12 item 8): registrations by state, the won
pipeline (contracts of its registered deals, and of deals it accrued incentives on), cash collected on them, incentives accrued against paid,
and MDF used against quota. Amounts are in the reporting currency. Reads other apps through their selectors."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import fx
from m2c.core.money import Money

from .models import DealRegistration, IncentiveAccrual, MdfApplication, MdfQuota, Partner
from .states import RegistrationStatus
from .states_channel import COMMITS_QUOTA, AccrualStatus

QUARTERS = 4
# The channel view's figures a partner's page repeats for its four quarters (``performance_channel``).
RATIOS = ("conversion_pct", "mdf_reimbursed", "mdf_pipeline", "mdf_bookings", "mdf_roi_pipeline", "mdf_roi_bookings")


def quarters(today: dt.date, count: int = QUARTERS) -> list[tuple[str, dt.date, dt.date]]:
    """The last ``count`` calendar quarters up to the one holding ``today``, oldest first: (label, start, end)."""
    year, q = today.year, (today.month - 1) // 3
    found = []
    for _i in range(count):
        start = dt.date(year, q * 3 + 1, 1)
        end = (dt.date(year + (q == 3), (q * 3 + 3) % 12 + 1, 1)) - dt.timedelta(days=1)
        found.append((f"{year} Q{q + 1}", start, end))
        year, q = (year - 1, 3) if q == 0 else (year, q - 1)
    return list(reversed(found))


def _reporting(amount: Decimal, currency: str, on: dt.date) -> Decimal:
    return fx.to_reporting(Money(amount, currency), on).amount if currency != fx.reporting_currency() else amount


def _index(periods: list[tuple[str, dt.date, dt.date]], day: dt.date | None) -> int | None:
    if day is None:
        return None
    for i, (_label, start, end) in enumerate(periods):
        if start <= day <= end:
            return i
    return None


def _money(values: list[Decimal]) -> list[float]:
    return [float(v.quantize(Decimal("0.01"))) for v in values]


def partner_performance(partner: Partner, *, today: dt.date | None = None) -> dict[str, Any]:
    """Figures per quarter and the ECharts specs of the partner page (``#page-charts``)."""
    from m2c.billing.selectors.collected import collected_by_contract
    from m2c.contracts import selectors as contract_selectors

    day = today or timezone.localdate()
    periods = quarters(day)
    labels = [label for label, _s, _e in periods]
    n = len(periods)
    # Registrations submitted in each quarter, by their state now.
    by_state: dict[str, list[int]] = defaultdict(lambda: [0] * n)
    for status, submitted in DealRegistration.objects.filter(partner=partner).values_list("status", "submitted_at"):
        i = _index(periods, timezone.localtime(submitted).date() if submitted else None)
        if i is not None:
            by_state[status][i] += 1
    state_labels = dict(RegistrationStatus.choices)
    # Won pipeline: the contracts of its registered deals, by signature quarter; cash collected on them.
    # Its contracts: those of deals it registered, and those it accrued incentives on.
    accrued_on = IncentiveAccrual.objects.filter(partner=partner).values_list("contract_id", flat=True).distinct()
    contracts = contract_selectors.contracts_of_partner(partner.pk, also=list(accrued_on))
    won = [Decimal(0)] * n
    for c in contracts:
        i = _index(periods, c["signed_on"])
        if i is not None:
            won[i] += c["total_reporting"] or Decimal(0)
    ids = [c["id"] for c in contracts]
    cash = [Decimal(0)] * n
    for i, (_label, start, end) in enumerate(periods):
        before = collected_by_contract(ids, on=start - dt.timedelta(days=1))
        for contract_id, (amount, currency) in collected_by_contract(ids, on=end).items():
            cash[i] += _reporting(amount - before.get(contract_id, (Decimal(0), currency))[0], currency, end)
    # Incentives accrued (not cancelled) by accrual quarter, against paid by payment quarter.
    accrued, paid = [Decimal(0)] * n, [Decimal(0)] * n
    for amount, currency, created, status, paid_on in IncentiveAccrual.objects.filter(partner=partner).values_list(
            "amount", "currency", "created_at", "status", "paid_on"):
        i = _index(periods, timezone.localtime(created).date())
        if i is not None and status != AccrualStatus.CANCELLED:
            accrued[i] += _reporting(amount, currency, day)
        j = _index(periods, paid_on) if status == AccrualStatus.PAID else None
        if j is not None:
            paid[j] += _reporting(amount, currency, day)
    # MDF: quota by the quarter its period starts in, against what approved applications of that quota commit.
    quota, used = [Decimal(0)] * n, [Decimal(0)] * n
    for q in MdfQuota.objects.filter(partner=partner):
        i = _index(periods, q.period_start)
        if i is None:
            continue
        quota[i] += _reporting(q.amount, q.currency, day)
        committed = MdfApplication.objects.filter(quota=q, status__in=COMMITS_QUOTA).aggregate(
            s=Sum("approved_amount"))["s"] or Decimal(0)
        used[i] += _reporting(committed, q.currency, day)
    # The channel view's ratios over the same four quarters: registration conversion, MDF ROI on both bases.
    from .performance_channel import channel_performance

    ratios = channel_performance(period="last_4_quarters", today=day, only=partner.pk)["rows"][0]
    figures = {"periods": labels, "registrations": dict(by_state), "won": won, "cash": cash,
               "accrued": accrued, "paid": paid, "mdf_quota": quota, "mdf_used": used,
               "registrations_approved": ratios["approved"], "registrations_won": ratios["won"],
               **{k: ratios[k] for k in RATIOS}}
    charts = {
        "chart-registrations": {"kind": "bar", "stacked": True, "labels": labels,
                                "series": [{"name": str(state_labels.get(s, s)), "data": by_state[s]}
                                           for s in RegistrationStatus.values if s in by_state]},
        "chart-won-cash": {"kind": "bar", "labels": labels,
                           "series": [{"name": _("Won pipeline"), "data": _money(won)},
                                      {"name": _("Cash collected"), "data": _money(cash)}]},
        "chart-incentives": {"kind": "bar", "labels": labels,
                             "series": [{"name": _("Incentives accrued"), "data": _money(accrued)},
                                        {"name": _("Incentives paid"), "data": _money(paid)}]},
        "chart-mdf": {"kind": "bar", "labels": labels,
                      "series": [{"name": _("MDF quota"), "data": _money(quota)},
                                 {"name": _("MDF used"), "data": _money(used)}]},
    }
    return {"figures": figures, "charts": charts, "currency": fx.reporting_currency()}
