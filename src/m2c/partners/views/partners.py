"""Partner pages: the channel manager's list with the certification coverage chart, a partner's page
(tiers, certifications, staff and certificates, agreements, registrations, offered leads) with the
recruitment commands; a partner user's list is their own partner's page (the portal home)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.core.errors import DomainError

from .. import selectors, services
from ..forms import CertificationApplyForm, CertificationRenewForm, PartnerForm, ReasonForm
from ..models import ExpertRole
from ..performance import partner_performance
from ..selectors_channel import mdf_roi
from ..states import CertificationStatus, PartnerStatus, RegistrationStatus


def reader(request: HttpRequest) -> None:
    if not selectors.can_read(request.user):
        raise DjangoPermissionDenied


def coverage_chart() -> dict[str, Any]:
    """Stacked bars per product category: how many partners hold each certification status."""
    rows = selectors.coverage()
    return {"kind": "bar", "stacked": True, "labels": [r["category"] for r in rows], "series": [
        {"name": str(label), "data": [r["counts"][status] for r in rows]}
        for status, label in CertificationStatus.choices if any(r["counts"][status] for r in rows)]}


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    reader(request)
    if selectors.is_partner_user(request.user):
        own = selectors.partner_of(request.user)
        if own is None:
            return render(request, "partners/no_partner.html")
        return redirect("partners:detail", own.pk)
    status = request.GET.get("status", "")
    partners = selectors.partner_queryset(request.user).select_related("supplier").prefetch_related(
        "tiers", "certifications")
    if status in PartnerStatus.values:
        partners = partners.filter(status=status)
    context = {
        "partners": partners, "status": status, "statuses": PartnerStatus.choices,
        "to_review": selectors.registrations_to_review(request.user).count(),
        "manager": selectors.is_channel_manager(request.user),
        "charts": {"chart-coverage": coverage_chart()},
    }
    return render(request, "partners/partner_list.html", context)


@login_required
def partner_create(request: HttpRequest) -> HttpResponse:
    if not selectors.is_channel_manager(request.user):
        raise DjangoPermissionDenied
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        tiers = {data["product_category"]: data["tier"]} if data["product_category"] and data["tier"] else {}
        try:
            partner = services.partner_create(actor=request.user, code=data["code"], legal_name=data["legal_name"],
                                              credit_code=data["credit_code"], supplier=data["supplier"], tiers=tiers)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Partner “%(name)s” recruited.") % {"name": partner.legal_name})
            return redirect("partners:detail", partner.pk)
    return render(request, "partners/partner_form.html", {"form": form}, status=422 if form.errors else 200)


@login_required
def partner_detail(request: HttpRequest, partner_id: Any) -> HttpResponse:
    reader(request)
    partner = selectors.partner_get(user=request.user, partner_id=partner_id)
    if partner is None:
        raise Http404
    today = timezone.localdate()
    staff = list(selectors.staff_of(partner))
    certifications = []
    for cert in partner.certifications.all():
        missing = selectors.missing_experts(partner=partner, product_category=cert.product_category)
        certifications.append({"cert": cert, "missing": [ExpertRole(r).label for r in missing]})
    registrations = selectors.registration_queryset(request.user).filter(partner=partner)
    context = {
        "partner": partner, "tiers": partner.tiers.all(), "staff": staff, "certifications": certifications,
        "agreements": partner.agreements.all(), "contacts": partner.contacts.all(),
        "territories": partner.territories.select_related("org_unit"),
        "registrations": registrations[:50],
        "open_registrations": registrations.filter(status__in=[RegistrationStatus.UNDER_REVIEW,
                                                                RegistrationStatus.APPROVED,
                                                                RegistrationStatus.CONVERTED]).count(),
        "offers": selectors.offer_queryset(request.user).filter(partner=partner, status="OFFERED"),
        "manager": selectors.is_channel_manager(request.user), "portal": selectors.is_partner_user(request.user),
        "today": today, "reason_form": ReasonForm(),
        "roi": mdf_roi(partner),  # MDF return (selectors_channel)
    }
    performance = partner_performance(partner, today=today)
    context.update(performance=performance["figures"], charts=performance["charts"],
                   reporting_currency=performance["currency"])
    return render(request, "partners/partner_detail.html", context)


COMMANDS = {
    "onboard": (services.partner_onboard, False), "activate": (services.partner_activate, False),
    "suspend": (services.partner_suspend, True), "blacklist": (services.partner_blacklist, True),
    "reinstate": (services.partner_reinstate, True),
}


@login_required
@require_POST
def partner_command(request: HttpRequest, partner_id: Any, command: str) -> HttpResponse:
    reader(request)
    partner = selectors.partner_get(user=request.user, partner_id=partner_id)
    if partner is None or command not in COMMANDS:
        raise Http404
    if not selectors.is_channel_manager(request.user):
        raise DjangoPermissionDenied
    service, takes_reason = COMMANDS[command]
    kwargs = {"reason": request.POST.get("reason", "").strip()} if takes_reason else {}
    try:
        service(partner=partner, actor=request.user, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Done."))
    return redirect("partners:detail", partner.pk)


def _partner_or_404(request: HttpRequest, partner_id: Any) -> Any:
    reader(request)
    partner = selectors.partner_get(user=request.user, partner_id=partner_id)
    if partner is None:
        raise Http404
    return partner


@login_required
def certification_create(request: HttpRequest, partner_id: Any) -> HttpResponse:
    """Apply for a certification in a product category: the partner itself or a channel manager."""
    partner = _partner_or_404(request, partner_id)
    if not (selectors.is_channel_manager(request.user) or selectors.is_partner_user(request.user)):
        raise DjangoPermissionDenied
    form = CertificationApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_apply(actor=request.user, partner=partner, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Certification applied for."))
            return redirect("partners:detail", partner.pk)
    return render(request, "partners/certification_form.html", {"form": form, "partner": partner},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def certification_command(request: HttpRequest, partner_id: Any, certification_id: Any, command: str) -> HttpResponse:
    """A channel manager grants an applied certification or renews one to a later end date."""
    partner = _partner_or_404(request, partner_id)
    certification = partner.certifications.filter(pk=certification_id).first()
    if certification is None or command not in ("grant", "renew"):
        raise Http404
    if not selectors.is_channel_manager(request.user):
        raise DjangoPermissionDenied
    try:
        if command == "grant":
            services.certification_grant(actor=request.user, certification=certification)
        else:
            form = CertificationRenewForm(request.POST)
            if not form.is_valid():
                messages.error(request, "; ".join(f"{form.fields[name].label}: {' '.join(errors)}"
                                                  for name, errors in form.errors.items()))
                return redirect("partners:detail", partner.pk)
            services.certification_renew(actor=request.user, certification=certification,
                                         valid_to=form.cleaned_data["valid_to"])
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Done."))
    return redirect("partners:detail", partner.pk)
