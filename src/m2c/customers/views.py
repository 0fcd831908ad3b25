"""Customer pages: list with htmx search and filters, detail with timeline, create and edit."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from m2c.core import events as core_events
from m2c.core.errors import DomainError
from m2c.core.exports import Column, export_format, export_response
from m2c.core.models import OrgUnit
from m2c.core.normalize import format_phone
from m2c.core.pagination import CappedPaginator

from . import selectors, services
from .forms import ContactForm, CustomerForm
from .models import ComplianceStatus, Industry, Tier

SEARCH_COUNT_LIMIT = 1000
FILTERS = ("search", "org_unit", "industry", "tier", "compliance_status", "ar_owner", "customer_group")


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    params = _list_params(request)
    qs = selectors.customer_list(user=request.user, **{k: v or None for k, v in params.items()})
    paginator = CappedPaginator(qs, 25, limit=SEARCH_COUNT_LIMIT if params["search"] else None)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "params": params,
        "query": urlencode({k: v for k, v in params.items() if v}),
        "regions": OrgUnit.objects.filter(type=OrgUnit.Type.REGION, active=True),
        "industries": Industry.choices,
        "tiers": Tier.choices,
        "compliance": ComplianceStatus.choices,
    }
    template = "customers/partials/customer_table.html" if request.htmx else "customers/customer_list.html"
    return render(request, template, context)


EXPORT_COLUMNS = (
    Column(_lazy("Legal name"), lambda c: c.legal_name),
    Column(_lazy("Credit code"), lambda c: c.credit_code),
    Column(_lazy("Industry"), lambda c: c.get_industry_display()),
    Column(_lazy("Tier"), lambda c: c.get_tier_display()),
    Column(_lazy("Region / office"), lambda c: c.org_unit.label if c.org_unit_id else ""),
    Column(_lazy("Customer group"), lambda c: c.customer_group.label if c.customer_group_id else ""),
    Column(_lazy("Province"), lambda c: c.province),
    Column(_lazy("City"), lambda c: c.city),
    Column(_lazy("Compliance"), lambda c: c.get_compliance_status_display()),
    Column(_lazy("AR"), lambda c: str(c.ar_owner) if c.ar_owner_id else ""),
)


def _list_params(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in FILTERS}


@login_required
def customer_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered on screen, as CSV or XLSX, with only the customers the reader may see."""
    qs = selectors.customer_list(user=request.user, **{k: v or None for k, v in _list_params(request).items()})
    qs = qs.select_related("org_unit", "customer_group", "ar_owner")
    return export_response(rows=qs, columns=EXPORT_COLUMNS, filename="customers", format=export_format(request))


@login_required
def customer_detail(request: HttpRequest, customer_id: str) -> HttpResponse:
    customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    contacts = [(c, format_phone(c.phone)) for c in selectors.contact_list(customer=customer)]
    timeline = core_events.timeline_labelled(customer)
    return render(
        request,
        "customers/customer_detail.html",
        {"customer": customer, "contacts": contacts, "timeline": timeline, "contact_form": ContactForm(),
         "exposure": _exposure(customer), "journey": _journey(customer)},
    )


def _journey(customer: Any) -> Any:
    """The customer's buyer-journey stage, the responses that moved it and the next stage's campaign,
    read from the campaigns app."""
    from m2c.campaigns.selectors_journey import customer_journey

    return customer_journey(customer=customer)


def _exposure(customer: Any) -> Any:
    """The customer's credit exposure with its parts, computed by the contracts app."""
    from m2c.contracts.selectors import credit_exposure

    return credit_exposure(customer=customer)


@login_required
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None, user=request.user)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(actor=request.user, **form.service_data())
        except DomainError as exc:
            form.add_domain_error(exc)
            duplicate = exc.extra.get("existing_url")
        else:
            messages.success(request, _("Customer “%(name)s” created.") % {"name": customer.legal_name})
            return redirect("customers:detail", customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "duplicate_url": duplicate, "creating": True})


@login_required
def customer_edit(request: HttpRequest, customer_id: str) -> HttpResponse:
    customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    initial = {
        "legal_name": customer.legal_name,
        "credit_code": customer.credit_code or "",
        "registration_no": customer.registration_no,
        "country": customer.country,
        "province": customer.province,
        "city": customer.city,
        "address": customer.address,
        "website": customer.website,
        "industry": customer.industry,
        "org_unit": customer.org_unit,
        "customer_group": customer.customer_group,
        "tier": customer.tier,
        "ar_owner": customer.ar_owner,
        "credit_rating": customer.credit_rating,
        "credit_limit": customer.credit_limit,
        "credit_currency": customer.credit_currency,
        "credit_hold": customer.credit_hold,
        "compliance_status": customer.compliance_status,
        "compliance_note": customer.compliance_note,
    }
    form = CustomerForm(request.POST or None, initial=initial, user=request.user)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(
                customer=customer,
                actor=request.user,
                expected_version=int(request.POST.get("version") or customer.version),
                **form.service_data(changed_only=True),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
            duplicate = exc.extra.get("existing_url")
        else:
            messages.success(request, _("Customer saved."))
            return redirect("customers:detail", customer.pk)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "customer": customer, "duplicate_url": duplicate, "creating": False},
    )


@login_required
@require_POST
def contact_create(request: HttpRequest, customer_id: str) -> HttpResponse:
    customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_create(customer=customer, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Contact added."))
            return redirect("customers:detail", customer.pk)
    contacts = [(c, format_phone(c.phone)) for c in selectors.contact_list(customer=customer)]
    timeline = core_events.timeline_labelled(customer)
    return render(
        request,
        "customers/customer_detail.html",
        {"customer": customer, "contacts": contacts, "timeline": timeline, "contact_form": form, "show_contact_form": True,
         "exposure": _exposure(customer), "journey": _journey(customer)},
        status=422,
    )
