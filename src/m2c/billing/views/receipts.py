"""Receipt pages (finance): the list with hand entry and statement upload, the receipt page with its
matching suggestions confirmed in one click, manual allocation and refunds."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m2c.core import events as core_events
from m2c.core.errors import DomainError

from .. import selectors, services
from ..forms import AllocateForm, ReceiptFilterForm, ReceiptForm, RefundForm, StatementForm
from ..models import Receipt
from ..selectors import ReceiptFilters
from ..services.statements import statement_import
from ..states import OPEN_INVOICE_STATUSES
from ._common import finance_only


def _receipt(request: HttpRequest, receipt_id: Any) -> Receipt:
    finance_only(request)
    return selectors.receipt_get(user=request.user, receipt_id=receipt_id)


@login_required
def receipt_list(request: HttpRequest) -> HttpResponse:
    finance_only(request)
    filter_form = ReceiptFilterForm(request.GET or None)
    data = filter_form.cleaned_data if filter_form.is_valid() else {}
    qs = selectors.receipt_list(user=request.user, filters=ReceiptFilters(
        search=data.get("search") or None, status=data.get("status") or None, unmatched=data.get("unmatched")))
    form = ReceiptForm(request.POST or None, initial={"currency": "CNY", "received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            r = services.receipt_record(actor=request.user, amount_=d["amount"], currency=d["currency"],
                                        received_on=d["received_on"], payer_name=d["payer_name"],
                                        bank_ref=d["bank_ref"], remittance=d["remittance"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Receipt recorded."))
            return redirect("billing:receipt", r.pk)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k in filter_form.fields and v})
    return render(request, "billing/receipt_list.html", {
        "filter_form": filter_form, "form": form, "statement_form": StatementForm(), "page": page, "query": query,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def statement_upload(request: HttpRequest) -> HttpResponse:
    finance_only(request)
    form = StatementForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a bank statement file."))
        return redirect("billing:receipts")
    upload = form.cleaned_data["file"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "statement"
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            with transaction.atomic():
                result = statement_import(actor=request.user, path=path, file_name=upload.name)
        except DomainError as exc:
            messages.error(request, exc.detail)
            return redirect("billing:receipts")
    s = result.statement
    messages.success(request, _("%(n)d receipts imported, %(d)d already there, %(e)d rows refused.")
                     % {"n": s.created, "d": s.duplicates, "e": len(s.errors)})
    for e in s.errors[:20]:
        messages.error(request, _("Row %(row)s: %(message)s") % e)
    return redirect("billing:receipts")


def _page(request: HttpRequest, receipt: Receipt, **forms: Any) -> HttpResponse:
    visible = selectors.invoice_queryset(request.user)
    candidates = list(visible.filter(status__in=OPEN_INVOICE_STATUSES).select_related("customer")
                      .order_by("due_date")[:200])
    suggestions = [s for s in selectors.receipt_suggestions(receipt)
                   if all(i in candidates or visible.filter(pk=i.pk).exists() for i in s.invoices)]
    context = {
        "receipt": receipt, "suggestions": suggestions,
        "allocations": receipt.allocations.select_related("invoice"),
        "refunds": receipt.refunds.select_related("requested_by", "decided_by"),
        "timeline": core_events.timeline_labelled(receipt),
        "allocate_form": forms.get("allocate_form") or AllocateForm(invoices=candidates),
        "refund_form": forms.get("refund_form") or RefundForm(),
    }
    return render(request, "billing/receipt_detail.html", context, status=400 if forms else 200)


@login_required
def receipt_detail(request: HttpRequest, receipt_id: Any) -> HttpResponse:
    return _page(request, _receipt(request, receipt_id))


@login_required
@require_POST
def receipt_confirm(request: HttpRequest, receipt_id: Any) -> HttpResponse:
    """Apply one suggestion as shown (one click); all its allocations or none."""
    receipt = _receipt(request, receipt_id)
    chosen = next((s for s in selectors.receipt_suggestions(receipt) if s.key == request.POST.get("key")), None)
    if chosen is None:
        messages.error(request, _("This suggestion no longer applies; the receipt or the invoices changed."))
        return redirect("billing:receipt", receipt.pk)
    visible = selectors.invoice_queryset(request.user)
    try:
        with transaction.atomic():
            for inv, amount in zip(chosen.invoices, chosen.amounts, strict=True):
                services.receipt_allocate(receipt=receipt, invoice=visible.get(pk=inv.pk), actor=request.user,
                                          amount_=amount)
    except DomainError as exc:
        messages.error(request, exc.detail)
    except visible.model.DoesNotExist:
        raise Http404 from None
    else:
        messages.success(request, _("Receipt applied to %(n)s.") % {"n": ", ".join(str(i) for i in chosen.invoices)})
    return redirect("billing:receipt", receipt.pk)


@login_required
@require_POST
def receipt_allocate(request: HttpRequest, receipt_id: Any) -> HttpResponse:
    receipt = _receipt(request, receipt_id)
    visible = selectors.invoice_queryset(request.user).filter(status__in=OPEN_INVOICE_STATUSES)
    form = AllocateForm(request.POST, invoices=list(visible.select_related("customer")[:200]))
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.receipt_allocate(receipt=receipt, invoice=visible.get(pk=d["invoice"]), actor=request.user,
                                      amount_=d["amount"], fx_rate=d["fx_rate"], third_party=d["third_party"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Receipt applied."))
            return redirect("billing:receipt", receipt.pk)
    return _page(request, receipt, allocate_form=form)


@login_required
@require_POST
def receipt_refund(request: HttpRequest, receipt_id: Any) -> HttpResponse:
    receipt = _receipt(request, receipt_id)
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            services.refund_request(receipt=receipt, actor=request.user, amount_=form.cleaned_data["amount"],
                                    reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Refund requested; another finance user approves it."))
            return redirect("billing:receipt", receipt.pk)
    return _page(request, receipt, refund_form=form)


@login_required
@require_POST
def receipt_refund_decide(request: HttpRequest, receipt_id: Any, refund_id: Any) -> HttpResponse:
    receipt = _receipt(request, receipt_id)
    refund = receipt.refunds.filter(pk=refund_id).first()
    if refund is None:
        raise Http404
    try:
        services.refund_decide(refund=refund, actor=request.user, approve=request.POST.get("approve") == "1",
                               reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Refund decided."))
    return redirect("billing:receipt", receipt.pk)
