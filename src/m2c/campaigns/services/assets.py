"""Commands of the marketing asset library (issue 11 item 6, domain.md 7.5): create and edit an asset,
upload a new version of its file, move it through its life cycle (``ASSET_MACHINE``), link it to the
campaigns that use it, and the worker's sweep that expires assets whose review is overdue.

Marketing and administrators write; each command runs in one transaction and records its event. A file is
checked by ``core.evidence.check_upload`` (size, type by name and by content; slides and videos too) before
anything is written, and every upload is a new numbered version: a stored file is never replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, DuplicateRecord, FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.evidence import MEDIA_SIGNATURES, check_upload, clean_name
from m2c.core.models import OfferingLine, Role, User
from m2c.core.roles import authenticated
from m2c.core.services import diff_value, model_update

from .. import events
from ..asset_selectors import fold
from ..asset_states import ASSET_MACHINE, LINKABLE, TERMINAL
from ..models import (
    AssetLanguage,
    AssetStatus,
    AssetType,
    AssetVersion,
    Campaign,
    CampaignAsset,
    JourneyStage,
    MarketingAsset,
)

A = AssetStatus
ASSET_FIELDS = ("title", "title_en", "summary", "summary_en", "tags", "asset_type", "language", "offering_line",
                "journey_stage", "owner", "review_due")
ASSET_MAX_BYTES = 200 * 1024 * 1024  # videos are larger than evidence scans


def _require(actor: User | None) -> None:
    """Marketing and administrators keep the library; ``None`` is the system (the expiry sweep)."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("You must be signed in."))
    if not (actor.is_superuser or actor.has_role(Role.ADMINISTRATOR, Role.MARKETING)):
        raise PermissionDenied(_("Your role cannot change marketing assets."))


def _search_text(asset: MarketingAsset) -> str:
    return fold(" ".join([asset.title, asset.title_en, asset.summary, asset.summary_en, asset.tags.replace(",", " ")]))


def _clean(data: dict[str, Any], errors: FieldErrors, *, creating: bool) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "title" in data or creating:
        clean["title"] = errors.text("title", data.get("title"), required=_("Give the asset a title."), max_length=200)
    for key, limit in (("title_en", 200), ("summary", 2000), ("summary_en", 2000)):
        if key in data:
            clean[key] = errors.text(key, data[key], max_length=limit)
    if "tags" in data:
        raw = data["tags"]
        words = raw if isinstance(raw, list | tuple) else str(raw or "").replace("，", ",").split(",")
        tags = ", ".join(dict.fromkeys(w.strip() for w in words if str(w).strip()))
        if len(tags) > 300:
            errors.add("tags", _("At most %(n)s characters.") % {"n": 300})
        clean["tags"] = tags
    for key, choices, reason in (("asset_type", AssetType, _("Choose the type of material.")),
                                 ("language", AssetLanguage, _("Choose Chinese or English.")),
                                 ("journey_stage", JourneyStage, _("Choose the buyer journey stage."))):
        if key in data or creating:
            if data.get(key) not in choices.values:
                errors.add(key, reason)
            clean[key] = data.get(key)
    if "offering_line" in data or creating:
        if not isinstance(data.get("offering_line"), OfferingLine):
            errors.add("offering_line", _("Choose the offering line."))
        clean["offering_line"] = data.get("offering_line")
    if "owner" in data or creating:
        owner = data.get("owner")
        if not isinstance(owner, User) or not owner.is_active:
            errors.add("owner", _("Choose an active user as owner."))
        clean["owner"] = owner
    if "review_due" in data or creating:
        if not isinstance(data.get("review_due"), dt.date):
            errors.add("review_due", _("Give a date."))
        clean["review_due"] = data.get("review_due")
    return clean


def _check_file(upload: UploadedFile | None, errors: FieldErrors) -> None:
    if upload is None:
        return
    errors.run(check_upload, upload, field="file", extra_types=MEDIA_SIGNATURES, max_bytes=ASSET_MAX_BYTES)


def _store_version(asset: MarketingAsset, upload: UploadedFile, *, actor: User | None, note: str) -> AssetVersion:
    """Write the next numbered version of ``asset`` (its row is locked by the caller)."""
    number = (asset.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    version = AssetVersion(asset=asset, number=number, file_name=clean_name(upload), size=upload.size or 0,
                           sha256=digest.hexdigest(), note=note[:300], uploaded_by=authenticated(actor))
    version.file.save(version.file_name, upload, save=False)
    version.save()
    MarketingAsset.objects.filter(pk=asset.pk).update(current_version=number, updated_at=timezone.now())
    asset.current_version = number
    core_events.record(events.ASSET_VERSION_UPLOADED, asset, actor=actor, payload={
        "version": number, "file_name": version.file_name, "size": version.size, "sha256": version.sha256})
    return version


@transaction.atomic
def asset_create(*, actor: User | None, file: UploadedFile | None = None, note: str = "",
                 **data: Any) -> MarketingAsset:
    """A new asset in DRAFT, with its first version when a file is given."""
    _require(actor)
    errors = FieldErrors()
    for key in sorted(set(data) - set(ASSET_FIELDS)):
        errors.add(key, _("This field cannot be changed here."))
    clean = _clean(data, errors, creating=True)
    _check_file(file, errors)
    errors.raise_if_any()
    asset = MarketingAsset(created_by=authenticated(actor), **clean)
    asset.search_text = _search_text(asset)
    asset.save()
    core_events.record(events.ASSET_CREATED, asset, actor=actor, payload={
        "title": asset.title, "asset_type": asset.asset_type, "language": asset.language})
    if file is not None:
        _store_version(asset, file, actor=actor, note=note or _("First version"))
    return asset


@transaction.atomic
def asset_update(*, asset: MarketingAsset, actor: User | None, expected_version: int | None = None,
                 **changes: Any) -> MarketingAsset:
    """Change an asset's description, owner or review-due date; a retired asset is history."""
    _require(actor)
    if asset.status in TERMINAL:
        raise Conflict(_("A retired asset cannot be changed."), code="asset_retired")
    if expected_version is not None and expected_version != asset.version:
        raise Conflict(_("Someone else changed this asset; reload it and try again."), code="stale_version")
    errors = FieldErrors()
    for key in sorted(set(changes) - set(ASSET_FIELDS)):
        errors.add(key, _("This field cannot be changed here."))
    clean = _clean(changes, errors, creating=False)
    errors.raise_if_any()
    diff = model_update(asset, ASSET_FIELDS, clean)
    if diff:
        search_text = _search_text(asset)
        MarketingAsset.objects.filter(pk=asset.pk).update(search_text=search_text)
        asset.search_text = search_text
        core_events.record(events.ASSET_UPDATED, asset, actor=actor,
                           payload={"changes": {k: [diff_value(v[0]), diff_value(v[1])] for k, v in diff.items()}})
    return asset


@transaction.atomic
def asset_version_upload(*, asset: MarketingAsset, actor: User | None, file: UploadedFile | None,
                         note: str = "") -> AssetVersion:
    """Store a new version of the asset's file; the earlier ones stay downloadable as they were."""
    _require(actor)
    errors = FieldErrors()
    if file is None:
        errors.add("file", _("Choose a file to upload."))
    _check_file(file, errors)
    note = errors.text("note", note, max_length=300)
    errors.raise_if_any()
    locked = MarketingAsset.objects.select_for_update().get(pk=asset.pk)
    if locked.status in TERMINAL:
        raise Conflict(_("A retired asset takes no new versions."), code="asset_retired")
    version = _store_version(locked, file, actor=actor, note=note)  # type: ignore[arg-type]
    asset.current_version = locked.current_version
    return version


def _move(asset: MarketingAsset, target: str, *, actor: User | None, reason: str = "",
          today: dt.date | None = None, changes: dict[str, Any] | None = None) -> MarketingAsset:
    _require(actor)
    reason = (reason or "").strip()[:500]
    ASSET_MACHINE.apply(asset, target, actor=actor, reason=reason, changes=changes,
                        context={"reason": reason, "today": today})
    return asset


@transaction.atomic
def asset_submit(*, asset: MarketingAsset, actor: User | None) -> MarketingAsset:
    """DRAFT or EXPIRED → IN_REVIEW, once it has a file."""
    return _move(asset, A.IN_REVIEW, actor=actor)


@transaction.atomic
def asset_return(*, asset: MarketingAsset, actor: User | None, reason: str) -> MarketingAsset:
    """IN_REVIEW → DRAFT with the reviewer's comment."""
    return _move(asset, A.DRAFT, actor=actor, reason=reason)


@transaction.atomic
def asset_publish(*, asset: MarketingAsset, actor: User | None, review_due: dt.date | None = None,
                  today: dt.date | None = None) -> MarketingAsset:
    """IN_REVIEW (or EXPIRED, re-reviewed) → PUBLISHED; ``review_due`` sets the next review date."""
    changes: dict[str, Any] = {"published_at": timezone.now()}
    if review_due is not None:
        if not isinstance(review_due, dt.date):
            raise ValidationFailed(_("Give a date."), field="review_due")
        MarketingAsset.objects.filter(pk=asset.pk).update(review_due=review_due)
        asset.review_due = review_due
    return _move(asset, A.PUBLISHED, actor=actor, today=today, changes=changes)


@transaction.atomic
def asset_retire(*, asset: MarketingAsset, actor: User | None, reason: str) -> MarketingAsset:
    """Any state → RETIRED with a reason; the asset and its versions stay as history."""
    return _move(asset, A.RETIRED, actor=actor, reason=reason)


def asset_expiry_sweep(*, today: dt.date | None = None) -> int:
    """The worker's daily pass: every published asset past its review-due date becomes EXPIRED (one
    transaction and one event each, so a failure leaves the others done); returns how many."""
    today = today or timezone.localdate()
    due = list(MarketingAsset.objects.filter(status=A.PUBLISHED, review_due__lt=today).values_list("pk", flat=True))
    expired = 0
    for pk in due:
        with transaction.atomic():
            asset = MarketingAsset.objects.get(pk=pk)
            if asset.status != A.PUBLISHED:
                continue
            ASSET_MACHINE.apply(asset, A.EXPIRED, actor=None, context={"today": today},
                                reason=_("Review was due on %(d)s.") % {"d": asset.review_due})
            expired += 1
    return expired


@transaction.atomic
def campaign_asset_link(*, campaign: Campaign, asset: MarketingAsset, actor: User | None,
                        purpose: str = "") -> CampaignAsset:
    """The campaign uses this asset; an expired or retired one is refused (it must be reviewed first)."""
    _require(actor)
    errors = FieldErrors()
    purpose = errors.text("purpose", purpose, max_length=200)
    errors.raise_if_any()
    if asset.status not in LINKABLE:
        raise ValidationFailed(_("“%(title)s” is %(status)s: review it before a campaign uses it.")
                               % {"title": asset.title, "status": asset.get_status_display()}, field="asset",
                               code="asset_not_linkable")
    if campaign.status in ("CLOSED", "CANCELLED"):
        raise Conflict(_("A closed or cancelled campaign cannot be changed."), code="campaign_closed")
    if CampaignAsset.objects.filter(campaign=campaign, asset=asset).exists():
        raise DuplicateRecord(_("The campaign already uses this asset."), field="asset")
    link = CampaignAsset.objects.create(campaign=campaign, asset=asset, purpose=purpose,
                                        linked_by=authenticated(actor))
    payload = {"asset": str(asset.pk), "title": asset.title, "campaign": campaign.code}
    core_events.record(events.ASSET_LINKED, campaign, actor=actor, payload=payload)
    core_events.record(events.ASSET_LINKED, asset, actor=actor, payload=payload)
    return link


@transaction.atomic
def campaign_asset_unlink(*, campaign: Campaign, asset: MarketingAsset, actor: User | None) -> None:
    _require(actor)
    deleted, _rows = CampaignAsset.objects.filter(campaign=campaign, asset=asset).delete()
    if not deleted:
        raise ValidationFailed(_("The campaign does not use this asset."), field="asset")
    payload = {"asset": str(asset.pk), "title": asset.title, "campaign": campaign.code}
    core_events.record(events.ASSET_UNLINKED, campaign, actor=actor, payload=payload)
    core_events.record(events.ASSET_UNLINKED, asset, actor=actor, payload=payload)
