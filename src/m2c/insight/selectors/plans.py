"""Reads of business and key-account plans, scoped by org unit (and, for accounts, the owner and the owners of
decision-chain contacts), with bookings read live from won deals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from m2c.campaigns.models import Campaign
from m2c.contracts.selectors.contracts import contract_margins_of_opportunities
from m2c.core import fx
from m2c.core.scoping import scope
from m2c.opportunities.selectors.deals import opportunity_queryset
from m2c.opportunities.states import OPEN_STAGES, Stage

from ..models import BusinessPlan, KeyAccountPlan

BUSINESS_PLAN_SCOPE = {"org_field": "org_unit", "owner_fields": ("owner",)}
ACCOUNT_SCOPE = {"org_field": "org_unit", "owner_fields": ("owner", "contacts__our_owner", "actions__owner")}


def period_range(period: str) -> tuple[dt.date, dt.date]:
    """``2026`` → 1 Jan–31 Dec 2026; ``2026Q3`` → 1 Jul–30 Sep 2026 (both ends inclusive)."""
    year = int(period[:4])
    if len(period) == 4:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    quarter = int(period[5])
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def business_plan_queryset(user: Any) -> QuerySet[BusinessPlan]:
    return scope(BusinessPlan.objects.all(), user, **BUSINESS_PLAN_SCOPE)


def business_plan_list(*, user: Any, period: str | None = None, offering_line: str | None = None) -> QuerySet:
    qs = business_plan_queryset(user).select_related("org_unit", "offering_line", "segment", "owner")
    if period:
        qs = qs.filter(period__startswith=period[:6])
    if offering_line:
        qs = qs.filter(offering_line__code=offering_line)
    return qs.order_by("-period", "org_unit__path", "offering_line__code", "id")


def business_plan_get(*, user: Any, plan_id: Any) -> BusinessPlan:
    return get_object_or_404(business_plan_queryset(user).select_related("org_unit", "offering_line", "segment",
                                                                          "owner"), pk=plan_id)


@dataclass
class PlanProgress:
    plan: BusinessPlan
    target: Decimal          # the revenue target in the reporting currency
    booked: Decimal          # won deals closed in the period, reporting currency
    pipeline: Decimal        # open deals expected to sign in the period, reporting currency
    won_count: int
    currency: str
    margin_target: Decimal = Decimal(0)   # revenue target × gross margin target %, reporting currency
    margin_booked: Decimal = Decimal(0)   # price − cost of the won deals' contracts, reporting currency
    margin_revenue: Decimal = Decimal(0)  # the price those margins come from, reporting currency
    margin_deals: int = 0                 # won deals whose contract gives price and cost

    @property
    def attainment_pct(self) -> Decimal | None:
        return (self.booked / self.target * 100).quantize(Decimal("0.1")) if self.target else None

    @property
    def margin_attainment_pct(self) -> Decimal | None:
        """Booked gross margin against the margin target (an amount), in per cent."""
        return (self.margin_booked / self.margin_target * 100).quantize(Decimal("0.1"), ROUND_HALF_UP) \
            if self.margin_target > 0 else None

    @property
    def booked_margin_pct(self) -> Decimal | None:
        """The gross margin % of what was booked (price − cost over price)."""
        return (self.margin_booked / self.margin_revenue * 100).quantize(Decimal("0.01"), ROUND_HALF_UP) \
            if self.margin_revenue > 0 else None

    @property
    def gap(self) -> Decimal:
        return max(self.target - self.booked, Decimal(0))


def _plan_deals(user: Any, plan: BusinessPlan) -> QuerySet:
    """The deals a plan counts: its offering line in its org subtree (and its segment's industry and size)."""
    qs = opportunity_queryset(user).filter(offering_line_id=plan.offering_line_id,
                                           org_unit__path__startswith=plan.org_unit.path)
    if plan.segment_id:
        qs = qs.filter(customer__industry=plan.segment.industry)
        if plan.segment.customer_tier:
            qs = qs.filter(customer__tier=plan.segment.customer_tier)
    return qs


def business_plan_progress(*, user: Any, plan: BusinessPlan) -> PlanProgress:
    """Bookings are the won deals closed in the period (``amount_reporting``, the deal's own snapshot in the
    reporting currency); the target is converted with the rate of the period's last day (or today if sooner)."""
    start, end = period_range(plan.period)
    tz = timezone.get_current_timezone()
    deals = _plan_deals(user, plan)
    won = deals.filter(stage=Stage.WON, closed_at__gte=dt.datetime.combine(start, dt.time.min, tz),
                       closed_at__lte=dt.datetime.combine(end, dt.time.max, tz))
    booked = won.aggregate(s=Sum("amount_reporting"))["s"] or Decimal(0)
    pipeline = deals.filter(stage__in=OPEN_STAGES, expected_sign_date__range=(start, end)).aggregate(
        s=Sum("amount_reporting"))["s"] or Decimal(0)
    on = min(end, timezone.localdate())
    reporting = fx.reporting_currency()
    target = (plan.revenue_target * fx.rate(plan.currency, reporting, on)).quantize(CENT)
    margin = _booked_margin(dict(won.values_list("pk", "closed_at")), reporting)
    return PlanProgress(plan=plan, target=target, booked=booked, pipeline=pipeline, won_count=won.count(),
                        currency=reporting,
                        margin_target=(target * plan.margin_target_pct / 100).quantize(CENT, ROUND_HALF_UP),
                        **margin)


CENT = Decimal("0.01")


def _booked_margin(closed: dict[Any, dt.datetime], reporting: str) -> dict[str, Any]:
    """Gross margin of the won deals, live: each deal's contract (registered from its ATC-approved quote) gives
    price and cost in the contract currency; price − cost is converted at the dated rate of the day the deal
    was won, rounded to the fen per deal, then summed. A won deal without a contract has no cost to count."""
    margin = revenue = Decimal(0)
    deals = 0
    for row in contract_margins_of_opportunities(closed):
        day = timezone.localdate(closed[row["opportunity_id"]])
        rate = fx.rate(row["currency"], reporting, day)
        margin += ((row["total_value"] - row["total_cost"]) * rate).quantize(CENT, ROUND_HALF_UP)
        revenue += (row["total_value"] * rate).quantize(CENT, ROUND_HALF_UP)
        deals += 1
    return {"margin_booked": margin, "margin_revenue": revenue, "margin_deals": deals}


def key_account_queryset(user: Any) -> QuerySet[KeyAccountPlan]:
    return scope(KeyAccountPlan.objects.all(), user, **ACCOUNT_SCOPE).distinct()


def key_account_list(*, user: Any, year: int | None = None, search: str | None = None) -> QuerySet[KeyAccountPlan]:
    qs = key_account_queryset(user).select_related("customer", "owner")
    if year:
        qs = qs.filter(year=year)
    if search:
        qs = qs.filter(customer__legal_name__icontains=search.strip())
    return qs.order_by("-year", "customer__legal_name", "id")


def key_account_get(*, user: Any, plan_id: Any) -> KeyAccountPlan:
    return get_object_or_404(key_account_queryset(user).select_related("customer", "owner", "org_unit"), pk=plan_id)


def key_account_detail(*, user: Any, plan: KeyAccountPlan) -> dict[str, Any]:
    """The plan's decision chain (as a tree by ``reports_to``), its planned campaigns and deals (the deals the
    reader may see), its actions and the account's bookings this year against the goal."""
    contacts = list(plan.contacts.select_related("our_owner", "contact").order_by("created_at"))
    children: dict[Any, list[Any]] = {}
    for c in contacts:
        children.setdefault(c.reports_to_id, []).append(c)

    def tree(parent: Any, depth: int) -> list[tuple[int, Any]]:
        rows = []
        for c in children.get(parent, []):
            rows.append((depth, c))
            rows.extend(tree(c.pk, depth + 1))
        return rows

    visible = set(opportunity_queryset(user).filter(customer_id=plan.customer_id).values_list("pk", flat=True))
    links = list(plan.links.select_related("campaign", "opportunity").order_by("created_at"))
    deals = [link for link in links if link.opportunity_id and link.opportunity_id in visible]
    won = opportunity_queryset(user).filter(customer_id=plan.customer_id, stage=Stage.WON, closed_at__year=plan.year)
    booked = won.aggregate(s=Sum("amount_reporting"))["s"] or Decimal(0)
    goal = plan.revenue_goal * fx.rate(plan.currency, fx.reporting_currency(), timezone.localdate())
    return {
        "chain": tree(None, 0), "contacts": contacts,
        "campaigns": [link for link in links if link.campaign_id], "deals": deals,
        "actions": list(plan.actions.select_related("owner").order_by("done_on", "due_on", "created_at")),
        "booked": booked, "goal": goal.quantize(Decimal("0.01")), "currency": fx.reporting_currency(),
    }


def key_account_linkable(*, user: Any, plan: KeyAccountPlan) -> dict[str, list[Any]]:
    deals = list(opportunity_queryset(user).filter(customer_id=plan.customer_id).exclude(
        pk__in=plan.links.exclude(opportunity=None).values("opportunity_id")).order_by("name")[:100])
    campaigns = list(Campaign.objects.exclude(pk__in=plan.links.exclude(campaign=None).values("campaign_id"))
                     .order_by("-created_at")[:100])
    return {"deals": deals, "campaigns": campaigns}
