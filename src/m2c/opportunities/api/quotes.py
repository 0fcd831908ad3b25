"""Quotes and bids: versions, lines, discount approval, submission, the PDF."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Status

from m2c.core.errors import ValidationFailed
from m2c.core.schemas import ERRORS

from .. import selectors, services
from ..models import (
    PriceList,
    Quote,
    QuoteLine,
)
from ..schemas import (
    BidIn,
    BidOut,
    BidSubmitIn,
    OpportunityReasonIn,
    QuoteApprovalIn,
    QuoteCreateIn,
    QuoteLineIn,
    QuoteLineOut,
    QuoteLinePatch,
    QuoteOut,
    QuotePatch,
    RejectIn,
)
from ..schemas.quotes import bid_out, quote_line_out, quote_out
from ._common import _opp, router


def _quote(request: HttpRequest, quote_id: uuid.UUID) -> Quote:
    return selectors.quote_get(user=request.user, quote_id=quote_id)


def _price_list(code: str | None) -> PriceList | None:
    if not code:
        return None
    found = selectors.price_list_by_code(code)
    if found is None:
        raise ValidationFailed(_("Unknown price list."), field="price_list")
    return found


@router.get("/opportunities/{opportunity_id}/quotes", response={200: list[QuoteOut], **ERRORS}, summary="Quote versions")
def list_quotes(request: HttpRequest, opportunity_id: uuid.UUID):
    opp = _opp(request, opportunity_id)
    return [quote_out(q) for q in opp.quotes.select_related("price_list", "approved_by", "authority_matrix")]


@router.post("/opportunities/{opportunity_id}/quotes", response={201: QuoteOut, **ERRORS},
             summary="Create a quote version (optionally a copy of an earlier one)")
def create_quote(request: HttpRequest, opportunity_id: uuid.UUID, payload: QuoteCreateIn):
    opp = _opp(request, opportunity_id)
    source = None
    if payload.copy_from:
        source = opp.quotes.filter(pk=payload.copy_from).first()
        if source is None:
            raise ValidationFailed(_("Unknown quote of this opportunity."), field="copy_from")
    quote = services.quote_create(
        opportunity=opp, actor=request.user, currency=payload.currency, price_list=_price_list(payload.price_list),
        copy_from=source, title=payload.title, valid_until=payload.valid_until, payment_terms=payload.payment_terms,
        delivery_terms=payload.delivery_terms, notes=payload.notes,
    )
    return Status(201, quote_out(quote))


@router.get("/quotes/{quote_id}", response={200: QuoteOut, **ERRORS}, summary="One quote version")
def get_quote(request: HttpRequest, quote_id: uuid.UUID):
    return quote_out(_quote(request, quote_id))


@router.patch("/quotes/{quote_id}", response={200: QuoteOut, **ERRORS}, summary="Change a draft's header")
def update_quote(request: HttpRequest, quote_id: uuid.UUID, payload: QuotePatch):
    quote = _quote(request, quote_id)
    data = payload.model_dump(exclude_unset=True)
    if "price_list" in data:
        data["price_list"] = _price_list(data["price_list"])
    data = {k: v for k, v in data.items() if v is not None or k in ("valid_until", "price_list")}
    return quote_out(services.quote_update(quote=quote, actor=request.user, **data))


@router.post("/quotes/{quote_id}/lines", response={201: QuoteLineOut, **ERRORS}, summary="Add a line to a draft")
def add_line(request: HttpRequest, quote_id: uuid.UUID, payload: QuoteLineIn):
    quote = _quote(request, quote_id)
    product = None
    if payload.product:
        product = selectors.product_by_code(payload.product)
        if product is None:
            raise ValidationFailed(_("Unknown product."), field="product")
    data = payload.model_dump(exclude={"product"})
    return Status(201, quote_line_out(services.quote_line_add(quote=quote, actor=request.user, product=product, **data)))


def _line(request: HttpRequest, line_id: uuid.UUID) -> QuoteLine:
    return selectors.quote_line_get(user=request.user, line_id=line_id)


@router.patch("/quote-lines/{line_id}", response={200: QuoteLineOut, **ERRORS}, summary="Change a line of a draft")
def update_line(request: HttpRequest, line_id: uuid.UUID, payload: QuoteLinePatch):
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return quote_line_out(services.quote_line_update(line=_line(request, line_id), actor=request.user, **changes))


@router.delete("/quote-lines/{line_id}", response={204: None, **ERRORS}, summary="Remove a line of a draft")
def remove_line(request: HttpRequest, line_id: uuid.UUID):
    services.quote_line_remove(line=_line(request, line_id), actor=request.user)
    return Status(204, None)


@router.post("/quotes/{quote_id}/request-approval", response={200: QuoteOut, **ERRORS},
             summary="Within the preparer's discount authority: approved; beyond it: pending approval")
def request_approval(request: HttpRequest, quote_id: uuid.UUID):
    return quote_out(services.quote_request_approval(quote=_quote(request, quote_id), actor=request.user))


@router.post("/quotes/{quote_id}/approve", response={200: QuoteOut, **ERRORS}, summary="Approve the discount")
def approve_quote(request: HttpRequest, quote_id: uuid.UUID, payload: QuoteApprovalIn):
    return quote_out(services.quote_approve(quote=_quote(request, quote_id), actor=request.user, note=payload.note))


@router.post("/quotes/{quote_id}/reject", response={200: QuoteOut, **ERRORS}, summary="Refuse the discount (back to draft)")
def reject_quote(request: HttpRequest, quote_id: uuid.UUID, payload: RejectIn):
    return quote_out(services.quote_reject(quote=_quote(request, quote_id), actor=request.user, reason=payload.reason))


@router.post("/quotes/{quote_id}/submit", response={200: QuoteOut, **ERRORS},
             summary="Send an approved version to the customer during negotiation")
def submit_quote(request: HttpRequest, quote_id: uuid.UUID):
    return quote_out(services.quote_submit(quote=_quote(request, quote_id), actor=request.user))


@router.post("/quotes/{quote_id}/withdraw", response={200: QuoteOut, **ERRORS}, summary="Withdraw a version")
def withdraw_quote(request: HttpRequest, quote_id: uuid.UUID, payload: OpportunityReasonIn):
    return quote_out(services.quote_withdraw(quote=_quote(request, quote_id), actor=request.user, reason=payload.reason))


@router.get("/quotes/{quote_id}/pdf", response={200: bytes, **ERRORS}, summary="The quote as a PDF (zh-hans or en)",
            openapi_extra={"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}})
def quote_pdf(request: HttpRequest, quote_id: uuid.UUID, lang: str = Query("zh-hans", pattern="^(zh-hans|en)$")):
    quote = _quote(request, quote_id)
    from .. import pdf  # fpdf2 and fontTools: ~0.3 s to import, paid by the first PDF, not at start

    response = HttpResponse(pdf.render(quote, lang), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.filename(quote, lang)}"'
    return response


@router.get("/opportunities/{opportunity_id}/bids", response={200: list[BidOut], **ERRORS}, summary="Tenders")
def list_bids(request: HttpRequest, opportunity_id: uuid.UUID):
    return [bid_out(b) for b in _opp(request, opportunity_id).bids.all()]


@router.post("/opportunities/{opportunity_id}/bids", response={201: BidOut, **ERRORS},
             summary="Record an RFP or tender with its deadline")
def record_bid(request: HttpRequest, opportunity_id: uuid.UUID, payload: BidIn):
    bid = services.bid_record(opportunity=_opp(request, opportunity_id), actor=request.user,
                              rfp_received_on=payload.rfp_received_on, deadline=payload.deadline,
                              reference=payload.reference, notes=payload.notes)
    return Status(201, bid_out(bid))


@router.post("/bids/{bid_id}/submit", response={200: BidOut, **ERRORS},
             summary="Submit the bid with an approved quote (needs ATB GO, before the deadline)")
def submit_bid(request: HttpRequest, bid_id: uuid.UUID, payload: BidSubmitIn):
    bid = selectors.bid_get(user=request.user, bid_id=bid_id)
    quote = bid.opportunity.quotes.filter(pk=payload.quote).first()
    if quote is None:
        raise ValidationFailed(_("Unknown quote of this opportunity."), field="quote")
    return bid_out(services.bid_submit(bid=bid, actor=request.user, quote=quote))
