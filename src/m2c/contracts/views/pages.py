"""The contract list (filters, export), the contract page (versions, lines, sites, POs, delivery,
acceptance, reviews, timeline) and the forms and commands posted from it. Thin: every write is a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from m2c.core import events as core_events
from m2c.core.errors import DomainError, PermissionDenied
from m2c.core.exports import Column, export_format, export_response
from m2c.core.models import Role
from m2c.opportunities import selectors as opportunity_selectors

from .. import selectors, services
from ..forms import (
    CertificateForm,
    ContractFilterForm,
    HandoverForm,
    PurchaseOrderForm,
    ReasonForm,
    ReviewForm,
    ShipmentForm,
    SiteForm,
)
from ..models import Contract
from ..selectors import ContractFilters
from ..services._common import can_work_on
from ..states import CONTRACT_MACHINE, ContractStatus

# Marketing and partner users have no contract pages (domain.md 5: contracts are the iron triangle's,
# finance's and management's).
NO_CONTRACTS = (Role.MARKETING, Role.PARTNER)
COMMANDS = {
    "suspend": services.contract_suspend,
    "resume": services.contract_resume,
    "fulfil": services.contract_fulfil,
    "terminate": services.contract_terminate,
}


def _allowed(request: HttpRequest) -> None:
    user = request.user
    if not user.sees_everything and user.has_role(*NO_CONTRACTS) and not user.has_role(
            Role.AR, Role.SR, Role.FR, Role.FINANCE, Role.DECISION_TEAM):
        raise PermissionDenied(_("Your role has no access to contracts."))


def _contract(request: HttpRequest, contract_id: Any) -> Contract:
    _allowed(request)
    return selectors.contract_get(user=request.user, contract_id=contract_id)


def _filters(request: HttpRequest) -> tuple[ContractFilterForm, ContractFilters, str]:
    form = ContractFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = ContractFilters(search=data.get("search") or None, status=data.get("status") or None,
                              signed_from=data.get("signed_from"), signed_to=data.get("signed_to"))
    query = urlencode({k: v for k, v in request.GET.items() if k in form.fields and v})
    return form, filters, query


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form, filters, query = _filters(request)
    qs = selectors.contract_list(user=request.user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "contracts/contract_list.html", {"form": form, "page": page, "query": query})


EXPORT_COLUMNS = (
    Column(_lazy("Contract number"), lambda c: c.number),
    Column(pgettext_lazy("record", "Title"), lambda c: c.title),
    Column(_lazy("Customer"), lambda c: c.customer.legal_name),
    Column(_lazy("Status"), lambda c: c.get_status_display()),
    Column(_lazy("Total value"), lambda c: c.total_value),
    Column(_lazy("Currency"), lambda c: c.currency),
    Column(_lazy("Signed on"), lambda c: c.signed_on),
    Column(_lazy("Owner"), lambda c: str(c.owner)),
)


@login_required
def contract_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered on screen, as CSV or XLSX, with only the contracts the reader may see."""
    _allowed(request)
    _form, filters, _query = _filters(request)
    qs = selectors.contract_list(user=request.user, filters=filters)
    return export_response(rows=qs, columns=EXPORT_COLUMNS, filename="contracts", format=export_format(request))


def _registered_partner(contract: Contract) -> Any:
    """The partner the deal was registered by (domain.md 8.2 rule 7), read through partners' selector."""
    if not contract.registered_partner_id:
        return None
    from m2c.partners import selectors as partner_selectors

    return partner_selectors.partner_by_id(contract.registered_partner_id)


def _page(request: HttpRequest, contract: Contract, **forms: Any) -> HttpResponse:
    sites = list(contract.sites.all())
    initial = {"currency": contract.currency}
    context = {
        "contract": contract,
        "can_work": can_work_on(contract, request.user),
        "sites": selectors.site_progress(contract),
        "lines": contract.lines.select_related("site"),
        "versions": contract.versions.all(),
        "purchase_orders": contract.purchase_orders.all(),
        "shipments": contract.shipments.select_related("site"),
        "certificates": contract.certificates.prefetch_related("sites"),
        "coverage": selectors.acceptance_coverage(contract),
        "project": getattr(contract, "delivery_project", None) if hasattr(contract, "delivery_project") else None,
        "reviews": opportunity_selectors.contract_reviews(contract_id=contract.pk),
        "moves": CONTRACT_MACHINE.targets(contract.status),
        "timeline": core_events.timeline_labelled(contract),
        "exposure": selectors.credit_exposure(customer=contract.customer),
        "registered_partner": _registered_partner(contract),
        "handover_form": forms.get("handover_form") or HandoverForm(initial={"handover_on": timezone.localdate()}),
        "site_form": forms.get("site_form") or SiteForm(),
        "po_form": forms.get("po_form") or PurchaseOrderForm(initial=initial),
        "shipment_form": forms.get("shipment_form") or ShipmentForm(sites=sites),
        "certificate_form": forms.get("certificate_form") or CertificateForm(sites=sites),
        "reason_form": ReasonForm(),
        "review_form": forms.get("review_form") or ReviewForm(initial=initial),
        "statuses": ContractStatus,
    }
    from .changes import panels  # the change and closure panels (partials of the contract page)

    context.update(panels(request, contract, forms))
    return render(request, "contracts/contract_detail.html", context, status=400 if forms else 200)


@login_required
def contract_detail(request: HttpRequest, contract_id: Any) -> HttpResponse:
    return _page(request, _contract(request, contract_id))


def _post(request: HttpRequest, contract: Contract, form: Any, key: str, action: Callable[[dict], Any],
          success: str) -> HttpResponse:
    """Validate ``form``, run the service; a refusal is shown beside the form and nothing is written."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, success)
            return redirect("contracts:detail", contract.pk)
    return _page(request, contract, **{key: form})


@login_required
@require_POST
def handover(request: HttpRequest, contract_id: Any) -> HttpResponse:
    c = _contract(request, contract_id)
    return _post(request, c, HandoverForm(request.POST), "handover_form", lambda d: services.contract_handover(
        contract=c, actor=request.user, pm=d["pm"], handover_on=d["handover_on"], baseline_plan=d["baseline_plan"]),
        _("Handover recorded: the delivery project is created."))


@login_required
@require_POST
def site_add(request: HttpRequest, contract_id: Any) -> HttpResponse:
    c = _contract(request, contract_id)
    return _post(request, c, SiteForm(request.POST), "site_form", lambda d: services.site_save(
        contract=c, actor=request.user, name=d["name"], share_pct=d["share_pct"], location=d["location"]),
        _("Site saved."))


@login_required
def site_edit(request: HttpRequest, contract_id: Any, site_id: Any) -> HttpResponse:
    c = _contract(request, contract_id)
    site = c.sites.filter(pk=site_id).first()
    if site is None:
        raise Http404
    form = SiteForm(request.POST or None, initial={"name": site.name, "share_pct": site.share_pct,
                                                   "location": site.location})
    if request.method == "POST" and form.is_valid():
        try:
            services.site_save(contract=c, actor=request.user, site=site, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Site saved."))
            return redirect("contracts:detail", c.pk)
    return render(request, "contracts/site_form.html", {"contract": c, "site": site, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def purchase_order_add(request: HttpRequest, contract_id: Any) -> HttpResponse:
    c = _contract(request, contract_id)
    form = PurchaseOrderForm(request.POST, request.FILES, initial={"currency": c.currency})
    return _post(request, c, form, "po_form", lambda d: services.purchase_order_record(
        contract=c, actor=request.user, number=d["number"], issued_on=d["issued_on"], amount=d["amount"],
        upload=d.get("file")), _("Customer PO recorded."))


@login_required
@require_POST
def shipment_add(request: HttpRequest, contract_id: Any) -> HttpResponse:
    c = _contract(request, contract_id)
    form = ShipmentForm(request.POST, request.FILES, sites=list(c.sites.all()))
    return _post(request, c, form, "shipment_form", lambda d: services.shipment_record(
        contract=c, actor=request.user, site=d["site"] or None, description=d["description"],
        shipped_on=d["shipped_on"], delivered_on=d["delivered_on"], upload=d.get("delivery_note")),
        _("Shipment recorded."))


@login_required
@require_POST
def certificate_add(request: HttpRequest, contract_id: Any) -> HttpResponse:
    c = _contract(request, contract_id)
    form = CertificateForm(request.POST, request.FILES, sites=list(c.sites.all()))
    return _post(request, c, form, "certificate_form", lambda d: services.certificate_record(
        contract=c, actor=request.user, type=d["type"], sites=d["sites"], whole_contract=d["whole_contract"],
        signed_on=d["signed_on"], signatory=d["signatory"], scope_note=d["scope_note"], upload=d.get("evidence")),
        _("Acceptance certificate recorded."))


@login_required
@require_POST
def contract_command(request: HttpRequest, contract_id: Any, command: str) -> HttpResponse:
    c = _contract(request, contract_id)
    service = COMMANDS.get(command)
    if service is None:
        raise Http404
    try:
        service(contract=c, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Contract updated."))
    return redirect("contracts:detail", c.pk)


@login_required
@require_POST
def review_open(request: HttpRequest, contract_id: Any, gate: str) -> HttpResponse:
    c = _contract(request, contract_id)
    form = ReviewForm(request.POST, initial={"currency": c.currency})
    if not form.is_valid():
        return _page(request, c, review_form=form)
    try:
        review = services.contract_review_open(contract=c, actor=request.user, gate_type=gate.upper(),
                                               delta=form.cleaned_data.get("delta"),
                                               summary=form.cleaned_data.get("summary") or "")
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("contracts:detail", c.pk)
    messages.success(request, _("Review opened: answer the checklist and submit it."))
    return redirect("opportunities:review", review.pk)


FILES = {
    "po": ("purchase_orders", "file"),
    "shipment": ("shipments", "delivery_note"),
    "certificate": ("certificates", "evidence"),
}


@login_required
def contract_file(request: HttpRequest, contract_id: Any, file_kind: str, file_id: Any) -> HttpResponse:
    """Download a PO scan, delivery note or acceptance evidence of a contract the reader may see."""
    c = _contract(request, contract_id)
    if file_kind not in FILES:
        raise Http404
    related, field = FILES[file_kind]
    record = getattr(c, related).filter(pk=file_id).first()
    stored = getattr(record, field, None) if record is not None else None
    if not stored:
        raise Http404
    name = stored.name.rsplit("/", 1)[-1]
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)


