"""Invoice pages: the list (filters, export of pending requests for batch issuing, import of the tax
platform's official numbers), the invoice page with its commands, its PDF, and a contract's billing."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from m2c.contracts import selectors as contract_selectors
from m2c.core import events as core_events
from m2c.core.errors import DomainError
from m2c.core.exports import Column, export_format, export_response

from .. import selectors, services
from ..forms import (
    CreditNoteForm,
    DisputeForm,
    InvoiceFilterForm,
    InvoiceIssueForm,
    InvoiceRequestForm,
    PlatformImportForm,
)
from ..models import Invoice
from ..selectors import InvoiceFilters
from ..services.dunning import dunnable
from ..services.platform import platform_import_file
from ..states import INVOICE_MACHINE, InvoiceStatus
from ._common import allowed


def _filters(request: HttpRequest) -> tuple[InvoiceFilterForm, InvoiceFilters, str]:
    form = InvoiceFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = InvoiceFilters(search=data.get("search") or None, status=data.get("status") or None,
                             overdue=data.get("overdue") or None)
    query = urlencode({k: v for k, v in request.GET.items() if k in form.fields and v})
    return form, filters, query


@login_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    allowed(request)
    form, filters, query = _filters(request)
    qs = selectors.invoice_list(user=request.user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "billing/invoice_list.html", {"form": form, "page": page, "query": query,
                                                         "import_form": PlatformImportForm(),
                                                         "today": timezone.localdate()})


# The invoice request sheet finance takes to the tax platform (开票申请): one row per line.
EXPORT_COLUMNS = (
    Column(_lazy("Request number"), lambda line: line.invoice.number),
    Column(_lazy("Contract number"), lambda line: line.invoice.contract.number),
    Column(_lazy("VAT invoice type"), lambda line: line.invoice.get_vat_type_display()),
    Column(_lazy("Buyer name"), lambda line: line.invoice.buyer_name),
    Column(_lazy("Buyer taxpayer id"), lambda line: line.invoice.buyer_tax_id),
    Column(_lazy("Buyer address"), lambda line: line.invoice.buyer_address),
    Column(_lazy("Buyer phone"), lambda line: line.invoice.buyer_phone),
    Column(_lazy("Buyer bank and account"), lambda line: line.invoice.buyer_bank),
    Column(_lazy("Item"), lambda line: line.description),
    Column(_lazy("Tax rate %"), lambda line: line.tax_rate),
    Column(_lazy("Amount excluding tax"), lambda line: line.net),
    Column(_lazy("Tax"), lambda line: line.tax),
    Column(_lazy("Total"), lambda line: line.total),
    Column(_lazy("Currency"), lambda line: line.invoice.currency),
)


@login_required
def invoice_export(request: HttpRequest) -> HttpResponse:
    """Pending requests (or the filtered list) as XLSX/CSV for batch issuing on the tax platform."""
    allowed(request)
    _form, filters, _query = _filters(request)
    filters.status = filters.status or InvoiceStatus.DRAFT
    invoices = selectors.invoice_list(user=request.user, filters=filters)
    from ..models import InvoiceLine

    lines = (InvoiceLine.objects.filter(invoice__in=invoices).select_related("invoice__contract")
             .order_by("invoice__number", "position"))
    return export_response(rows=lines, columns=EXPORT_COLUMNS, filename="invoice-requests",
                           format=export_format(request))


@login_required
@require_POST
def platform_import(request: HttpRequest) -> HttpResponse:
    """The tax platform's export: each row's request number gets its official number and date."""
    allowed(request)
    form = PlatformImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file exported from the tax platform."))
        return redirect("billing:invoices")
    visible = selectors.invoice_queryset(request.user)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "platform"
        with open(path, "wb") as out:
            for chunk in form.cleaned_data["file"].chunks():
                out.write(chunk)
        try:
            issued, errors = platform_import_file(actor=request.user, path=path, invoices=visible)
        except DomainError as exc:
            messages.error(request, exc.detail)
            return redirect("billing:invoices")
    messages.success(request, _("%(n)d invoices issued from the tax platform file.") % {"n": issued})
    for e in errors[:20]:
        messages.error(request, _("Row %(row)s: %(message)s") % e)
    return redirect("billing:invoices")


def _page(request: HttpRequest, invoice: Invoice, **forms: Any) -> HttpResponse:
    context = {
        "invoice": invoice,
        "lines": invoice.lines.all(),
        "credit_notes": invoice.credit_notes.all(),
        "allocations": invoice.allocations.select_related("receipt"),
        "timeline": core_events.timeline_labelled(invoice),
        "moves": INVOICE_MACHINE.targets(invoice.status),
        "issue_form": forms.get("issue_form") or InvoiceIssueForm(initial={"issued_on": timezone.localdate()}),
        "credit_form": forms.get("credit_form") or CreditNoteForm(),
        "dispute_form": forms.get("dispute_form") or DisputeForm(initial={"opened_on": timezone.localdate()}),
        "overdue": invoice.is_overdue(),
        "disputes": selectors.dispute_list(user=request.user, invoice=invoice.pk),
        "dunning": selectors.dunning_history(invoice),
        "reminders": selectors.customer_emails_of(invoice),
        "collection_cases": selectors.collection_cases(invoice=invoice),
        "dunnable": dunnable(invoice),
    }
    return render(request, "billing/invoice_detail.html", context, status=400 if forms else 200)


def _invoice(request: HttpRequest, invoice_id: Any) -> Invoice:
    allowed(request)
    return selectors.invoice_get(user=request.user, invoice_id=invoice_id)


@login_required
def invoice_detail(request: HttpRequest, invoice_id: Any) -> HttpResponse:
    return _page(request, _invoice(request, invoice_id))


COMMANDS = {
    "issue": (InvoiceIssueForm, "issue_form", lambda inv, user, d: services.invoice_issue(
        invoice=inv, actor=user, official_number=d["official_number"], issued_on=d["issued_on"]),
        _lazy("Invoice issued.")),
    "credit": (CreditNoteForm, "credit_form", lambda inv, user, d: services.credit_note_issue(
        invoice=inv, actor=user, amount_=d["amount"], reason=d["reason"], issued_on=d["issued_on"]),
        _lazy("Red-letter credit note issued.")),
    "dispute": (DisputeForm, "dispute_form", lambda inv, user, d: services.dispute_open(
        invoice=inv, actor=user, amount_=d["amount"], reason=d["reason"], category=d["category"],
        opened_on=d["opened_on"]), _lazy("Dispute recorded.")),
}


@login_required
@require_POST
def invoice_command(request: HttpRequest, invoice_id: Any, command: str) -> HttpResponse:
    inv = _invoice(request, invoice_id)
    if command == "cancel":
        try:
            services.invoice_cancel_request(invoice=inv, actor=request.user, reason=request.POST.get("reason", ""))
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("Invoice request withdrawn."))
        return redirect("billing:invoice", inv.pk)
    if command not in COMMANDS:
        raise Http404
    form_class, key, action, success = COMMANDS[command]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(inv, request.user, form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, str(success))
            return redirect("billing:invoice", inv.pk)
    return _page(request, inv, **{key: form})


@login_required
def invoice_pdf(request: HttpRequest, invoice_id: Any) -> HttpResponse:
    from ..pdf import render as render_pdf

    inv = _invoice(request, invoice_id)
    language = request.GET.get("lang") or getattr(request, "LANGUAGE_CODE", "zh-hans")
    body = render_pdf(inv, "en" if language.startswith("en") else "zh-hans")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{inv.official_number or inv.number}.pdf"'
    return response


def _add_item_errors(form: InvoiceRequestForm, exc: DomainError) -> None:
    """The errors on the ticked items (``items.N``), which the form has no field for, shown above the form:
    the form places the errors it has fields for (the VAT type) and would drop these beside them."""
    for item in exc.errors or []:
        name = str(item.get("field") or "")
        if name.split(".")[0] not in form.fields and item.get("reason") and form.errors.get(name) is None:
            if str(item["reason"]) not in form.non_field_errors():
                form.add_error(None, item["reason"])


@login_required
def contract_billing(request: HttpRequest, contract_id: Any) -> HttpResponse:
    """A contract's milestones, billing items and invoices, and the invoice request form."""
    allowed(request)
    contract = contract_selectors.contract_get(user=request.user, contract_id=contract_id)
    form = InvoiceRequestForm(request.POST or None)
    chosen = request.POST.getlist("items") if request.method == "POST" else None
    if request.method == "POST" and not chosen:
        # An empty choice is not "everything": the service reads no items as all billable ones.
        form.add_error(None, _("Tick at least one billing item to invoice."))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            inv = services.invoice_request(contract=contract, actor=request.user,
                                           items=chosen, vat_type=d["vat_type"],
                                           tax_rate=d["tax_rate"], buyer_phone=d["buyer_phone"],
                                           buyer_bank=d["buyer_bank"])
        except DomainError as exc:
            form.add_domain_error(exc)
            _add_item_errors(form, exc)
        else:
            messages.success(request, _("Invoice requested."))
            return redirect("billing:invoice", inv.pk)
    context = {"contract": contract, "milestones": selectors.milestones_of(contract),
               "billable": services.invoices.billable_items(contract), "form": form,
               "chosen": None if chosen is None else set(chosen),
               "invoices": selectors.invoice_list(user=request.user, filters=InvoiceFilters(contract=contract.pk)),
               "unbilled": selectors.unbilled(contract.pk),
               "disputes": selectors.dispute_list(user=request.user, contract=contract.pk),
               "collection_cases": selectors.collection_cases(contract=contract)}
    return render(request, "billing/contract_billing.html", context,
                  status=400 if request.method == "POST" else 200)

