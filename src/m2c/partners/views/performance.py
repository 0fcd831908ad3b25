"""The channel manager's performance page: every partner of the channel side by side for a period."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import performance_channel as pc


@login_required
def channel_performance(request: HttpRequest) -> HttpResponse:
    """Refused (403) to partner users and to roles outside the channel; filters: period, tier, category, sort."""
    if not pc.may_compare(request.user):
        raise DjangoPermissionDenied
    categories = pc.categories()
    tier = request.GET.get("tier", "")
    category = request.GET.get("category", "")
    data = pc.channel_performance(
        period=request.GET.get("period", pc.DEFAULT_PERIOD), sort=request.GET.get("sort", "bookings"),
        tier=tier if tier in dict(pc.tier_choices()) else "", category=category if category in categories else "")
    context = {**data, "periods": [(k, str(v)) for k, v in pc.PERIODS.items()],
               "sorts": [(k, str(v)) for k, v in pc.SORTS.items()], "tiers": pc.tier_choices(),
               "categories": categories}
    return render(request, "partners/channel_performance.html", context)
