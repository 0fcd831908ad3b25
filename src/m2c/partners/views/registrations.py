"""Deal registration pages: the partner registers and follows its registrations; the channel manager reviews
them with the conflicting registration and any direct opportunity side by side. Leads offered to a partner
are accepted or returned from the portal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.core.errors import DomainError

from .. import selectors, services
from ..forms import RegistrationForm
from ..states import RegistrationStatus
from .partners import reader


@login_required
def registration_list(request: HttpRequest) -> HttpResponse:
    reader(request)
    status = request.GET.get("status", "")
    qs = selectors.registration_queryset(request.user)
    if status in RegistrationStatus.values:
        qs = qs.filter(status=status)
    context = {"registrations": qs[:200], "status": status, "statuses": RegistrationStatus.choices,
               "review": list(selectors.registrations_to_review(request.user)[:50]),
               "manager": selectors.is_channel_manager(request.user),
               "portal": selectors.is_partner_user(request.user)}
    return render(request, "partners/registration_list.html", context)


@login_required
def registration_create(request: HttpRequest) -> HttpResponse:
    reader(request)
    portal = selectors.is_partner_user(request.user)
    own = selectors.partner_of(request.user) if portal else None
    if portal and own is None:
        raise DjangoPermissionDenied
    choices = None if portal else selectors.partner_queryset(request.user).filter(status="ACTIVE")
    form = RegistrationForm(request.POST or None, partner_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        partner = own or data.pop("partner")
        data.pop("partner", None)
        try:
            reg = services.registration_submit(actor=request.user, partner=partner, **data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            if reg.status == RegistrationStatus.REJECTED:
                messages.error(request, services.registration_refusal(reg))
            else:
                messages.success(request, _("Registration %(number)s submitted.") % {"number": reg.number})
            return redirect("partners:registration", reg.pk)
    return render(request, "partners/registration_form.html", {"form": form, "partner": own},
                  status=422 if form.errors else 200)


@login_required
def registration_detail(request: HttpRequest, registration_id: Any) -> HttpResponse:
    reader(request)
    reg = selectors.registration_get(user=request.user, registration_id=registration_id)
    if reg is None:
        raise Http404
    manager = selectors.is_channel_manager(request.user) or request.user.sees_everything
    holder = None
    direct: list[Any] = []
    if manager:
        holder = reg.conflict_with or (selectors.key_holder(customer_id=reg.customer_id,
                                                           offering_line_id=reg.offering_line_id, exclude=reg.pk)
                                       if reg.status in (RegistrationStatus.SUBMITTED, RegistrationStatus.UNDER_REVIEW)
                                       else None)
        direct = services.blocking_opportunities(reg) if reg.status == RegistrationStatus.UNDER_REVIEW else []
    context = {
        "reg": reg, "manager": manager, "holder": holder, "direct": direct,
        "refusal": reg.get_rejection_display() if manager else services.registration_refusal(reg),
        "certified": selectors.partner_certified(reg.partner, reg.offering_line),
        "spq_allowed": services.spq_allowed(reg),
    }
    return render(request, "partners/registration_detail.html", context)


REG_COMMANDS = {"approve", "reject", "extend", "convert", "cancel"}


@login_required
@require_POST
def registration_command(request: HttpRequest, registration_id: Any, command: str) -> HttpResponse:
    reader(request)
    reg = selectors.registration_get(user=request.user, registration_id=registration_id)
    if reg is None or command not in REG_COMMANDS:
        raise Http404
    text = request.POST.get("reason", "").strip()
    try:
        if command == "approve":
            services.registration_approve(registration=reg, actor=request.user, override_reason=text)
        elif command == "reject":
            services.registration_reject(registration=reg, actor=request.user, reason=text)
        elif command == "extend":
            services.registration_extend(registration=reg, actor=request.user, evidence=text)
        elif command == "convert":
            services.registration_convert(registration=reg, actor=request.user)
        else:
            services.registration_cancel(registration=reg, actor=request.user, reason=text)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Done."))
    return redirect("partners:registration", reg.pk)


@login_required
def offer_list(request: HttpRequest) -> HttpResponse:
    reader(request)
    offers = selectors.offer_queryset(request.user)
    return render(request, "partners/offer_list.html", {
        "offers": offers[:200], "portal": selectors.is_partner_user(request.user)})


@login_required
@require_POST
def offer_command(request: HttpRequest, offer_id: int, action: str) -> HttpResponse:
    reader(request)
    offer = selectors.offer_get(user=request.user, offer_id=offer_id)
    if offer is None or action not in ("accept", "return"):
        raise Http404
    try:
        if action == "accept":
            services.offer_accept(offer=offer, actor=request.user)
        else:
            services.offer_return(offer=offer, actor=request.user, reason=request.POST.get("reason", "").strip())
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Done."))
    return redirect("partners:offers")
