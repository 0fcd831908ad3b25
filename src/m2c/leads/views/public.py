"""A campaign's lead outcomes and the public campaign web form."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from m2c.campaigns.selectors import campaign_by_code
from m2c.core.errors import DomainError
from m2c.core.models import Role
from m2c.core.ratelimit import allow

from .. import selectors, services
from ..forms import WebForm
from .common import url_of


@login_required
def campaign_outcomes(request: HttpRequest, code: str) -> HttpResponse:
    # The API's rule (GET /campaigns/{ref}/lead-outcomes): marketing and readers of everything only; to
    # anyone else, partners included, the campaign does not exist.
    if not (request.user.sees_everything or request.user.has_role(Role.MARKETING)):
        raise Http404
    campaign = campaign_by_code(code)
    if campaign is None:
        raise Http404
    return render(request, "leads/campaign_outcomes.html", {"o": selectors.campaign_lead_outcomes(campaign=campaign),
                                                            "form_url": url_of("leads:web-form", campaign.code)})


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
    campaign = campaign_by_code(code)
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
    campaign = campaign_by_code(code)
    if campaign is None:
        raise Http404
    return render(request, "leads/web_form_thanks.html", {"campaign": campaign})
