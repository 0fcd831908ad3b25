"""Reads of the marketing asset library, for its pages, the API, the campaign page and the enablement app
(course materials link to assets through ``asset_list`` and ``asset_get``; they never query the tables).

Search reads ``MarketingAsset.search_text`` (title, summary and tags of both languages, NFKC-folded):
every word of the query must appear, so "园区 白皮书" or "campus wlan" narrows like a search box should.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import AssetStatus, CampaignAsset, MarketingAsset

EXPIRING_DAYS = 30  # "expiring": published and due for review within this many days


def fold(text: str | None) -> str:
    """Text as the search column stores it: NFKC (full-width → half-width), case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", str(text or "")).casefold().split())


def asset_list(*, search: str = "", offering_line: Any = "", journey_stage: str = "", language: str = "",
               asset_type: str = "", status: str = "", expiring: bool = False, published_only: bool = False,
               today: dt.date | None = None) -> QuerySet[MarketingAsset]:
    """The library filtered: ``offering_line`` by code or instance, ``expiring`` keeps published assets due
    for review within 30 days and those already expired; ``published_only`` is what sales and course
    materials may hand out."""
    qs = MarketingAsset.objects.select_related("offering_line", "owner")
    for word in fold(search).split()[:8]:
        qs = qs.filter(search_text__contains=word)
    if offering_line:
        qs = qs.filter(offering_line__code=offering_line) if isinstance(offering_line, str) else qs.filter(
            offering_line=offering_line)
    if journey_stage:
        qs = qs.filter(journey_stage=journey_stage)
    if language:
        qs = qs.filter(language=language)
    if asset_type:
        qs = qs.filter(asset_type=asset_type)
    if status:
        qs = qs.filter(status=status)
    if published_only:
        qs = qs.filter(status=AssetStatus.PUBLISHED)
    if expiring:
        horizon = (today or timezone.localdate()) + dt.timedelta(days=EXPIRING_DAYS)
        qs = qs.filter(Q(status=AssetStatus.EXPIRED) | Q(status=AssetStatus.PUBLISHED, review_due__lte=horizon))
    return qs.order_by("title", "pk")


def asset_get(*, asset_id: Any) -> MarketingAsset:
    """One asset by id (404 when there is none)."""
    return get_object_or_404(MarketingAsset.objects.select_related("offering_line", "owner"), pk=asset_id)


def asset_versions(asset: MarketingAsset) -> QuerySet[Any]:
    return asset.versions.select_related("uploaded_by").order_by("-number")


def asset_current_version(asset: MarketingAsset) -> Any:
    return asset.versions.filter(number=asset.current_version).first() if asset.current_version else None


def asset_is_expiring(asset: MarketingAsset, *, today: dt.date | None = None) -> bool:
    """Published and due for review within 30 days (the badge beside it)."""
    today = today or timezone.localdate()
    return asset.status == AssetStatus.PUBLISHED and asset.review_due <= today + dt.timedelta(days=EXPIRING_DAYS)


def campaign_asset_links(*, campaign: Any) -> QuerySet[CampaignAsset]:
    """The assets a campaign uses, for its page and the API."""
    return (CampaignAsset.objects.filter(campaign=campaign).select_related("asset__offering_line", "asset__owner",
                                                                           "linked_by").order_by("linked_at", "pk"))


def asset_campaigns(asset: MarketingAsset) -> QuerySet[CampaignAsset]:
    return asset.campaign_links.select_related("campaign").order_by("-campaign__start_date", "pk")


def asset_status_counts() -> dict[str, int]:
    return dict(MarketingAsset.objects.values("status").annotate(n=Count("id")).values_list("status", "n"))


def linkable_assets() -> QuerySet[MarketingAsset]:
    """Assets a campaign may start using (not expired, not retired)."""
    from .asset_states import LINKABLE

    return MarketingAsset.objects.filter(status__in=LINKABLE).order_by("title", "pk")
