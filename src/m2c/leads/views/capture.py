"""Manual entry with live duplicate hints; merge with preview and undo."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.core.errors import DomainError

from .. import selectors, services
from ..forms import LeadForm
from ..models import Channel, LeadMerge
from .common import url_of


@login_required
def lead_create(request: HttpRequest) -> HttpResponse:
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead, outcome = services.lead_create(actor=request.user, data=form.service_data(), channel=Channel.MANUAL)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            if outcome.kind == "merged":
                messages.warning(request, _("This lead matched an existing record and was merged into it (%(keys)s).")
                                 % {"keys": ", ".join(outcome.match.get("keys", []))})
            else:
                messages.success(request, _("Lead “%(t)s” captured: %(s)s.") % {"t": lead.title, "s": lead.get_status_display()})
            return redirect("leads:detail", lead.pk)
    return render(request, "leads/lead_form.html", {"form": form, "creating": True})


@login_required
def duplicate_check(request: HttpRequest) -> HttpResponse:
    """htmx: likely duplicates of what is being typed into the manual-entry form."""
    found = selectors.likely_duplicates(
        user=request.user, customer_name=request.GET.get("customer_name", "")[:255],
        email=request.GET.get("contact_email", "")[:254], phone=request.GET.get("contact_phone", "")[:40],
    )
    return render(request, "leads/partials/likely_duplicates.html", {"found": found})


@login_required
def merge(request: HttpRequest, lead_id: str) -> HttpResponse:
    source = selectors.lead_get(user=request.user, lead_id=lead_id)
    into = request.GET.get("into") or request.POST.get("into")
    if not into:
        raise Http404
    target = selectors.lead_get(user=request.user, lead_id=into)
    preview = services.lead_merge_preview(source=source, target=target)
    if request.method == "POST":
        try:
            record = services.lead_merge(source=source, target=target, actor=request.user, reason=request.POST.get("reason", ""))
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("Merged. You can undo this from the lead's merge history."))
            return redirect(f"{url_of('leads:detail', target.pk)}#merge-{record.pk}")
    return render(request, "leads/merge.html", {"preview": preview, "source": source, "target": target})


@login_required
@require_POST
def merge_undo(request: HttpRequest, merge_id: str) -> HttpResponse:
    record = get_object_or_404(LeadMerge, pk=merge_id)
    lead = selectors.lead_get(user=request.user, lead_id=record.merged_id)
    try:
        services.lead_merge_undo(merge=record, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Merge undone."))
    return redirect("leads:detail", lead.pk)
