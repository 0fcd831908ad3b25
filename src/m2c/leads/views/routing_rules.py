"""The routing-rules page: the ordered table of domain.md 3.4, kept by administrators on a page of the app.

List in the order routing reads the rules, create, edit, move a rule up or down, switch it on or off.
The services decide (administrators only); every other role gets 403 and changes nothing.
"""

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
from m2c.customers.models import Tier

from .. import selectors, services
from ..routing_forms import RoutingRuleForm, rule_initial


def _admin(request: HttpRequest) -> None:
    if not is_administrator(request.user):
        raise Forbidden(_("Only an administrator can change the routing rules."))


def _rule(rule_id: Any) -> Any:
    rule = selectors.routing_rule_get(rule_id)
    if rule is None:
        raise Http404(_("Not found."))
    return rule


@login_required
def routing_rule_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    tiers = dict(Tier.choices)
    rules = list(selectors.routing_rule_list())
    from m2c.partners import selectors as partner_selectors

    partners = dict(partner_selectors.partner_choices()) if any(r.target_partner_id for r in rules) else {}
    for rule in rules:
        rule.tier_label = tiers.get(rule.tier, rule.tier)  # the tier column has no choices of its own
        rule.partner_name = partners.get(str(rule.target_partner_id), "") if rule.target_partner_id else ""
    return render(request, "leads/routing/rule_list.html", {"rules": rules})


@login_required
def routing_rule_create(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = RoutingRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.routing_rule_create(actor=request.user, **form.service_data())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Routing rule “%(name)s” created.") % {"name": rule.name})
            return redirect("leads:routing-rules")
    return render(request, "leads/routing/rule_form.html", {"form": form, "creating": True},
                  status=422 if form.errors else 200)


@login_required
def routing_rule_edit(request: HttpRequest, rule_id: Any) -> HttpResponse:
    _admin(request)
    rule = _rule(rule_id)
    form = RoutingRuleForm(request.POST or None, initial=rule_initial(rule))
    if request.method == "POST" and form.is_valid():
        data = form.service_data(changed_only=True)
        if "priority" in data and data["priority"] is None:
            data.pop("priority")  # emptied: keep the rule where it is
        try:
            services.routing_rule_update(rule=rule, actor=request.user, **data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Routing rule saved."))
            return redirect("leads:routing-rules")
    return render(request, "leads/routing/rule_form.html",
                  {"form": form, "rule": rule, "creating": False, "timeline": core_events.timeline_labelled(rule)},
                  status=422 if form.errors else 200)


def _command(request: HttpRequest, action: Any) -> HttpResponse:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("leads:routing-rules")


@login_required
@require_POST
def routing_rule_move(request: HttpRequest, rule_id: Any, direction: str) -> HttpResponse:
    _admin(request)
    rule = _rule(rule_id)
    return _command(request, lambda: services.routing_rule_move(rule=rule, actor=request.user, direction=direction))


@login_required
@require_POST
def routing_rule_toggle(request: HttpRequest, rule_id: Any) -> HttpResponse:
    _admin(request)
    rule = _rule(rule_id)
    return _command(request, lambda: services.routing_rule_update(rule=rule, actor=request.user, active=not rule.active))
