"""The lead list: filters, saved views, export and bulk actions; my leads; the review list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from m2c.campaigns.selectors import campaign_options
from m2c.core.errors import DomainError
from m2c.core.exports import Column, export_format, export_response
from m2c.core.models import OfferingLine, OrgUnit

from .. import selectors, services
from ..forms import assignable_users
from ..models import Channel, DisqualifyReason, SourceType
from ..states import LeadStatus, Temperature
from ..views_imports import may_import
from .common import url_of

FILTERS = ("search", "status", "temperature", "owner", "region", "campaign", "source_type", "channel",
           "offering_line", "needs_review", "overdue", "open_only", "ordering")


def _params(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in FILTERS}


def _selector_args(params: dict[str, str]) -> dict[str, Any]:
    args: dict[str, Any] = {k: v or None for k, v in params.items() if k not in ("needs_review", "overdue", "open_only", "ordering")}
    for flag in ("needs_review", "overdue", "open_only"):
        args[flag] = params.get(flag) in ("1", "true", "on")
    args["ordering"] = params.get("ordering") or "-created"
    return args


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    qs = selectors.lead_list(user=request.user, **_selector_args(params)).prefetch_related("offering_lines")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "params": params,
        "query": urlencode({k: v for k, v in params.items() if v}),
        "statuses": LeadStatus.choices,
        "temperatures": Temperature.choices,
        "regions": OrgUnit.objects.filter(type=OrgUnit.Type.REGION, active=True),
        "campaigns": campaign_options()[:200],
        "sources": SourceType.choices,
        "channels": Channel.choices,
        "lines": OfferingLine.objects.filter(active=True),
        "views": selectors.saved_views(user=request.user),
        "status_pills": _pills(selectors.status_counts(user=request.user)),
        "assignees": assignable_users(),
        "disqualify_reasons": DisqualifyReason.choices,
        "can_import": may_import(request.user),
    }
    template = "leads/partials/lead_table.html" if request.htmx and not request.htmx.boosted else "leads/lead_list.html"
    return render(request, template, context)


def _pills(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(value, label, counts.get(value, 0)) for value, label in LeadStatus.choices if counts.get(value)]


@login_required
def lead_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV or XLSX (``?format=xlsx``), through core's one export helper."""
    qs = selectors.lead_list(user=request.user, **_selector_args(_params(request))).prefetch_related("offering_lines")
    columns = [
        Column(pgettext("record", "Title"), lambda lead: lead.title),
        Column(_("Status"), lambda lead: lead.get_status_display()),
        Column(_("Company"), lambda lead: lead.company_name),
        Column(_("Contact"), lambda lead: lead.contact_name),
        Column(_("Email"), lambda lead: lead.contact_email),
        Column(_("Phone"), lambda lead: lead.contact_phone),
        Column(_("Offering lines"), lambda lead: ",".join(line.code for line in lead.offering_lines.all())),
        Column(_("Score"), lambda lead: lead.score),
        Column(_("Temperature"), lambda lead: lead.get_temperature_display()),
        Column(_("Owner"), lambda lead: str(lead.owner or "")),
        Column(_("Campaign"), lambda lead: lead.source_campaign.code if lead.source_campaign_id else ""),
        Column(_("Created"), lambda lead: lead.created_at),
    ]
    return export_response(rows=qs, columns=columns, filename="leads", format=export_format(request))


@login_required
@require_POST
def lead_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk actions on the selected leads: assign, disqualify, merge into the first selected."""
    ids = request.POST.getlist("ids")
    action = request.POST.get("action", "")
    leads = list(selectors.lead_list(user=request.user).filter(pk__in=ids[:500]))
    done, failed = 0, []
    if action == "merge":
        if len(leads) < 2:
            messages.error(request, _("Select at least two leads to merge."))
            return redirect(request.POST.get("next") or "leads:list")
        chosen = request.POST.get("survivor") or ids[0]
        survivor = next((x for x in leads if str(x.pk) == chosen), leads[0])
        others = [x for x in leads if x.pk != survivor.pk]
        return redirect(f"{url_of('leads:merge', others[0].pk)}?into={survivor.pk}")
    owner = None
    if action == "assign":
        owner = assignable_users().filter(username=request.POST.get("owner", "")).first()
        if owner is None:
            messages.error(request, _("Choose whom to assign the leads to."))
            return redirect(request.POST.get("next") or "leads:list")
    for lead in leads:
        try:
            if action == "assign":
                services.lead_assign(lead=lead, actor=request.user, owner=owner)  # type: ignore[arg-type]
            elif action == "disqualify":
                services.lead_disqualify(lead=lead, actor=request.user, reason=request.POST.get("reason", ""),
                                         note=request.POST.get("note", ""))
            elif action == "review":
                services.lead_mark_reviewed(lead=lead, actor=request.user)
            else:
                raise Http404
            done += 1
        except DomainError as exc:
            failed.append(f"{lead.title}: {exc.detail}")
    if done:
        messages.success(request, _("%(n)d leads updated.") % {"n": done})
    for message in failed[:10]:
        messages.error(request, message)
    return redirect(request.POST.get("next") or "leads:list")


@login_required
def my_leads(request: HttpRequest) -> HttpResponse:
    return render(request, "leads/my_leads.html", selectors.my_leads(user=request.user) | {"now": timezone.now()})


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.review_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "leads/review_list.html", {"page": page})


@login_required
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    try:
        services.saved_view_create(actor=request.user, name=request.POST.get("name", ""),
                                   query=request.POST.get("query", "")[:1000], shared=bool(request.POST.get("shared")))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("View saved."))
    return redirect(f"{url_of('leads:list')}?{request.POST.get('query', '')}")


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    view = get_object_or_404(selectors.saved_views(user=request.user), pk=view_id)
    try:
        services.saved_view_delete(actor=request.user, view=view)
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("leads:list")
