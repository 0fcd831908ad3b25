"""The channel manager's channel-wide performance view (issue 12 item 8; domain.md 8 and the KPIs of 9): one
row per partner for a period with its sourced pipeline, bookings, deal-registration funnel and conversion,
cash collected, MDF reimbursed and its ROI on pipeline and on bookings, incentives accrued and paid; the
totals and the partner-sourced revenue share; the ECharts specs of the page (``#page-charts``).

Definitions (one place, the page and the API say the same):

- period: this quarter, last quarter, this year or the last four quarters up to today's; the figures are
  valued "as of" its last day, or today when the period is not over.
- sourced pipeline: opportunities created in the period and still open (on hold included) that carry the
  partner as registered partner, or came from a lead it submitted or accepted when routed to it; valued in
  the reporting currency at the as-of rate.
- bookings: contracts signed in the period with the partner as ``registered_partner_id``, at the rate of
  their signing day; the share is partner bookings (of the partners shown) / all bookings of the period.
- registrations: those submitted in the period; approved (an approval date), converted (an opportunity),
  won; conversion = won / approved (domain.md 9).
- cash: cash applied in the period to the invoices of contracts carrying the partner.
- MDF: applications whose activity fell in the period; reimbursed = their reimbursed amounts; attributed
  pipeline and bookings = what the campaigns of those activities sourced (open pipeline now, contracts signed
  by the as-of day); ROI = attributed / reimbursed, both reported.
- incentives: accrued in the period (not cancelled), paid in the period (``paid_on``).

Every figure is a grouped aggregate (about a dozen queries whatever the number of partners). Other apps are
read through their selectors.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from m2c.core import fx

from .models import DealRegistration, IncentiveAccrual, LeadOffer, MdfApplication, Partner, TierType
from .performance import quarters
from .selectors import is_channel_manager, is_partner_user
from .states import OfferStatus, PartnerStatus, RegistrationStatus
from .states_channel import AccrualStatus, MdfStatus

PERIODS = {
    "this_quarter": gettext_lazy("This quarter"),
    "last_quarter": gettext_lazy("Last quarter"),
    "this_year": gettext_lazy("This year"),
    "last_4_quarters": gettext_lazy("Last four quarters"),
}
DEFAULT_PERIOD = "this_year"
SORTS = {
    "bookings": pgettext_lazy("performance", "Bookings"),
    "pipeline": gettext_lazy("Sourced pipeline"),
    "cash": gettext_lazy("Cash collected"),
    "conversion": gettext_lazy("Registration conversion"),
    "name": pgettext_lazy("sort", "Name"),
}
# Partners compared: working ones, and blacklisted ones (greyed) whose past figures still count.
SHOWN = (PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED, PartnerStatus.BLACKLISTED)
MDF_DONE = (MdfStatus.EXECUTED, MdfStatus.CLAIMED, MdfStatus.REIMBURSED)
CENT = Decimal("0.01")
MONEY = ("pipeline", "bookings", "cash", "mdf_reimbursed", "mdf_pipeline", "mdf_bookings", "accrued", "paid")
COUNTS = ("pipeline_count", "bookings_count", "submitted", "approved", "converted", "won")


def may_compare(user: Any) -> bool:
    """The view is the channel's: channel managers, administrators and read-all roles; never a partner user."""
    return bool(getattr(user, "is_authenticated", False) and not is_partner_user(user)
                and (is_channel_manager(user) or user.sees_everything))


def period_bounds(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of ``period`` (one of ``PERIODS``) around ``today``."""
    if period == "this_year":
        return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    if period == "last_4_quarters":
        found = quarters(today, 4)
        return found[0][1], found[-1][2]
    if period == "last_quarter":
        _label, start, end = quarters(today, 2)[0]
        return start, end
    _label, start, end = quarters(today, 1)[0]
    return start, end


def _ratio(numerator: Decimal | int, denominator: Decimal | int, scale: int = 1) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(CENT)


class _Rates:
    """The reporting-currency rates of one day (two queries), falling back to ``fx`` for a currency the
    table lacks (which raises when no rate exists: never a silent 1:1)."""

    def __init__(self, on: dt.date) -> None:
        self.on, self.reporting, self.table = on, fx.reporting_currency(), fx.rate_table(on)

    def __call__(self, amount: Decimal, currency: str) -> Decimal:
        if currency == self.reporting or not amount:
            return amount
        if currency not in self.table:
            self.table[currency] = fx.rate(currency, self.reporting, self.on)
        return amount * self.table[currency]


def _partners(tier: str, category: str, only: Any = None) -> list[Partner]:
    qs = Partner.objects.filter(pk=only) if only is not None else Partner.objects.filter(status__in=SHOWN)
    if tier or category:
        condition = Q()
        if tier:
            condition &= Q(tiers__tier=tier)
        if category:
            condition &= Q(tiers__product_category=category)
        qs = qs.filter(pk__in=Partner.objects.filter(condition).values("pk"))
    return list(qs.prefetch_related("tiers").order_by("legal_name"))


def categories() -> list[str]:
    """The product categories partners hold tiers in (the filter's choices)."""
    from .models import PartnerTier

    return list(PartnerTier.objects.order_by("product_category").values_list("product_category", flat=True).distinct())


def channel_performance(*, period: str = DEFAULT_PERIOD, tier: str = "", category: str = "", sort: str = "bookings",
                        today: dt.date | None = None, only: Any = None) -> dict[str, Any]:
    """The figures of every partner shown for ``period`` (see the module's definitions), their totals, the
    partner-sourced revenue share and the charts. Amounts are ``Decimal`` in the reporting currency.
    ``only``: one partner's id (any status), for its own page."""
    from m2c.billing.selectors.partner_cash import collected_by_registered_partner
    from m2c.contracts.selectors.partner_figures import bookings_by_registered_partner, bookings_of_campaigns
    from m2c.leads.selectors import partner_lead_conversions
    from m2c.opportunities.selectors.partner_pipeline import (
        open_pipeline_by_registered_partner,
        open_pipeline_of_campaigns,
        open_unregistered,
    )

    day = today or timezone.localdate()
    period = period if period in PERIODS else DEFAULT_PERIOD
    sort = sort if sort in SORTS else "bookings"
    start, end = period_bounds(period, day)
    as_of = min(end, day)
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    rate = _Rates(as_of)
    partners = _partners(tier, category, only)
    rows: dict[Any, dict[str, Any]] = {}
    for p in partners:
        tiers = [t for t in p.tiers.all() if not category or t.product_category == category]
        rows[p.pk] = {"partner": p, "id": p.pk, "code": p.code, "name": p.legal_name, "status": p.status,
                      "status_label": str(p.get_status_display()),
                      "tiers": [{"category": t.product_category, "tier": t.tier, "label": str(t.get_tier_display())}
                                for t in tiers],
                      **dict.fromkeys(MONEY, Decimal(0)), **dict.fromkeys(COUNTS, 0)}

    # Sourced pipeline: registered deals, then converted leads the partner submitted or accepted.
    for partner, currency, amount, n in open_pipeline_by_registered_partner(since, until):
        if partner in rows:
            rows[partner]["pipeline"] += rate(amount, currency)
            rows[partner]["pipeline_count"] += n
    routed = dict(LeadOffer.objects.filter(status=OfferStatus.ACCEPTED, partner_id__in=list(rows))
                  .values_list("lead_id", "partner_id"))
    by_opportunity = {opp: source or routed.get(lead) for lead, source, opp in partner_lead_conversions(list(routed))}
    for opp, currency, amount in open_unregistered(list(by_opportunity), since, until):
        partner = by_opportunity.get(opp)
        if partner in rows:
            rows[partner]["pipeline"] += rate(amount, currency)
            rows[partner]["pipeline_count"] += 1

    # Bookings of the period, every contract's too for the share.
    all_bookings = Decimal(0)
    for partner, (amount, n) in bookings_by_registered_partner(start, end).items():
        all_bookings += amount
        if partner in rows:
            rows[partner]["bookings"] += amount
            rows[partner]["bookings_count"] += n

    # Deal registrations submitted in the period: the funnel.
    for r in (DealRegistration.objects.filter(partner_id__in=list(rows), submitted_at__gte=since,
                                              submitted_at__lt=until).order_by().values("partner_id")
              .annotate(submitted=Count("id"), approved=Count("id", filter=Q(approved_at__isnull=False)),
                        converted=Count("id", filter=Q(opportunity__isnull=False)),
                        won=Count("id", filter=Q(status=RegistrationStatus.WON)))):
        for key in ("submitted", "approved", "converted", "won"):
            rows[r["partner_id"]][key] += r[key]

    # Cash collected in the period on its contracts.
    for partner, amounts in collected_by_registered_partner(start, end).items():
        if partner in rows:
            rows[partner]["cash"] += sum((rate(a, c) for c, a in amounts.items()), Decimal(0))

    # MDF activities of the period: reimbursed, and what their campaigns sourced.
    campaigns_of: dict[Any, set[Any]] = defaultdict(set)
    for partner, status, currency, reimbursed, campaign in MdfApplication.objects.filter(
            partner_id__in=list(rows), activity_date__gte=start, activity_date__lte=end,
            status__in=MDF_DONE).values_list("partner_id", "status", "currency", "reimbursed_amount", "campaign_id"):
        if status == MdfStatus.REIMBURSED and reimbursed:
            rows[partner]["mdf_reimbursed"] += rate(reimbursed, currency)
        if campaign is not None:
            campaigns_of[partner].add(campaign)
    all_campaigns = set().union(*campaigns_of.values()) if campaigns_of else set()
    campaign_pipeline: dict[Any, Decimal] = defaultdict(Decimal)
    for campaign, currency, amount in open_pipeline_of_campaigns(all_campaigns):
        campaign_pipeline[campaign] += rate(amount, currency)
    campaign_bookings = bookings_of_campaigns(all_campaigns, until=as_of)
    for partner, campaigns in campaigns_of.items():
        rows[partner]["mdf_pipeline"] = sum((campaign_pipeline.get(c, Decimal(0)) for c in campaigns), Decimal(0))
        rows[partner]["mdf_bookings"] = sum((campaign_bookings.get(c, Decimal(0)) for c in campaigns), Decimal(0))

    # Incentives accrued and paid in the period.
    for partner, amount, currency, created, status, paid_on in IncentiveAccrual.objects.filter(
            Q(created_at__gte=since, created_at__lt=until) | Q(paid_on__gte=start, paid_on__lte=end),
            partner_id__in=list(rows)).values_list("partner_id", "amount", "currency", "created_at", "status", "paid_on"):
        if since <= created < until and status != AccrualStatus.CANCELLED:
            rows[partner]["accrued"] += rate(amount, currency)
        if status == AccrualStatus.PAID and paid_on is not None and start <= paid_on <= end:
            rows[partner]["paid"] += rate(amount, currency)

    table = [_finish(row) for row in rows.values()]
    table.sort(key=_sort_key(sort))
    totals = _finish({**{k: sum((r[k] for r in table), Decimal(0)) for k in MONEY},
                      **{k: sum(r[k] for r in table) for k in COUNTS}})
    share = _ratio(totals["bookings"], all_bookings, 100)
    return {"period": period, "period_label": str(PERIODS[period]), "start": start, "end": end, "as_of": as_of,
            "tier": tier, "category": category, "sort": sort, "currency": rate.reporting, "rows": table,
            "totals": totals, "all_bookings": all_bookings.quantize(CENT), "share_pct": share,
            "charts": charts(table, totals)}


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    for key in MONEY:
        row[key] = Decimal(row[key]).quantize(CENT)
    row["conversion_pct"] = _ratio(row["won"], row["approved"], 100)
    row["mdf_roi_pipeline"] = _ratio(row["mdf_pipeline"], row["mdf_reimbursed"])
    row["mdf_roi_bookings"] = _ratio(row["mdf_bookings"], row["mdf_reimbursed"])
    return row


def _sort_key(sort: str) -> Any:
    if sort == "name":
        return lambda r: (r["status"] == PartnerStatus.BLACKLISTED, r["name"])
    field = {"bookings": "bookings", "pipeline": "pipeline", "cash": "cash", "conversion": "conversion_pct"}[sort]
    # Largest first, blacklisted partners last, then by name.
    return lambda r: (r["status"] == PartnerStatus.BLACKLISTED, -(r[field] if r[field] is not None else Decimal(-1)),
                      r["name"])


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT))


def charts(table: list[dict[str, Any]], totals: dict[str, Any], *, top: int = 12) -> dict[str, Any]:
    """Pipeline against bookings per partner, the registration funnel, MDF reimbursed against what it
    brought. Floats only here, for ECharts."""
    shown = [r for r in table if r["status"] != PartnerStatus.BLACKLISTED][:top]
    names = [r["name"] for r in shown]
    with_mdf = [r for r in table if r["mdf_reimbursed"] or r["mdf_pipeline"] or r["mdf_bookings"]][:top]
    found: dict[str, Any] = {
        "chart-pipeline-bookings": {"kind": "bar", "labels": names, "series": [
            {"name": _("Sourced pipeline"), "data": [_money(r["pipeline"]) for r in shown]},
            {"name": pgettext("performance", "Bookings"), "data": [_money(r["bookings"]) for r in shown]}]},
        "chart-registration-funnel": {"kind": "funnel", "left": "4%", "width": "62%", "data": [
            {"name": str(RegistrationStatus.SUBMITTED.label), "value": totals["submitted"]},
            {"name": str(RegistrationStatus.APPROVED.label), "value": totals["approved"]},
            {"name": str(RegistrationStatus.CONVERTED.label), "value": totals["converted"]},
            {"name": str(RegistrationStatus.WON.label), "value": totals["won"]}]},
        "chart-mdf-return": {"kind": "bar", "labels": [r["name"] for r in with_mdf], "series": [
            {"name": _("MDF reimbursed"), "data": [_money(r["mdf_reimbursed"]) for r in with_mdf]},
            {"name": _("Pipeline from MDF activities"), "data": [_money(r["mdf_pipeline"]) for r in with_mdf]},
            {"name": _("Bookings from MDF activities"), "data": [_money(r["mdf_bookings"]) for r in with_mdf]}]},
    }
    return found


def tier_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in TierType.choices]
