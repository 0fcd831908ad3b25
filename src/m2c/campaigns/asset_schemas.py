"""API schemas of the marketing asset library (``/api/v1/assets``). Enum class names are prefixed
``Asset`` so they stay unique in the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import Field

from m2c.core.schemas import InSchema, OutSchema, RefOut, UserRefOut, ref_out

from .models import (
    AssetLanguage,
    AssetStatus,
    AssetType,
    AssetVersion,
    CampaignAsset,
    JourneyStage,
    MarketingAsset,
)


class AssetFilterIn(InSchema):
    search: str | None = Field(None, max_length=100, description="Words of the title, summary or tags, in Chinese or English")
    offering_line: str | None = Field(None, max_length=40)
    journey_stage: JourneyStage | None = None
    language: AssetLanguage | None = None
    asset_type: AssetType | None = None
    status: AssetStatus | None = None
    expiring: bool = Field(False, description="Expired, or published and due for review within 30 days")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class AssetIn(InSchema):
    title: str = Field(..., max_length=200)
    title_en: str = Field("", max_length=200)
    summary: str = Field("", max_length=2000)
    summary_en: str = Field("", max_length=2000)
    tags: list[str] = Field(default_factory=list, max_length=30)
    asset_type: AssetType
    language: AssetLanguage
    offering_line: str = Field(..., max_length=40, description="Offering line code")
    journey_stage: JourneyStage
    owner: str | None = Field(None, max_length=150, description="Username; the caller when left out")
    review_due: dt.date


class AssetPatchIn(InSchema):
    title: str | None = Field(None, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=2000)
    summary_en: str | None = Field(None, max_length=2000)
    tags: list[str] | None = Field(None, max_length=30)
    asset_type: AssetType | None = None
    language: AssetLanguage | None = None
    offering_line: str | None = Field(None, max_length=40)
    journey_stage: JourneyStage | None = None
    owner: str | None = Field(None, max_length=150)
    review_due: dt.date | None = None
    expected_version: int | None = None


class AssetPublishIn(InSchema):
    review_due: dt.date | None = Field(None, description="The next review date (required when the old one has passed)")


class AssetReasonIn(InSchema):
    reason: str = Field(..., min_length=1, max_length=500)


class AssetLinkIn(InSchema):
    asset: uuid.UUID
    purpose: str = Field("", max_length=200)


class AssetVersionOut(OutSchema):
    number: int
    file_name: str
    size: int
    sha256: str
    note: str
    uploaded_by: str | None
    uploaded_at: dt.datetime
    download: str


class AssetOut(OutSchema):
    id: uuid.UUID
    title: str
    title_en: str
    summary: str
    summary_en: str
    tags: list[str]
    asset_type: AssetType
    language: AssetLanguage
    offering_line: RefOut
    journey_stage: JourneyStage
    owner: UserRefOut
    review_due: dt.date
    status: AssetStatus
    expiring: bool
    current_version: int
    published_at: dt.datetime | None
    version: int


class AssetDetailOut(AssetOut):
    versions: list[AssetVersionOut]
    campaigns: list[RefOut]


class CampaignAssetOut(OutSchema):
    asset: AssetOut
    purpose: str
    linked_at: dt.datetime


def version_out(version: AssetVersion) -> dict[str, Any]:
    return {"number": version.number, "file_name": version.file_name, "size": version.size, "sha256": version.sha256,
            "note": version.note, "uploaded_by": version.uploaded_by.username if version.uploaded_by_id else None,
            "uploaded_at": version.uploaded_at,
            "download": f"/api/v1/assets/{version.asset_id}/versions/{version.number}/file"}


def asset_out(asset: MarketingAsset, *, detail: bool = False) -> dict[str, Any]:
    from .asset_selectors import asset_campaigns, asset_is_expiring, asset_versions

    owner = asset.owner
    out = {
        "id": asset.pk, "title": asset.title, "title_en": asset.title_en, "summary": asset.summary,
        "summary_en": asset.summary_en, "tags": [t.strip() for t in asset.tags.split(",") if t.strip()],
        "asset_type": asset.asset_type, "language": asset.language, "offering_line": ref_out(asset.offering_line),
        "journey_stage": asset.journey_stage,
        "owner": {"id": owner.pk, "username": owner.username, "display_name": getattr(owner, "display_name", "") or ""},
        "review_due": asset.review_due, "status": asset.status, "expiring": asset_is_expiring(asset),
        "current_version": asset.current_version, "published_at": asset.published_at, "version": asset.version,
    }
    if detail:
        out["versions"] = [version_out(v) for v in asset_versions(asset)]
        out["campaigns"] = [ref_out(link.campaign, link.campaign.name) for link in asset_campaigns(asset)]
    return out


def campaign_asset_out(link: CampaignAsset) -> dict[str, Any]:
    return {"asset": asset_out(link.asset), "purpose": link.purpose, "linked_at": link.linked_at}
