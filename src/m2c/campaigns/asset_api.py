"""The marketing asset library's API under /api/v1: list and search, get, create, change, upload a version,
download a version, and one endpoint per move (submit, publish, return, retire); a campaign's assets.

Readers are those of campaigns (marketing, executives, administrators); writers are marketing and
administrators, checked by the services. Mounted on the campaigns router (``campaigns/api.py``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from m2c.core import events as core_events
from m2c.core.errors import NotFound, ValidationFailed
from m2c.core.models import User
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, EventOut, Page
from m2c.core.selectors import offering_line_list

from . import asset_selectors as selectors
from . import services
from .asset_schemas import (
    AssetDetailOut,
    AssetFilterIn,
    AssetIn,
    AssetLinkIn,
    AssetOut,
    AssetPatchIn,
    AssetPublishIn,
    AssetReasonIn,
    AssetVersionOut,
    CampaignAssetOut,
    asset_out,
    campaign_asset_out,
    version_out,
)
from .models import MarketingAsset

router = Router(tags=["assets"])


def _read(request: HttpRequest) -> None:
    from .api import _read as campaign_read

    campaign_read(request)


def _asset(request: HttpRequest, asset_id: uuid.UUID) -> MarketingAsset:
    _read(request)
    found = MarketingAsset.objects.select_related("offering_line", "owner").filter(pk=asset_id).first()
    if found is None:
        raise NotFound()
    return found


def _refs(data: dict[str, Any], request: HttpRequest) -> dict[str, Any]:
    """Codes and usernames of the request as records; an unknown one is named."""
    if data.get("offering_line") is not None:
        line = offering_line_list().filter(code=data["offering_line"]).first()
        if line is None:
            raise ValidationFailed(_("Unknown offering line."), field="offering_line")
        data["offering_line"] = line
    if "owner" in data:
        if data["owner"] is None:
            data["owner"] = request.user
        else:
            owner = User.objects.filter(username=data["owner"], is_active=True).first()
            if owner is None:
                raise ValidationFailed(_("Choose an active user as owner."), field="owner")
            data["owner"] = owner
    if data.get("tags") is not None:
        data["tags"] = ", ".join(data["tags"])
    return data


@router.get("/assets", response={200: Page[AssetOut], **ERRORS}, summary="List and search marketing assets")
def list_assets(request: HttpRequest, filters: Query[AssetFilterIn]):
    _read(request)
    qs = selectors.asset_list(search=filters.search or "", offering_line=filters.offering_line or "",
                              journey_stage=filters.journey_stage or "", language=filters.language or "",
                              asset_type=filters.asset_type or "", status=filters.status or "",
                              expiring=filters.expiring)
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=asset_out)


@router.post("/assets", response={201: AssetDetailOut, **ERRORS}, summary="Create a marketing asset (DRAFT)")
def create_asset(request: HttpRequest, payload: AssetIn):
    _read(request)
    data = _refs(payload.dict(), request)
    asset = services.asset_create(actor=request.user, **data)
    return Status(201, asset_out(selectors.asset_get(asset_id=asset.pk), detail=True))


@router.get("/assets/{asset_id}", response={200: AssetDetailOut, **ERRORS}, summary="A marketing asset")
def get_asset(request: HttpRequest, asset_id: uuid.UUID):
    return asset_out(_asset(request, asset_id), detail=True)


@router.patch("/assets/{asset_id}", response={200: AssetDetailOut, **ERRORS}, summary="Change an asset's description")
def patch_asset(request: HttpRequest, asset_id: uuid.UUID, payload: AssetPatchIn):
    asset = _asset(request, asset_id)
    changes = payload.dict(exclude_unset=True)
    expected = changes.pop("expected_version", None)
    services.asset_update(asset=asset, actor=request.user, expected_version=expected, **_refs(changes, request))
    return asset_out(selectors.asset_get(asset_id=asset.pk), detail=True)


@router.get("/assets/{asset_id}/timeline", response={200: list[EventOut], **ERRORS}, summary="Its timeline")
def asset_timeline(request: HttpRequest, asset_id: uuid.UUID):
    return core_events.timeline_out(_asset(request, asset_id))


@router.post("/assets/{asset_id}/versions", response={201: AssetVersionOut, **ERRORS},
             summary="Upload a new version of the asset's file (multipart)")
def upload_version(request: HttpRequest, asset_id: uuid.UUID, file: File[UploadedFile], note: Form[str] = ""):
    asset = _asset(request, asset_id)
    version = services.asset_version_upload(asset=asset, actor=request.user, file=file, note=note)
    return Status(201, version_out(version))


@router.get("/assets/{asset_id}/versions/{number}/file", response={200: None, **ERRORS},
            summary="Download one version's file")
def download_version(request: HttpRequest, asset_id: uuid.UUID, number: int):
    asset = _asset(request, asset_id)
    version = asset.versions.filter(number=number).first()
    if version is None or not version.file:
        raise NotFound()
    return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.file_name)


@router.post("/assets/{asset_id}/submit", response={200: AssetDetailOut, **ERRORS}, summary="Send for review")
def submit_asset(request: HttpRequest, asset_id: uuid.UUID):
    asset = _asset(request, asset_id)
    services.asset_submit(asset=asset, actor=request.user)
    return asset_out(selectors.asset_get(asset_id=asset.pk), detail=True)


@router.post("/assets/{asset_id}/publish", response={200: AssetDetailOut, **ERRORS},
             summary="Publish (from review, or an expired asset re-reviewed with a new review date)")
def publish_asset(request: HttpRequest, asset_id: uuid.UUID, payload: AssetPublishIn):
    asset = _asset(request, asset_id)
    services.asset_publish(asset=asset, actor=request.user, review_due=payload.review_due)
    return asset_out(selectors.asset_get(asset_id=asset.pk), detail=True)


@router.post("/assets/{asset_id}/return", response={200: AssetDetailOut, **ERRORS}, summary="Send back to draft")
def return_asset(request: HttpRequest, asset_id: uuid.UUID, payload: AssetReasonIn):
    asset = _asset(request, asset_id)
    services.asset_return(asset=asset, actor=request.user, reason=payload.reason)
    return asset_out(selectors.asset_get(asset_id=asset.pk), detail=True)


@router.post("/assets/{asset_id}/retire", response={200: AssetDetailOut, **ERRORS}, summary="Retire the asset")
def retire_asset(request: HttpRequest, asset_id: uuid.UUID, payload: AssetReasonIn):
    asset = _asset(request, asset_id)
    services.asset_retire(asset=asset, actor=request.user, reason=payload.reason)
    return asset_out(selectors.asset_get(asset_id=asset.pk), detail=True)


def _campaign(request: HttpRequest, campaign_id: uuid.UUID) -> Any:
    from .api import _campaign as campaign_get

    return campaign_get(request, campaign_id)


@router.get("/campaigns/{campaign_id}/assets", response={200: list[CampaignAssetOut], **ERRORS},
            summary="The assets a campaign uses")
def list_campaign_assets(request: HttpRequest, campaign_id: uuid.UUID):
    campaign = _campaign(request, campaign_id)
    return [campaign_asset_out(link) for link in selectors.campaign_asset_links(campaign=campaign)]


@router.post("/campaigns/{campaign_id}/assets", response={201: CampaignAssetOut, **ERRORS},
             summary="The campaign uses an asset")
def link_campaign_asset(request: HttpRequest, campaign_id: uuid.UUID, payload: AssetLinkIn):
    campaign = _campaign(request, campaign_id)
    asset = MarketingAsset.objects.filter(pk=payload.asset).select_related("offering_line", "owner").first()
    if asset is None:
        raise ValidationFailed(_("Unknown asset."), field="asset")
    link = services.campaign_asset_link(campaign=campaign, asset=asset, actor=request.user, purpose=payload.purpose)
    return Status(201, campaign_asset_out(link))


@router.delete("/campaigns/{campaign_id}/assets/{asset_id}", response={204: None, **ERRORS},
               summary="The campaign stops using an asset")
def unlink_campaign_asset(request: HttpRequest, campaign_id: uuid.UUID, asset_id: uuid.UUID):
    campaign = _campaign(request, campaign_id)
    asset = _asset(request, asset_id)
    services.campaign_asset_unlink(campaign=campaign, asset=asset, actor=request.user)
    return Status(204, None)
