"""Campaign reads for this app's pages and for the apps that reference campaigns (leads, opportunities).

Other apps never query ``Campaign`` themselves: they ask here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from m2c.core.models import Role

from .models import Campaign, JourneyStage, MarketingBudget
from .states import ACCEPTS_RESPONSES


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("org_unit")


def campaign_get(*, campaign_id: Any) -> Campaign:
    """One campaign by id (404 when there is none)."""
    return get_object_or_404(campaign_list(), pk=campaign_id)


def campaign_by_code(code: str) -> Campaign | None:
    return Campaign.objects.filter(code=code).first()


def campaign_by_ref(ref: Any) -> Campaign | None:
    """A campaign by its code or its id, as channels name it; None when there is none."""
    key = str(ref).strip()
    if not key:
        return None
    found = Campaign.objects.filter(code=key).first()
    if found is None:
        try:
            found = Campaign.objects.filter(pk=uuid.UUID(key)).first()
        except ValueError:
            return None
    return found


def campaign_options(*, accepting_responses: bool = False) -> QuerySet[Campaign]:
    """Campaigns to choose from in a form, newest first; only those accepting responses when asked."""
    qs = Campaign.objects.all()
    if accepting_responses:
        qs = qs.filter(status__in=ACCEPTS_RESPONSES)
    return qs.order_by("-start_date", "code")


def campaign_offering_line_ids(*, campaign: Campaign) -> list[Any]:
    """The offering lines a campaign promotes (a lead that names none takes them)."""
    return list(campaign.offering_lines.order_by("code").values_list("pk", flat=True))


# --- the campaign pages ------------------------------------------------------------------------------

READERS = (Role.MARKETING, Role.EXECUTIVE)
PLANNERS = (Role.MARKETING,)


def campaign_can_read(user: Any) -> bool:
    """Marketing plans campaigns, executives follow them, administrators see everything; nobody else."""
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.has_role(Role.ADMINISTRATOR, *READERS)))


def campaign_can_plan(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.has_role(Role.ADMINISTRATOR, *PLANNERS)))


def campaign_search(*, search: str = "", status: str = "", level: str = "", journey_stage: str = "",
                    offering_line: str = "") -> QuerySet[Campaign]:
    """The campaign list as filtered on its page, newest first."""
    qs = campaign_list().prefetch_related("offering_lines").order_by("-start_date", "code")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    if journey_stage:
        qs = qs.filter(journey_stage=journey_stage)
    if offering_line:
        qs = qs.filter(offering_lines__code=offering_line).distinct()
    return qs


# --- budgets -----------------------------------------------------------------------------------------


def budget_options() -> QuerySet[MarketingBudget]:
    """Budgets a campaign can draw on, newest fiscal year first."""
    return MarketingBudget.objects.select_related("org_unit").order_by("-fiscal_year", "level", "name")


def budget_list(*, fiscal_year: int | None = None, level: str = "") -> QuerySet[MarketingBudget]:
    qs = budget_options().select_related("parent")
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    if level:
        qs = qs.filter(level=level)
    return qs


def budget_get(*, budget_id: Any) -> MarketingBudget:
    return get_object_or_404(budget_list(), pk=budget_id)


def budget_entries(budget: MarketingBudget) -> QuerySet[Any]:
    return budget.entries.select_related("campaign", "counterpart", "actor").order_by("-id")


# --- the year's plan ---------------------------------------------------------------------------------


PLAN_COLUMNS = ("id", "code", "name", "level", "journey_stage", "status", "start_date", "end_date",
                "committed_amount", "actual_spend", "currency")


def plan_campaigns(*, year: int, region: Any = None, offering_line: str = "") -> list[Campaign]:
    """Every campaign that runs in ``year`` (not cancelled), for the plan page; ``region`` keeps those of
    that unit's subtree (corporate campaigns, which have no region, stay: they belong to every plan)."""
    # Only the columns the plan shows: with 2,000 campaigns a year, building full rows with their org unit,
    # budget, parent and offering lines cost more than everything else on the page (docs/benchmarks.md).
    qs = (Campaign.objects.exclude(status="CANCELLED")
          .filter(start_date__year__lte=year, end_date__year__gte=year)
          .only(*PLAN_COLUMNS).order_by("start_date", "code"))
    if region is not None:
        qs = qs.filter(Q(org_unit__path__startswith=region.path) | Q(org_unit__isnull=True) | Q(level="corporate"))
    if offering_line:
        qs = qs.filter(offering_lines__code=offering_line).distinct()
    return list(qs)


# --- one journey: the next stage's campaign ----------------------------------------------------------

STAGE_ORDER = [s for s, _label in JourneyStage.choices]
UPCOMING = ("APPROVED", "PREPARING", "IN_EXECUTION")


def next_stage(stage: str) -> str | None:
    """The buyer-journey stage after ``stage`` (None after loyalty)."""
    index = STAGE_ORDER.index(stage) if stage in STAGE_ORDER else -1
    return STAGE_ORDER[index + 1] if 0 <= index < len(STAGE_ORDER) - 1 else None


def next_campaign_for(*, stage: str, offering_line_ids: list[Any], region: Any = None,
                      on: dt.date | None = None) -> Campaign | None:
    """The campaign to invite a nurtured lead or customer to next (issue 11 item 3): one of the next
    journey stage that has not ended, promotes one of its offering lines, runs in its region (its org unit's
    subtree) or at corporate level; the soonest first."""
    following = next_stage(stage)
    if following is None:
        return None
    on = on or timezone.localdate()
    qs = Campaign.objects.filter(journey_stage=following, status__in=UPCOMING, end_date__gte=on)
    if offering_line_ids:
        qs = qs.filter(offering_lines__in=list(offering_line_ids))
    if region is not None:
        qs = qs.filter(Q(level="corporate") | Q(org_unit__isnull=True) | Q(org_unit__path__startswith=region.path))
    return qs.select_related("org_unit").order_by("start_date", "code").distinct().first()


# --- the marketing asset library (asset_selectors.py; the enablement app reads assets through these) ---

from .asset_selectors import asset_get, asset_list  # noqa: E402, F401
