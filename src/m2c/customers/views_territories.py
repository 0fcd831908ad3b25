"""The territory map's settings page: which region or office covers a province, which customer group
an industry. Administrators keep it here (the services refuse everyone else; the pages answer 403)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.core import events as core_events
from m2c.core.errors import DomainError
from m2c.core.roles import is_administrator

from . import selectors, services
from .forms import TerritoryForm
from .models import Industry, Territory


def _admin(request: HttpRequest) -> None:
    if not is_administrator(request.user):
        raise Forbidden(_("Only an administrator can change the territories."))


def _territory(territory_id: Any) -> Territory:
    territory = selectors.territory_get(territory_id)
    if territory is None:
        raise Http404(_("Not found."))
    return territory


def _key_label(territory: Territory) -> str:
    if territory.kind == Territory.Kind.INDUSTRY:
        return str(dict(Industry.choices).get(territory.key, territory.key))
    return territory.key


@login_required
def territory_list(request: HttpRequest) -> HttpResponse:
    """Both maps, and the form that adds a line."""
    _admin(request)
    form = TerritoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.territory_create(actor=request.user, **form.service_data())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Territory added."))
            return redirect("customers:territories")
    rows = list(selectors.territory_list())
    for row in rows:
        row.key_label = _key_label(row)
    context = {"provinces": [r for r in rows if r.kind == Territory.Kind.PROVINCE],
               "industries": [r for r in rows if r.kind == Territory.Kind.INDUSTRY], "form": form}
    return render(request, "customers/territories.html", context, status=422 if form.errors else 200)


@login_required
def territory_edit(request: HttpRequest, territory_id: Any) -> HttpResponse:
    _admin(request)
    territory = _territory(territory_id)
    form = TerritoryForm(request.POST or None, initial=TerritoryForm.initial_for(territory))
    if request.method == "POST" and form.is_valid():
        try:
            services.territory_update(territory=territory, actor=request.user, **form.service_data(changed_only=True))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Territory saved."))
            return redirect("customers:territories")
    return render(request, "customers/territory_form.html", {
        "territory": territory, "form": form, "key_label": _key_label(territory),
        "timeline": core_events.timeline_labelled(territory),
    }, status=422 if form.errors else 200)


@login_required
@require_POST
def territory_delete(request: HttpRequest, territory_id: Any) -> HttpResponse:
    _admin(request)
    territory = _territory(territory_id)
    try:
        services.territory_delete(territory=territory, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Territory removed."))
    return redirect("customers:territories")
