"""Dispute pages: the list (filtered by state) and the dispute page with the command of each next state."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from m2c.core import events as core_events
from m2c.core.errors import DomainError

from .. import selectors, services
from ..forms import (
    DisputeDecisionForm,
    DisputeEscalateForm,
    DisputeFilterForm,
    DisputeNoteForm,
    DisputeProposeForm,
    DisputeResolveForm,
)
from ..models import Dispute
from ..states import DISPUTE_MACHINE
from ._common import allowed


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    allowed(request)
    form = DisputeFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.dispute_list(user=request.user, status=data.get("status") or None,
                                search=data.get("search") or None)
    query = urlencode({k: v for k, v in request.GET.items() if k in form.fields and v})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "billing/dispute_list.html", {"form": form, "page": page, "query": query})


# Command name → (form, the service call, the message on success). Each is one transition of 11.9.
COMMANDS: dict[str, tuple[Any, Any, Any]] = {
    "investigate": (DisputeNoteForm, lambda d, user, c: services.dispute_investigate(
        dispute=d, actor=user, note=c["note"]), _("Investigation started.")),
    "propose": (DisputeProposeForm, lambda d, user, c: services.dispute_propose(
        dispute=d, actor=user, credit=c["credit"] or "0", proposal=c["proposal"]), _("Resolution proposed.")),
    "resolve": (DisputeResolveForm, lambda d, user, c: services.dispute_resolve(
        dispute=d, actor=user, resolution=c["resolution"], on=c["on"]), _("Dispute resolved.")),
    "escalate": (DisputeEscalateForm, lambda d, user, c: services.dispute_escalate(
        dispute=d, actor=user, reason=c["reason"]), _("Dispute escalated.")),
    "decide": (DisputeDecisionForm, lambda d, user, c: services.dispute_escalation_decide(
        dispute=d, actor=user, decision=c["decision"]), _("Escalation decided.")),
    "close": (DisputeNoteForm, lambda d, user, c: services.dispute_close(
        dispute=d, actor=user, note=c["note"]), _("Dispute closed.")),
}


def _commands(d: Dispute) -> list[str]:
    """The commands offered in the dispute's state (the table decides; the services check the rest)."""
    targets = DISPUTE_MACHINE.targets(d.status)
    names = []
    if "INVESTIGATING" in targets:
        names.append("decide" if d.status == "ESCALATED" else "investigate")
    names += [name for name, target in (("propose", "PROPOSED"), ("resolve", "RESOLVED"), ("escalate", "ESCALATED"),
                                        ("close", "CLOSED")) if target in targets]
    return names


LABELS = {"investigate": _("Investigate"), "propose": _("Propose the resolution"),
          "resolve": _("Resolve as proposed"), "escalate": _("Escalate"),
          "decide": _("Record the escalation decision"), "close": _("Close")}


def _page(request: HttpRequest, d: Dispute, failed: tuple[str, Any] | None = None) -> HttpResponse:
    panels = []
    for name in _commands(d):
        form_class = COMMANDS[name][0]
        if failed and failed[0] == name:
            form = failed[1]
        elif name == "resolve":
            form = form_class(initial={"on": timezone.localdate()})
        else:
            form = form_class()
        panels.append({"name": name, "form": form, "label": LABELS[name]})
    context = {"dispute": d, "panels": panels, "timeline": core_events.timeline_labelled(d)}
    return render(request, "billing/dispute_detail.html", context, status=400 if failed else 200)


def _dispute(request: HttpRequest, dispute_id: Any) -> Dispute:
    allowed(request)
    return selectors.dispute_get(user=request.user, dispute_id=dispute_id)


@login_required
def dispute_detail(request: HttpRequest, dispute_id: Any) -> HttpResponse:
    return _page(request, _dispute(request, dispute_id))


@login_required
@require_POST
def dispute_command(request: HttpRequest, dispute_id: Any, command: str) -> HttpResponse:
    d = _dispute(request, dispute_id)
    if command not in COMMANDS:
        raise Http404
    form_class, action, success = COMMANDS[command]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(d, request.user, form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, str(success))
            return redirect("billing:dispute", d.pk)
    return _page(request, d, failed=(command, form))
