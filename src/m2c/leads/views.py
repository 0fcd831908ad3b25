"""Lead pages: list with filters, saved views and bulk actions; lead page; manual entry; my leads;
review list; merge with preview and undo; imports with progress; the public campaign form."""

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
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from m2c.campaigns.models import Campaign
from m2c.core.errors import DomainError
from m2c.core.exports import Column, export_format, export_response
from m2c.core.models import OfferingLine, OrgUnit, Role, User
from m2c.core.normalize import format_phone
from m2c.core.ratelimit import allow

from . import scoring, selectors, services
from .forms import (
    ActivityForm,
    ContactForm,
    DisqualifyForm,
    LeadForm,
    TouchForm,
    WebForm,
    assignable_users,
)
from .models import Channel, DisqualifyReason, InvalidReason, LeadMerge, SourceType
from .states import LEAD_MACHINE, LeadStatus, Temperature

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
        "campaigns": Campaign.objects.all()[:200],
        "sources": SourceType.choices,
        "channels": Channel.choices,
        "lines": OfferingLine.objects.filter(active=True),
        "views": selectors.saved_views(user=request.user),
        "status_pills": _pills(selectors.status_counts(user=request.user)),
        "assignees": assignable_users(),
        "disqualify_reasons": DisqualifyReason.choices,
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
        return redirect(f"{_url('leads:merge', others[0].pk)}?into={survivor.pk}")
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


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def _detail_context(request: HttpRequest, lead: Any, **extra: Any) -> dict[str, Any]:
    breakdown = [{**item, "label": scoring.label(item["dimension"]),
                  "percent": int(float(item["points"]) * 100 / item["weight"]) if item["weight"] else 0}
                 for item in lead.score_breakdown or []]
    gaps = _conversion_steps(lead) if lead.status in CONVERTIBLE else []
    targets = LEAD_MACHINE.targets(lead.status)
    can_accept = lead.status == LeadStatus.ASSIGNED and (lead.owner_id == request.user.pk or lead.owner_id is None)
    timeline = selectors.timeline(lead)
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


@login_required
@require_POST
def lead_activity(request: HttpRequest, lead_id: str) -> HttpResponse:
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            services.lead_log_activity(lead=lead, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Activity logged."))
            return redirect("leads:detail", lead.pk)
    return render(request, "leads/lead_detail.html", _detail_context(request, lead, activity_form=form, open_panel="activity"), status=422)


@login_required
@require_POST
def lead_contact(request: HttpRequest, lead_id: str) -> HttpResponse:
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.lead_add_contact(lead=lead, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Contact added."))
            return redirect("leads:detail", lead.pk)
    return render(request, "leads/lead_detail.html", _detail_context(request, lead, contact_form=form, open_panel="contact"), status=422)


@login_required
@require_POST
def lead_touch(request: HttpRequest, lead_id: str) -> HttpResponse:
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    form = TouchForm(request.POST)
    if form.is_valid():
        try:
            services.touch_add(lead=lead, actor=request.user, campaign=form.cleaned_data["campaign"], kind=form.cleaned_data["kind"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Campaign touch recorded."))
            return redirect("leads:detail", lead.pk)
    return render(request, "leads/lead_detail.html", _detail_context(request, lead, touch_form=form, open_panel="touch"), status=422)


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
def my_leads(request: HttpRequest) -> HttpResponse:
    return render(request, "leads/my_leads.html", selectors.my_leads(user=request.user) | {"now": timezone.now()})


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.review_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "leads/review_list.html", {"page": page})


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
            return redirect(f"{_url('leads:detail', target.pk)}#merge-{record.pk}")
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
    return redirect(f"{_url('leads:list')}?{request.POST.get('query', '')}")


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    view = get_object_or_404(selectors.saved_views(user=request.user), pk=view_id)
    try:
        services.saved_view_delete(actor=request.user, view=view)
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("leads:list")


@login_required
def campaign_outcomes(request: HttpRequest, code: str) -> HttpResponse:
    # The API's rule (GET /campaigns/{ref}/lead-outcomes): marketing and readers of everything only; to
    # anyone else, partners included, the campaign does not exist.
    if not (request.user.sees_everything or request.user.has_role(Role.MARKETING)):
        raise Http404
    campaign = get_object_or_404(Campaign, code=code)
    return render(request, "leads/campaign_outcomes.html", {"o": selectors.campaign_lead_outcomes(campaign=campaign),
                                                            "form_url": _url("leads:web-form", campaign.code)})


# --- the public form ---------------------------------------------------------------------------------

WEB_FORM_LIMIT = 10  # submissions per IP address
WEB_FORM_WINDOW = 600  # seconds


# The API's caps on campaign tags (LeadIn.utm: 10 entries; capture keeps 40-character keys and
# 200-character values), so a crafted link cannot make the form echo or store more than the API would.
UTM_MAX_ENTRIES = 10
UTM_KEY_LENGTH = 40
UTM_VALUE_LENGTH = 200


def _utm(params: Any) -> dict[str, str]:
    tags: dict[str, str] = {}
    for key, value in params.items():
        if key.startswith("utm_") and len(key) <= UTM_KEY_LENGTH and len(tags) < UTM_MAX_ENTRIES:
            tags[key] = value[:UTM_VALUE_LENGTH]
    return tags


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@xframe_options_exempt
@csrf_exempt  # a public form embedded on other sites: no session, so nothing for CSRF to protect
def web_form(request: HttpRequest, code: str) -> HttpResponse:
    campaign = Campaign.objects.filter(code=code).first()
    if campaign is None or not campaign.accepts_responses:
        return render(request, "leads/web_form_closed.html", status=404)
    utm = _utm(request.GET)
    form = WebForm(request.POST or None, campaign=campaign)
    status = 200
    if request.method == "POST":
        if not allow(f"leads-web-form:{_client_ip(request)}", limit=WEB_FORM_LIMIT, window=WEB_FORM_WINDOW):
            return render(request, "leads/web_form.html", {"form": form, "campaign": campaign, "utm": utm,
                                                           "limited": True}, status=429)
        if form.data.get("website"):
            # A bot filled the honeypot: thank it like anyone else and store nothing.
            return redirect("leads:web-form-thanks", campaign.code)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            data["offering_lines"] = [line.code for line in data.get("offering_lines") or []]
            posted_utm = _utm(request.POST)
            data["utm"] = posted_utm or utm
            try:
                services.lead_submit_web_form(campaign=campaign, data=data)
            except DomainError as exc:
                for item in exc.errors or [{"field": None, "reason": exc.detail}]:
                    field = item.get("field")
                    form.add_error(field if field in form.fields else None, item.get("reason"))
                status = 422
            else:
                return redirect("leads:web-form-thanks", campaign.code)
        else:
            status = 422
    return render(request, "leads/web_form.html", {"form": form, "campaign": campaign, "utm": utm}, status=status)


@xframe_options_exempt
def web_form_thanks(request: HttpRequest, code: str) -> HttpResponse:
    campaign = Campaign.objects.filter(code=code).first()
    if campaign is None:
        raise Http404
    return render(request, "leads/web_form_thanks.html", {"campaign": campaign})
