"""What the home page shows each role: panels of work and figures, read through the apps' selectors.

A user with several roles gets each role's panel. Figures whose meaning lies in a shape (a stage
funnel, a month-by-month curve, a split of good and bad leads) come with an ECharts chart; the chart's
data travels as JSON (``json_script``) and ``static/web/home.js`` draws it, so no inline script is needed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.campaigns import selectors as campaign_selectors
from m2c.core.models import Role
from m2c.customers import selectors as customer_selectors
from m2c.leads import selectors as lead_selectors
from m2c.leads.states import VALID, LeadStatus
from m2c.opportunities import selectors as opportunity_selectors
from m2c.opportunities.states import OPEN_STAGES, ReviewStatus, Stage
from m2c.partners import selectors as partner_selectors

from . import navigation

ZERO = Decimal(0)


def _amount(value: Any) -> str:
    """A chart value: the Decimal as text (ECharts parses it); money never passes through a float here."""
    return str((value or ZERO).quantize(Decimal("0.01")))


def _has(user: Any, *roles: str) -> bool:
    return bool(user.is_superuser or user.has_role(Role.ADMINISTRATOR, *roles))


def roles_of(user: Any) -> list[str]:
    """The labels of the user's roles, in the order of the role list."""
    return [str(label) for value, label in Role.choices if value in user.roles]


def my_work(user: Any) -> dict[str, Any]:
    """The counters at the top: what waits for this user today."""
    mine = lead_selectors.my_leads(user=user)
    now = timezone.now()
    deals = opportunity_selectors.opportunity_queryset(user).filter(owner=user, stage__in=OPEN_STAGES)
    return {
        "show_leads": _has(user, Role.AR, Role.SR, Role.MARKETING) or bool(mine["to_accept"] or mine["working"]),
        "leads_to_accept": len(mine["to_accept"]),
        "leads_overdue": sum(1 for lead in mine["to_accept"] if lead.accept_due_at and lead.accept_due_at < now),
        "leads_working": len(mine["working"]),
        "leads_due": len(mine["due"]),
        "leads_stale": len(mine["stale"]),
        "to_accept_list": mine["to_accept"][:5],
        "approvals": opportunity_selectors.inbox_count(user) if navigation.can_use(user, "opportunities-inbox") else 0,
        "show_approvals": navigation.can_use(user, "opportunities-inbox"),
        "my_deals": deals.count(),
        "show_deals": _has(user, Role.AR, Role.SR, Role.FR) or deals.exists(),
    }


def marketing(user: Any) -> dict[str, Any]:
    """Campaigns and their valid leads, responses still to settle, and the quality of what came in."""
    today = timezone.localdate()
    campaigns = []
    for campaign in campaign_selectors.campaign_list().filter(end_date__gte=today - dt.timedelta(days=90)).order_by(
            "end_date")[:6]:
        outcome = lead_selectors.campaign_lead_outcomes(campaign=campaign)
        campaigns.append(outcome)
    counts = lead_selectors.status_counts(user=user)
    valid = sum(n for status, n in counts.items() if status in VALID)
    quality = [
        (_("Valid"), valid),
        (str(LeadStatus.INVALID.label), counts.get(LeadStatus.INVALID, 0)),
        (str(LeadStatus.DUPLICATE.label), counts.get(LeadStatus.DUPLICATE, 0)),
        (_("Still being checked"), counts.get(LeadStatus.NEW, 0) + counts.get(LeadStatus.VALIDATING, 0)),
    ]
    return {
        "campaigns": campaigns,
        "to_review": lead_selectors.review_list(user=user).count(),
        "to_settle": counts.get(LeadStatus.NEW, 0) + counts.get(LeadStatus.VALIDATING, 0),
        "invalid": counts.get(LeadStatus.INVALID, 0),
        "chart": {"kind": "donut", "title": _("Lead quality"),
                  "data": [{"name": str(name), "value": n} for name, n in quality]},
    }


def account(user: Any) -> dict[str, Any]:
    """An AR's deals by stage and the gate reviews of their deals that are still open."""
    deals = opportunity_selectors.opportunity_queryset(user).filter(owner=user, stage__in=OPEN_STAGES)
    by_stage = dict(deals.values("stage").annotate(total=Sum("amount_reporting")).values_list("stage", "total"))
    counts = dict(deals.values("stage").annotate(n=Count("id")).values_list("stage", "n"))
    reviews = (opportunity_selectors.review_queryset(user)
               .filter(opportunity__owner=user, status__in=[ReviewStatus.DRAFT, ReviewStatus.SUBMITTED,
                                                            ReviewStatus.IN_REVIEW])
               .select_related("opportunity").order_by("created_at")[:8])
    return {
        "reviews": list(reviews),
        "next_deals": list(deals.exclude(expected_sign_date=None).order_by("expected_sign_date")[:5]),
        "chart": {"kind": "bar", "title": _("Your open deals by stage (reporting currency)"),
                  "labels": [str(Stage(s).label) for s in OPEN_STAGES],
                  "series": [{"name": _("Amount"), "data": [_amount(by_stage.get(s)) for s in OPEN_STAGES]}],
                  "counts": [counts.get(s, 0) for s in OPEN_STAGES]},
    }


def _month(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def finance(user: Any) -> dict[str, Any]:
    """What will need invoicing and collecting.

    Contracts do not exist yet, so won deals stand for signed ones: each is to be invoiced from the
    month it was won; open deals in negotiation are shown by their expected sign month, weighted by
    their probability, as what comes next.
    """
    visible = opportunity_selectors.opportunity_queryset(user)
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=93)).replace(day=1)
    months = []
    cursor = start
    for _i in range(9):
        months.append(_month(cursor))
        cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    won_by_month: dict[str, Decimal] = defaultdict(lambda: ZERO)
    won = visible.filter(stage=Stage.WON).select_related("customer").order_by("-closed_at")
    for opp in won.filter(Q(closed_at__date__gte=start) | Q(closed_at=None, expected_sign_date__gte=start)):
        day = timezone.localtime(opp.closed_at).date() if opp.closed_at else opp.expected_sign_date
        won_by_month[_month(day)] += opp.amount_reporting or ZERO
    coming: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for opp in visible.filter(stage=Stage.O4_NEGOTIATE, expected_sign_date__gte=start):
        coming[_month(opp.expected_sign_date)] += (opp.amount_reporting or ZERO) * opp.probability / 100
    return {
        "won": list(won[:8]),
        "won_total": sum(won_by_month.values(), ZERO),
        "chart": {"kind": "bar", "title": _("To invoice by month (reporting currency)"), "stacked": True,
                  "labels": months,
                  "series": [{"name": _("Won, to invoice"), "data": [_amount(won_by_month.get(m)) for m in months]},
                             {"name": _("In negotiation, weighted"), "data": [_amount(coming.get(m)) for m in months]}]},
    }


def decision(user: Any) -> dict[str, Any]:
    """The reviews, discounts and conditions waiting for a decision-team member."""
    waiting = opportunity_selectors.inbox(user=user)
    return {"reviews": waiting["reviews"][:8], "unassigned": waiting["unassigned"][:8],
            "quotes": waiting["quotes"][:8], "conditions": waiting["conditions"][:8]}


def pipeline(user: Any) -> dict[str, Any]:
    """The whole visible pipeline by stage, for executives and administrators."""
    visible = opportunity_selectors.opportunity_queryset(user).filter(stage__in=OPEN_STAGES)
    by_stage = dict(visible.values("stage").annotate(total=Sum("amount_reporting")).values_list("stage", "total"))
    return {"chart": {"kind": "funnel", "title": _("Open pipeline by stage (reporting currency)"),
                      "data": [{"name": str(Stage(s).label), "value": _amount(by_stage.get(s))} for s in OPEN_STAGES]}}


def partner(user: Any) -> dict[str, Any]:
    """A partner user's own submissions: leads their partner sent and the deals registered to it."""
    counts = lead_selectors.status_counts(user=user)
    return {"lead_counts": [(str(LeadStatus(s).label), n) for s, n in sorted(counts.items())],
            "leads": sum(counts.values()),
            "deals": opportunity_selectors.opportunity_queryset(user).filter(stage__in=OPEN_STAGES).count(),
            "registrations": partner_selectors.registration_queryset(user).filter(
                status__in=["UNDER_REVIEW", "APPROVED", "CONVERTED"]).count(),
            "offers": partner_selectors.offer_queryset(user).filter(status="OFFERED").count()}


def customers(user: Any) -> dict[str, Any]:
    visible = customer_selectors.customer_queryset(user)
    return {"customer_count": visible.count(), "my_customer_count": visible.filter(ar_owner=user).count(),
            "blocked_count": visible.filter(compliance_status="blocked").count()}


def build(user: Any) -> dict[str, Any]:
    """Every panel this user's roles call for, with the chart specs keyed by element id."""
    context: dict[str, Any] = {"role_labels": roles_of(user), "work": my_work(user), "charts": {}}
    internal = not (user.has_role(Role.PARTNER) and not user.sees_everything)
    if _has(user, Role.MARKETING):
        context["marketing"] = marketing(user)
        context["charts"]["chart-lead-quality"] = context["marketing"]["chart"]
    if _has(user, Role.AR, Role.SR):
        context["account"] = account(user)
        context["charts"]["chart-my-deals"] = context["account"]["chart"]
    if _has(user, Role.FINANCE):
        context["finance"] = finance(user)
        context["charts"]["chart-invoicing"] = context["finance"]["chart"]
    if _has(user, Role.DECISION_TEAM):
        context["decision"] = decision(user)
    if user.sees_everything:
        context["pipeline"] = pipeline(user)
        context["charts"]["chart-pipeline"] = context["pipeline"]["chart"]
    if not internal:
        context["partner"] = partner(user)
    else:
        context["customers"] = customers(user)
    context["links"] = {key.replace("-", "_"): navigation.can_use(user, key) for key in
                        ("leads-mine", "leads-review", "leads-import", "opportunities-inbox", "opportunities-reports",
                         "customers", "insight")}
    context["review_url"] = reverse("leads:review")
    return context
