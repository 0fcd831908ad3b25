"""Joint innovation pages: the list, the project form, one project with milestones, participants and outputs."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import DomainError

from .. import selectors, services
from ..plan_forms import InnovationProjectForm
from ..states import INNOVATION_MACHINE, InnovationOutputKind, InnovationStatus, ParticipantSide, Urgency
from .posted import active_user, parse_uuid, run_command, staff_choices

COMMANDS = {"start": services.innovation_start, "complete": services.innovation_complete,
            "cancel": services.innovation_cancel}


@login_required
def innovation_list(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip()[:40] for k in ("status", "search")}
    projects = selectors.innovation_list(user=request.user, **{k: v or None for k, v in params.items()})[:200]
    return render(request, "insight/innovation_list.html", {"projects": projects, "params": params,
                                                            "statuses": InnovationStatus.choices})


@login_required
def innovation_create(request: HttpRequest) -> HttpResponse:
    form = InnovationProjectForm(request.POST or None, user=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.innovation_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Joint innovation project saved."))
            return redirect("insight:innovation-detail", project.pk)
    return render(request, "insight/innovation_form.html", {"form": form, "creating": True,
                                                            "wide": InnovationProjectForm.WIDE},
                  status=422 if form.errors else 200)


@login_required
def innovation_edit(request: HttpRequest, innovation_id: uuid.UUID) -> HttpResponse:
    project = selectors.innovation_get(user=request.user, project_id=innovation_id)
    form = InnovationProjectForm(request.POST or None, user=request.user, initial={
        "name": project.name, "objective": project.objective, "starts_on": project.starts_on,
        "ends_on": project.ends_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.innovation_update(project=project, actor=request.user,
                                       **{k: v for k, v in form.cleaned_data.items() if k in form.changed_data})
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Joint innovation project saved."))
            return redirect("insight:innovation-detail", project.pk)
    return render(request, "insight/innovation_form.html", {"form": form, "creating": False, "project": project,
                                                            "wide": InnovationProjectForm.WIDE},
                  status=422 if form.errors else 200)


def _apply(request: HttpRequest, project: object) -> None:
    post = request.POST
    action = post.get("action", "")
    if action in COMMANDS:
        COMMANDS[action](project=project, actor=request.user, note=post.get("note", "")[:500])
    elif action == "milestone":
        try:
            due = dt.date.fromisoformat(post.get("due_on", ""))
        except ValueError:
            due = None
        services.innovation_milestone_add(project=project, actor=request.user, name=post.get("name", "")[:200],
                                          due_on=due)
    elif action == "milestone-done":
        row = project.milestones.filter(pk=parse_uuid(post.get("item", ""))).first()
        if row is not None:
            services.innovation_milestone_done(milestone=row, actor=request.user, done_on=timezone.localdate())
    elif action == "participant":
        user = active_user(post.get("user", ""))
        services.innovation_participant_add(project=project, actor=request.user, side=post.get("side", ""),
                                            name=post.get("name", "")[:120], user=user,
                                            role=post.get("role", "")[:120])
    elif action == "output":
        services.innovation_output_add(project=project, actor=request.user, kind=post.get("kind", ""),
                                       title=post.get("title", "")[:200], reference=post.get("reference", "")[:300])
    elif action == "requirement":
        services.innovation_raise_requirement(project=project, actor=request.user, title=post.get("title", "")[:200],
                                              description=post.get("description", "")[:5000],
                                              urgency=post.get("urgency", "medium"))


@login_required
def innovation_detail(request: HttpRequest, innovation_id: uuid.UUID) -> HttpResponse:
    project = selectors.innovation_get(user=request.user, project_id=innovation_id)
    if request.method == "POST":
        return run_command(request, _apply, project, _("Joint innovation project updated."),
                           "insight:innovation-detail")
    open_ = project.status not in INNOVATION_MACHINE.terminal
    return render(request, "insight/innovation_detail.html", {
        "project": project, "open": open_, "targets": INNOVATION_MACHINE.targets(project.status),
        "milestones": project.milestones.all(), "participants": project.participants.select_related("user"),
        "outputs": project.outputs.all(), "requirements": selectors.innovation_requirements(project),
        "sides": ParticipantSide.choices, "kinds": InnovationOutputKind.choices, "urgencies": Urgency.choices,
        "people": staff_choices() if open_ else [],
        "today": timezone.localdate(), "timeline": core_events.timeline_labelled(project)[:15],
    })
