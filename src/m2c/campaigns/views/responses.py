"""Registration (public), unsubscribe (public), responses list and commands, invitations.

The public pages need no login; their forms are CSRF-protected and rate limited per address like the
leads web form. Everything else is for campaign readers (marketing, executives, administrators); commands
for marketing and administrators.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.core.errors import DomainError
from m2c.core.pagination import CappedPaginator
from m2c.core.ratelimit import allow

from .. import selectors, services
from .. import selectors_responses as reads
from ..forms_responses import InviteForm, RegistrationForm
from ..models import Campaign, ResponseStatus, ResponseType
from ..qr import qr_svg_data_uri
from ..services import consent as consent_services
from ..services import invitations as invitation_services
from ..services import registrations as registration_services

REGISTER_LIMIT = 10  # submissions per IP address and window, as the leads web form
REGISTER_WINDOW = 600


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _open_campaign(code: str) -> Campaign | None:
    campaign = selectors.campaign_by_code(code)
    return campaign if campaign is not None and campaign.accepts_responses else None


def register(request: HttpRequest, code: str) -> HttpResponse:
    """The campaign's public registration form."""
    campaign = _open_campaign(code)
    if campaign is None:
        return render(request, "campaigns/public/closed.html", status=404)
    token = request.GET.get("invite") or request.POST.get("invite") or ""
    invitation = invitation_services.invitation_from_token(token, campaign) if token else None
    initial = {"name": invitation.name, "email": invitation.email, "company": invitation.company} if invitation else {}
    form = RegistrationForm(request.POST or None, initial=initial)
    context = {"form": form, "campaign": campaign, "invite": token if invitation else ""}
    if request.method != "POST":
        return render(request, "campaigns/public/register.html", context)
    if not allow(f"campaign-register:{_client_ip(request)}", limit=REGISTER_LIMIT, window=REGISTER_WINDOW):
        return render(request, "campaigns/public/register.html", {**context, "limited": True}, status=429)
    if form.data.get("website"):  # a bot filled the honeypot: store nothing
        return render(request, "campaigns/public/closed.html", {"thanks": True})
    if form.is_valid():
        evidence = _("Registration form of campaign %(code)s, consent box ticked (“%(text)s”), at %(at)s from %(ip)s") % {
            "code": campaign.code, "text": form.fields["consent"].label, "at": timezone.now().isoformat(timespec="seconds"),
            "ip": _client_ip(request)}
        try:
            registration = registration_services.registration_create(
                campaign=campaign, data=form.cleaned_data, language=translation.get_language() or "",
                evidence=evidence, invitation=invitation)
        except DomainError as exc:
            for item in exc.errors or [{"field": None, "reason": exc.detail}]:
                field = item.get("field")
                form.add_error(field if field in form.fields else None, item.get("reason"))
        else:
            return redirect(registration_services.confirmation_path(registration))
    return render(request, "campaigns/public/register.html", context, status=422)


def registered(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """The confirmation page: the QR code to show at the door (the signed link is the only way in)."""
    registration = registration_services.registration_from_token(token)
    if registration is None or registration.campaign.code != code:
        raise Http404
    return render(request, "campaigns/public/registered.html", {
        "registration": registration, "campaign": registration.campaign, "qr": qr_svg_data_uri(registration.code)})


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """An email's unsubscribe link: confirm with one button; the withdrawal is recorded as consent."""
    try:
        data = consent_services.unsubscribe_read(token)
    except DomainError:
        return render(request, "campaigns/public/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        if not allow(f"campaign-unsubscribe:{_client_ip(request)}", limit=30, window=600):
            return render(request, "campaigns/public/unsubscribe.html", {"email": data["email"], "limited": True},
                          status=429)
        evidence = _("Unsubscribe link followed and confirmed at %(at)s from %(ip)s") % {
            "at": timezone.now().isoformat(timespec="seconds"), "ip": _client_ip(request)}
        services.unsubscribe(token=token, evidence=evidence)
        done = True
    return render(request, "campaigns/public/unsubscribe.html", {"email": data["email"], "done": done})


# --- staff pages -------------------------------------------------------------------------------------


def _reader(request: HttpRequest) -> None:
    if not selectors.campaign_can_read(request.user):
        raise Forbidden(_("Your role has no access to campaigns."))


def _planner(request: HttpRequest) -> None:
    _reader(request)
    if not selectors.campaign_can_plan(request.user):
        raise Forbidden(_("Your role cannot change campaigns."))


@login_required
def response_list(request: HttpRequest) -> HttpResponse:
    """Every campaign's responses; ``?overdue=1`` lists those not converted within their window."""
    _reader(request)
    overdue = request.GET.get("overdue") == "1"
    status = request.GET.get("status", "") if request.GET.get("status") in ResponseStatus.values else ""
    kind = request.GET.get("type", "") if request.GET.get("type") in ResponseType.values else ""
    qs = reads.response_list(status=status, overdue=overdue, type=kind)
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "campaigns/response_list.html", {
        "page": page, "overdue": overdue, "status": status, "type": kind, "statuses": ResponseStatus.choices,
        "types": ResponseType.choices, "can_convert": selectors.campaign_can_plan(request.user), "now": timezone.now()})


@login_required
@require_POST
def response_convert(request: HttpRequest, response_id: Any) -> HttpResponse:
    _planner(request)
    response = reads.response_get(response_id)
    if response is None:
        raise Http404
    try:
        services.response_convert(response=response, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        if response.status == ResponseStatus.CONVERTED:
            messages.success(request, _("Response converted into a lead."))
        else:
            messages.error(request, _("Not converted: %(why)s") % {"why": response.convert_error})
    target = reverse("campaigns:responses")
    return redirect(target + "?overdue=1" if request.POST.get("back") == "overdue" else target)


@login_required
def invite(request: HttpRequest, campaign_id: Any) -> HttpResponse:
    """Invite a target list to a campaign (customers' contacts are invited through the API)."""
    _planner(request)
    campaign = selectors.campaign_get(campaign_id=campaign_id)
    form = InviteForm(request.POST or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.campaign_invite(campaign=campaign, actor=request.user, targets=form.target_rows())
        except DomainError as exc:
            form.add_error("targets", exc.detail)
        else:
            messages.success(request, _("%(n)d invitations queued.") % {"n": report["invited"]})
    return render(request, "campaigns/invite.html", {
        "campaign": campaign, "form": form, "report": report,
        "invitations": reads.invitation_list(campaign=campaign)[:50]}, status=422 if form.errors else 200)


def responses_context(campaign: Campaign) -> dict[str, Any]:
    """The campaign page's responses section: the funnel (a chart) and the counts by type."""
    overview = reads.response_overview(campaign=campaign)
    funnel, types = overview["funnel"], overview["types"]
    steps = [(_("Responses"), funnel["responses"]), (_("Leads"), funnel["leads"]), (_("Valid leads"), funnel["valid"]),
             (_("Opportunities"), funnel["opportunities"]), (_("Won"), funnel["won"])]
    return {
        "responses": {"funnel": funnel, "steps": steps,
                      "types": [(label, types.get(value, 0)) for value, label in ResponseType.choices],
                      "register_path": f"/campaigns/r/{campaign.code}/"},
        "response_charts": {"chart-response-funnel": {"kind": "funnel", "data": [
            {"name": str(label), "value": value} for label, value in steps]}},
    }
