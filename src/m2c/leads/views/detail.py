"""The lead page and what is done on it: actions, activities, contacts, touches, edit, conversion."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.core.errors import DomainError
from m2c.core.events import timeline_labelled
from m2c.core.models import User
from m2c.core.normalize import format_phone

from .. import scoring, selectors, services
from ..forms import ActivityForm, ContactForm, DisqualifyForm, LeadForm, TouchForm, assignable_users
from ..models import InvalidReason
from ..states import LEAD_MACHINE, LeadStatus


def _next_campaign(lead: Any) -> Any:
    """For a lead in nurture: the next journey stage's campaign to invite it to (one journey, not fragments),
    from its customer's journey stage when the customer has one, else the lead's."""
    if lead.status not in (LeadStatus.RECYCLED, LeadStatus.NURTURING):
        return None
    from m2c.campaigns.selectors_journey import next_campaign_for_lead

    return next_campaign_for_lead(lead)


def _detail_context(request: HttpRequest, lead: Any, **extra: Any) -> dict[str, Any]:
    breakdown = [{**item, "label": scoring.label(item["dimension"]),
                  "percent": int(float(item["points"]) * 100 / item["weight"]) if item["weight"] else 0}
                 for item in lead.score_breakdown or []]
    gaps = _conversion_steps(lead) if lead.status in CONVERTIBLE else []
    targets = LEAD_MACHINE.targets(lead.status)
    can_accept = lead.status == LeadStatus.ASSIGNED and (lead.owner_id == request.user.pk or lead.owner_id is None)
    timeline = timeline_labelled(lead)
    # Lines the lead did not name, found by a keyword of its need text or the import's default (issue 9).
    inferred = next((e.payload["lines_inferred"] for e, _label in timeline
                     if isinstance(e.payload, dict) and e.payload.get("lines_inferred")), [])
    context = {
        "lead": lead,
        "phone": format_phone(lead.contact_phone),
        "lines": list(lead.offering_lines.all()),
        "breakdown": breakdown,
        "candidates": selectors.duplicate_candidates(user=request.user, lead=lead) if not lead.is_read_only else [],
        "merges": selectors.merges_of(lead),
        "timeline": timeline,
        "inferred": inferred,
        "activities": list(lead.activities.select_related("created_by")),
        "contacts": list(lead.contacts.all()),
        "touches": list(selectors.touches_of(lead)),
        "next_campaign": _next_campaign(lead),
        "gaps": gaps,
        "targets": targets,
        "can_accept": can_accept,
        "invalid_labels": [InvalidReason(r).label if r in InvalidReason.values else r for r in lead.invalid_reasons or []],
        "activity_form": extra.pop("activity_form", None) or ActivityForm(),
        "contact_form": extra.pop("contact_form", None) or ContactForm(),
        "touch_form": extra.pop("touch_form", None) or TouchForm(),
        "disqualify_form": extra.pop("disqualify_form", None) or DisqualifyForm(),
        "assignees": assignable_users(),
        "ars": User.objects.filter(is_active=True, groups__name="ar").order_by("username"),
        "temperature_class": {"hot": "danger", "warm": "warning", "cold": "info"}.get(lead.temperature, "secondary"),
    }
    context.update(extra)
    return context


# An accepted lead always shows its Convert button, with what is still missing, instead of hiding it.
CONVERTIBLE = (LeadStatus.ACCEPTED, LeadStatus.NURTURING)


def _conversion_steps(lead: Any, owner: Any = None) -> list[dict[str, str]]:
    """What stands between ``lead`` and an opportunity: a first activity (an accepted lead is nurtured
    once one is logged), then the facts conversion needs."""
    steps = []
    if lead.status == LeadStatus.ACCEPTED:
        steps.append({"field": "activities", "reason": _("Log a first activity with the customer.")})
    return steps + services.conversion_gaps(lead, owner=owner)


@login_required
def lead_detail(request: HttpRequest, lead_id: str) -> HttpResponse:
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    return render(request, "leads/lead_detail.html", _detail_context(request, lead))


ACTIONS = {
    "accept": lambda r, lead: services.lead_accept(lead=lead, actor=r.user),
    "return": lambda r, lead: services.lead_return(lead=lead, actor=r.user, reason=r.POST.get("reason", "")),
    "recycle": lambda r, lead: services.lead_recycle(lead=lead, actor=r.user, reason=r.POST.get("reason", "")),
    "requalify": lambda r, lead: services.lead_requalify(lead=lead, actor=r.user),
    "rescore": lambda r, lead: services.lead_rescore(lead=lead, actor=r.user),
    "review": lambda r, lead: services.lead_mark_reviewed(lead=lead, actor=r.user, note=r.POST.get("note", "")),
    "disqualify": lambda r, lead: services.lead_disqualify(lead=lead, actor=r.user, reason=r.POST.get("reason", ""),
                                                           note=r.POST.get("note", "")),
    "assign": lambda r, lead: services.lead_assign(
        lead=lead, actor=r.user, owner=get_object_or_404(assignable_users(), username=r.POST.get("owner", ""))),
}


@login_required
@require_POST
def lead_action(request: HttpRequest, lead_id: str, action: str) -> HttpResponse:
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](request, lead)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Done."))
    return redirect("leads:detail", lead.pk)


def _panel_post(request: HttpRequest, lead_id: str, form_class: Any, panel: str, command: Any, done: str) -> HttpResponse:
    """A form of a panel on the lead page: run the command, or show the page again with the panel open."""
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            command(lead, form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, done)
            return redirect("leads:detail", lead.pk)
    context = _detail_context(request, lead, **{f"{panel}_form": form}, open_panel=panel)
    return render(request, "leads/lead_detail.html", context, status=422)


@login_required
@require_POST
def lead_activity(request: HttpRequest, lead_id: str) -> HttpResponse:
    return _panel_post(request, lead_id, ActivityForm, "activity",
                       lambda lead, data: services.lead_log_activity(lead=lead, actor=request.user, **data),
                       _("Activity logged."))


@login_required
@require_POST
def lead_contact(request: HttpRequest, lead_id: str) -> HttpResponse:
    return _panel_post(request, lead_id, ContactForm, "contact",
                       lambda lead, data: services.lead_add_contact(lead=lead, actor=request.user, **data),
                       _("Contact added."))


@login_required
@require_POST
def lead_touch(request: HttpRequest, lead_id: str) -> HttpResponse:
    return _panel_post(request, lead_id, TouchForm, "touch",
                       lambda lead, data: services.touch_add(lead=lead, actor=request.user, campaign=data["campaign"],
                                                             kind=data["kind"]),
                       _("Campaign touch recorded."))


@login_required
def lead_edit(request: HttpRequest, lead_id: str) -> HttpResponse:
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    initial = services._as_input(lead)
    initial["offering_lines"] = list(lead.offering_lines.all())
    form = LeadForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_update(lead=lead, actor=request.user, changes=form.service_data(changed_only=True))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Lead saved."))
            return redirect("leads:detail", lead.pk)
    return render(request, "leads/lead_form.html", {"form": form, "lead": lead, "creating": False})


@login_required
def lead_convert(request: HttpRequest, lead_id: str) -> HttpResponse:
    """The conversion wizard: the checklist of domain.md 3.6, then the opportunity."""
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    if lead.converted_opportunity_id:
        return redirect("opportunities:detail", lead.converted_opportunity_id)
    owners = User.objects.filter(is_active=True, groups__name="ar").order_by("username")
    owner = owners.filter(username=request.POST.get("owner", "")).first() if request.method == "POST" else None
    gaps = _conversion_steps(lead, owner=owner)
    if request.method == "POST":
        try:
            opportunity = services.lead_convert(lead=lead, actor=request.user, owner=owner, name=request.POST.get("name", ""))
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("Converted: opportunity “%(n)s” created in O1 Validate.") % {"n": opportunity.name})
            return redirect("leads:detail", lead.pk)
    return render(request, "leads/convert.html", {"lead": lead, "gaps": gaps, "owners": owners,
                                                  "blocked": any(g["field"] != "owner" for g in gaps),
                                                  "contacts": list(lead.contacts.all())})
