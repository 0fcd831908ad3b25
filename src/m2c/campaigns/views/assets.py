"""The marketing asset library's pages: the list with filters and search, an asset with its versions and
downloads, create and edit forms, a new version, the life-cycle buttons, and a campaign's links to assets.

Marketing and administrators keep the library; executives read it (as they read campaigns); every other
role is refused (403). A refusal by a service is shown beside the form or the buttons, changing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from m2c.core import events as core_events
from m2c.core.errors import DomainError
from m2c.core.pagination import CappedPaginator
from m2c.core.selectors import offering_line_list

from .. import asset_selectors as assets
from .. import selectors, services
from ..asset_forms import AssetForm, AssetLinkForm, AssetPublishForm, AssetVersionForm
from ..asset_states import ASSET_MACHINE, AssetStatus
from ..models import AssetLanguage, AssetType, JourneyStage, MarketingAsset
from .campaigns import _planner, _reader

FILTERS = ("search", "offering_line", "journey_stage", "language", "asset_type", "status")
A = AssetStatus
COMMANDS: dict[str, tuple[str, Callable[..., Any], bool, Any]] = {
    "submit": (A.IN_REVIEW, services.asset_submit, False, gettext_lazy("Send for review")),
    "publish": (A.PUBLISHED, services.asset_publish, False, gettext_lazy("Publish")),
    "return": (A.DRAFT, services.asset_return, True, gettext_lazy("Send back to draft")),
    "retire": (A.RETIRED, services.asset_retire, True, gettext_lazy("Retire")),
}


def _asset(asset_id: Any) -> MarketingAsset:
    return assets.asset_get(asset_id=asset_id)


@login_required
def asset_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    params = {k: request.GET.get(k, "").strip()[:100] for k in FILTERS}
    expiring = request.GET.get("expiring") == "1"
    qs = assets.asset_list(**params, expiring=expiring)
    page = CappedPaginator(qs, 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(a, assets.asset_is_expiring(a, today=today)) for a in page.object_list]
    query = {k: v for k, v in params.items() if v}
    if expiring:
        query["expiring"] = "1"
    context = {
        "page": page, "rows": rows, "params": params, "expiring": expiring, "query": urlencode(query),
        "types": AssetType.choices, "languages": AssetLanguage.choices, "stages": JourneyStage.choices,
        "statuses": AssetStatus.choices, "offering_lines": offering_line_list(),
        "can_edit": selectors.campaign_can_plan(request.user), "counts": assets.asset_status_counts(),
    }
    template = "campaigns/partials/asset_table.html" if request.htmx else "campaigns/asset_list.html"
    return render(request, template, context)


def _buttons(asset: MarketingAsset, user: Any) -> list[dict[str, Any]]:
    if not selectors.campaign_can_plan(user):
        return []
    targets = ASSET_MACHINE.targets(asset.status)
    return [{"command": command, "label": label, "reason": needs_reason, "danger": command in ("retire", "return")}
            for command, (target, _service, needs_reason, label) in COMMANDS.items() if target in targets]


def _detail(request: HttpRequest, asset: MarketingAsset, *, version_form: AssetVersionForm | None = None,
            publish_form: AssetPublishForm | None = None, status: int = 200) -> HttpResponse:
    can_edit = selectors.campaign_can_plan(request.user) and not ASSET_MACHINE.is_terminal(asset.status)
    context = {
        "asset": asset, "versions": assets.asset_versions(asset), "links": assets.asset_campaigns(asset),
        "buttons": _buttons(asset, request.user), "can_edit": can_edit,
        "expiring": assets.asset_is_expiring(asset), "timeline": core_events.timeline_labelled(asset),
        "version_form": (version_form or AssetVersionForm()) if can_edit else None,
        "publish_form": publish_form or AssetPublishForm(),
    }
    return render(request, "campaigns/asset_detail.html", context, status=status)


@login_required
def asset_detail(request: HttpRequest, asset_id: Any) -> HttpResponse:
    _reader(request)
    return _detail(request, _asset(asset_id))


@login_required
def asset_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    form = AssetForm(request.POST or None, request.FILES or None, creating=True,
                     initial={"owner": request.user, "language": "zh"})
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.asset_create(actor=request.user, file=form.cleaned_data.get("file"), **form.service_data())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Asset “%(title)s” created.") % {"title": asset.title})
            return redirect("campaigns:asset", asset.pk)
    return render(request, "campaigns/asset_form.html", {"form": form, "creating": True, "wide": AssetForm.WIDE},
                  status=422 if form.errors else 200)


@login_required
def asset_edit(request: HttpRequest, asset_id: Any) -> HttpResponse:
    _planner(request)
    asset = _asset(asset_id)
    initial = {name: getattr(asset, name) for name in AssetForm.base_fields if name != "file"}
    form = AssetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_update(asset=asset, actor=request.user, **form.service_data(changed_only=True),
                                  expected_version=int(request.POST.get("version") or asset.version))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Asset saved."))
            return redirect("campaigns:asset", asset.pk)
    return render(request, "campaigns/asset_form.html",
                  {"form": form, "asset": asset, "creating": False, "wide": AssetForm.WIDE},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def asset_version_upload(request: HttpRequest, asset_id: Any) -> HttpResponse:
    _planner(request)
    asset = _asset(asset_id)
    form = AssetVersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.asset_version_upload(asset=asset, actor=request.user, file=form.cleaned_data["file"],
                                                    note=form.cleaned_data.get("note") or "")
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Version %(n)s uploaded.") % {"n": version.number})
            return redirect("campaigns:asset", asset.pk)
    return _detail(request, asset, version_form=form, status=422)


@login_required
def asset_download(request: HttpRequest, asset_id: Any, number: int) -> HttpResponse:
    _reader(request)
    asset = _asset(asset_id)
    version = get_object_or_404(asset.versions.all(), number=number)
    if not version.file:
        raise Http404
    return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.file_name)


@login_required
@require_POST
def asset_command(request: HttpRequest, asset_id: Any, command: str) -> HttpResponse:
    _planner(request)
    asset = _asset(asset_id)
    if command not in COMMANDS:
        raise Http404(_("Unknown command."))
    _target, service, needs_reason, _label = COMMANDS[command]
    kwargs: dict[str, Any] = {"asset": asset, "actor": request.user}
    if needs_reason:
        kwargs["reason"] = request.POST.get("reason", "")
    if command == "publish":
        form = AssetPublishForm(request.POST)
        if not form.is_valid():
            return _detail(request, asset, publish_form=form, status=422)
        kwargs["review_due"] = form.cleaned_data.get("review_due")
    try:
        service(**kwargs)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The asset is now %(state)s.") % {"state": asset.get_status_display()})
    return redirect("campaigns:asset", asset.pk)


# --- a campaign's assets (the panel on the campaign page) ---------------------------------------------


def campaign_assets_context(campaign: Any, user: Any, *, form: AssetLinkForm | None = None) -> dict[str, Any]:
    can_link = selectors.campaign_can_plan(user) and campaign.status not in ("CLOSED", "CANCELLED")
    today = timezone.localdate()
    links = [(link, assets.asset_is_expiring(link.asset, today=today))
             for link in assets.campaign_asset_links(campaign=campaign)]
    return {"asset_links": links, "asset_link_form": (form or AssetLinkForm()) if can_link else None}


@login_required
@require_POST
def campaign_asset_link(request: HttpRequest, campaign_id: Any) -> HttpResponse:
    _planner(request)
    campaign = selectors.campaign_get(campaign_id=campaign_id)
    form = AssetLinkForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_asset_link(campaign=campaign, asset=form.cleaned_data["asset"], actor=request.user,
                                         purpose=form.cleaned_data.get("purpose") or "")
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("The campaign now uses “%(title)s”.") % {"title": form.cleaned_data["asset"].title})
            return redirect("campaigns:detail", campaign.pk)
    from .budgets import _campaign_page

    return _campaign_page(request, campaign, asset_link=form)


@login_required
@require_POST
def campaign_asset_unlink(request: HttpRequest, campaign_id: Any, asset_id: Any) -> HttpResponse:
    _planner(request)
    campaign = selectors.campaign_get(campaign_id=campaign_id)
    asset = _asset(asset_id)
    try:
        services.campaign_asset_unlink(campaign=campaign, asset=asset, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("campaigns:detail", campaign.pk)
