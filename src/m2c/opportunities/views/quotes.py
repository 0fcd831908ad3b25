"""Quote pages: versions, lines, discount approval, submission and the PDF."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import rules, selectors, services, vat
from ..forms import (
    QuoteHeaderForm,
    QuoteLineForm,
)
from ..models import CompanyProfile
from ..states import (
    QuoteStatus,
)
from ._common import _run
from .gates import _is_uuid, reasons_display


@login_required
@require_POST
def quote_create(request: HttpRequest, opportunity_id: uuid.UUID) -> HttpResponse:
    opp = selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)
    source = opp.quotes.filter(pk=request.POST["copy_from"]).first() if _is_uuid(request.POST.get("copy_from", "")) else None
    price_list = selectors.price_list_list().filter(active=True, pk=request.POST.get("price_list")).first() if _is_uuid(
        request.POST.get("price_list", "")) else None
    quote = _run(request, lambda: services.quote_create(opportunity=opp, actor=request.user, copy_from=source,
                                                        price_list=price_list), _("Quote version created."))
    if quote is None:
        return redirect("opportunities:detail", opp.pk)
    return redirect("opportunities:quote", quote.pk)


@login_required
def quote_detail(request: HttpRequest, quote_id: uuid.UUID) -> HttpResponse:
    quote = selectors.quote_get(user=request.user, quote_id=quote_id)
    opp = quote.opportunity
    if request.method == "POST":
        action = request.POST.get("action", "")
        note = request.POST.get("note", "").strip()[:2000]
        if action == "line":
            form = QuoteLineForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                _run(request, lambda: services.quote_line_add(
                    quote=quote, actor=request.user, product=d["product"], description=d["description"], site=d["site"],
                    quantity=d["quantity"], unit_list_price=d["unit_list_price"], discount_pct=d["discount_pct"] or 0,
                    unit_cost=d["unit_cost"]), _("Line added."))
            else:
                messages.error(request, form.errors.as_text())
        elif action == "header":
            header = QuoteHeaderForm(request.POST, quote=quote)
            if header.is_valid():
                _run(request, lambda: services.quote_update(quote=quote, actor=request.user, **header.cleaned_data),
                     _("Quote saved."))
            else:
                messages.error(request, header.errors.as_text())
        elif action == "request_approval":
            result = _run(request, lambda: services.quote_request_approval(quote=quote, actor=request.user), "")
            if result is not None:
                messages.success(request, _("Approved: the discount is within your authority.")
                                 if result.status == QuoteStatus.APPROVED else
                                 _("Sent for discount approval at level %(level)s.") % {
                                     "level": result.get_required_level_display()})
        elif action == "approve":
            _run(request, lambda: services.quote_approve(quote=quote, actor=request.user, note=note),
                 _("Discount approved."))
        elif action == "reject":
            _run(request, lambda: services.quote_reject(quote=quote, actor=request.user, reason=note),
                 _("Discount refused; the quote is back in draft."))
        elif action == "submit":
            _run(request, lambda: services.quote_submit(quote=quote, actor=request.user),
                 _("Submitted to the customer."))
        elif action == "submit_bid":
            bid = rules.current_bid(opp)
            if bid is None:
                messages.error(request, _("Record the tender first."))
            else:
                _run(request, lambda: services.bid_submit(bid=bid, actor=request.user, quote=quote),
                     _("Bid submitted with this version."))
        elif action == "withdraw":
            _run(request, lambda: services.quote_withdraw(quote=quote, actor=request.user, reason=note),
                 _("Quote withdrawn."))
        elif action == "remove_line":
            line = quote.lines.filter(pk=request.POST.get("line")).first() if _is_uuid(request.POST.get("line", "")) else None
            if line is not None:
                _run(request, lambda: services.quote_line_remove(line=line, actor=request.user), _("Line removed."))
        else:
            raise Http404
        return redirect("opportunities:quote", quote.pk)
    can_work = rules.can_work_on(opp, request.user)
    level = rules.highest_level_for(request.user, opp)
    from ..states import level_rank

    can_approve = (quote.status == QuoteStatus.PENDING_APPROVAL and level is not None
                   and level_rank(level) >= level_rank(quote.required_level) and request.user.pk != quote.created_by_id)
    lines = list(quote.lines.select_related("product").order_by("position"))
    taxes, total_tax = vat.quote_taxes(quote, lines)
    company = CompanyProfile.current()
    context = {
        "quote": quote, "opportunity": opp, "lines": lines, "taxes": taxes, "total_tax": total_tax,
        "seal_parties": [_("For and on behalf of %(company)s") % {"company": company.name_en if (
            get_language() or "").startswith("en") and company.name_en else company.name}, _("Customer acceptance")],
        "can_work": can_work, "can_approve": can_approve, "header_form": QuoteHeaderForm(quote=quote),
        "line_form": QuoteLineForm(
            products=selectors.product_list().filter(offering_line__in=opp.offering_lines.all())),
        "bid": rules.current_bid(opp), "floor": opp.floor_money, "tab": "list",
        "below_floor": opp.floor_money is not None and not rules.compare_to_floor(opp, quote.net_money)[0],
        "reasons": reasons_display(quote.approval_reasons),
    }
    return render(request, "opportunities/quote_detail.html", context)


@login_required
def quote_pdf(request: HttpRequest, quote_id: uuid.UUID) -> HttpResponse:
    quote = selectors.quote_get(user=request.user, quote_id=quote_id)
    lang = "en" if request.GET.get("lang") == "en" else "zh-hans"
    from .. import pdf  # fpdf2 and fontTools: ~0.3 s to import, paid by the first PDF, not at start

    response = HttpResponse(pdf.render(quote, lang), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.filename(quote, lang)}"'
    return response


@login_required
@require_POST
def line_remove(request: HttpRequest, line_id: uuid.UUID) -> HttpResponse:
    line = selectors.quote_line_get(user=request.user, line_id=line_id)
    _run(request, lambda: services.quote_line_remove(line=line, actor=request.user), _("Line removed."))
    return redirect("opportunities:quote", line.quote_id)
