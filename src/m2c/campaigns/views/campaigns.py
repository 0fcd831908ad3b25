"""Campaign pages: the list with filters, the plan (create, edit) and the life-cycle buttons.

Marketing and administrators plan and move campaigns; executives read them; every other role is
refused (403). A button is shown only for a move the transition table allows from the campaign's
state; the service still checks the guards, and a refusal is shown beside the buttons, changing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from m2c.core import events as core_events
from m2c.core.errors import DomainError
from m2c.core.pagination import CappedPaginator
from m2c.core.selectors import offering_line_list

from .. import selectors, services
from ..forms import CampaignForm
from ..models import Campaign, CampaignLevel, JourneyStage
from ..states import CAMPAIGN_MACHINE, CampaignStatus

FILTERS = ("search", "status", "level", "journey_stage", "offering_line")

# Life-cycle buttons: the command in the URL, the target state, the service, and whether it needs a reason.
S = CampaignStatus
COMMANDS: dict[str, tuple[str, Callable[..., Any], bool, Any]] = {
    "submit": (S.SUBMITTED, services.campaign_submit, False, gettext_lazy("Submit for approval")),
    "approve": (S.APPROVED, services.campaign_approve, False, gettext_lazy("Approve")),
    "reject": (S.DRAFT, services.campaign_reject, True, gettext_lazy("Send back to draft")),
    "prepare": (S.PREPARING, services.campaign_prepare, False, gettext_lazy("Start preparing")),
    "start": (S.IN_EXECUTION, services.campaign_start, False, gettext_lazy("Start execution")),
    "finish": (S.EXECUTED, services.campaign_finish, False, gettext_lazy("Mark executed")),
    "close": (S.CLOSED, services.campaign_close, True, gettext_lazy("Close")),
    "cancel": (S.CANCELLED, services.campaign_cancel, True, gettext_lazy("Cancel campaign")),
}


def _reader(request: HttpRequest) -> None:
    if not selectors.campaign_can_read(request.user):
        raise Forbidden(_("Your role has no access to campaigns."))


def _planner(request: HttpRequest) -> None:
    _reader(request)
    if not selectors.campaign_can_plan(request.user):
        raise Forbidden(_("Your role cannot change campaigns."))


def _campaign(request: HttpRequest, campaign_id: Any) -> Campaign:
    return selectors.campaign_get(campaign_id=campaign_id)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    params = {k: request.GET.get(k, "").strip()[:100] for k in FILTERS}
    qs = selectors.campaign_search(**params)
    page = CappedPaginator(qs, 25).get_page(request.GET.get("page"))
    context = {
        "page": page, "params": params, "query": urlencode({k: v for k, v in params.items() if v}),
        "statuses": CampaignStatus.choices, "levels": CampaignLevel.choices, "stages": JourneyStage.choices,
        "offering_lines": offering_line_list(), "can_plan": selectors.campaign_can_plan(request.user),
    }
    template = "campaigns/partials/campaign_table.html" if request.htmx else "campaigns/campaign_list.html"
    return render(request, template, context)


def _buttons(campaign: Campaign, user: Any) -> list[dict[str, Any]]:
    """The moves the table allows from here, for a user who may plan (the guards decide on submit)."""
    if not selectors.campaign_can_plan(user):
        return []
    targets = CAMPAIGN_MACHINE.targets(campaign.status)
    return [{"command": command, "label": label, "reason": needs_reason, "danger": command in ("cancel", "reject")}
            for command, (target, _service, needs_reason, label) in COMMANDS.items() if target in targets]


def detail_context(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    return {
        "campaign": campaign, "buttons": _buttons(campaign, request.user),
        "can_edit": selectors.campaign_can_plan(request.user) and not CAMPAIGN_MACHINE.is_terminal(campaign.status),
        "timeline": core_events.timeline_labelled(campaign), "lines": campaign.offering_lines.order_by("code"),
    }


def full_context(request: HttpRequest, campaign: Campaign, *, evaluation_form: Any = None,
                 evaluation_for: Any = None, asset_link: Any = None, **forms: Any) -> dict[str, Any]:
    """The campaign page: its plan and moves, the budget panel, the outcome panel with its evaluations."""
    from .budgets import campaign_budget_context
    from .evaluations import outcome_context
    from .lead_quality import quality_panel_context

    context = detail_context(request, campaign)
    context.update(campaign_budget_context(campaign, request.user, **forms))
    quality = quality_panel_context(campaign)
    outcome = outcome_context(campaign, request.user, model=request.GET.get("model", ""), form=evaluation_form,
                              form_for=evaluation_for, quality=quality["quality"])
    context["charts"] = {**context.get("charts", {}), **outcome.pop("outcome_charts")}
    context.update(outcome)
    from .assets import campaign_assets_context

    context.update(campaign_assets_context(campaign, request.user, form=asset_link))
    context["charts"] = {**context.get("charts", {}), **quality.pop("quality_charts")}
    context.update(quality)
    from .responses import responses_context

    responses = responses_context(campaign)
    context["charts"] = {**context["charts"], **responses.pop("response_charts")}
    context.update(responses)
    return context


@login_required
def campaign_detail(request: HttpRequest, campaign_id: Any) -> HttpResponse:
    _reader(request)
    return render(request, "campaigns/campaign_detail.html", full_context(request, _campaign(request, campaign_id)))


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    _planner(request)
    form = CampaignForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.service_data())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Campaign “%(name)s” created.") % {"name": campaign.name})
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "creating": True, "wide": CampaignForm.WIDE},
                  status=422 if form.errors else 200)


def _initial(campaign: Campaign) -> dict[str, Any]:
    names = [f for f in CampaignForm.base_fields if f not in ("code", "offering_lines")]
    initial = {name: getattr(campaign, name) for name in names}
    initial["offering_lines"] = list(campaign.offering_lines.all())
    return initial


@login_required
def campaign_edit(request: HttpRequest, campaign_id: Any) -> HttpResponse:
    _planner(request)
    campaign = _campaign(request, campaign_id)
    form = CampaignForm(request.POST or None, initial=_initial(campaign))
    if request.method == "POST" and form.is_valid():
        data = form.service_data(changed_only=True)
        try:
            services.campaign_update(campaign=campaign, actor=request.user,
                                     expected_version=int(request.POST.get("version") or campaign.version), **data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/campaign_form.html",
                  {"form": form, "campaign": campaign, "creating": False, "wide": CampaignForm.WIDE},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def campaign_command(request: HttpRequest, campaign_id: Any, command: str) -> HttpResponse:
    _planner(request)
    campaign = _campaign(request, campaign_id)
    if command not in COMMANDS:
        raise Http404(_("Unknown command."))
    _target, service, needs_reason, _label = COMMANDS[command]
    kwargs: dict[str, Any] = {"campaign": campaign, "actor": request.user}
    if needs_reason:
        kwargs["reason"] = request.POST.get("reason", "")
    try:
        service(**kwargs)
    except DomainError as exc:
        detail = "; ".join(e.get("reason", "") for e in exc.errors) if len(exc.errors or []) > 1 else exc.detail
        messages.error(request, detail)
    else:
        messages.success(request, _("Campaign is now %(state)s.") % {"state": campaign.get_status_display()})
    return redirect("campaigns:detail", campaign.pk)
