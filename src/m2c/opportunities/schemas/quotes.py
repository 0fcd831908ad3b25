"""Schemas and serialisers of the catalogue, quotes and bids."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from m2c.core.schemas import (
    Amount,
    InSchema,
    MoneyOut,
    OutSchema,
    RefOut,
    UserRefOut,
    money_out,
    ref_out,
    user_ref_out,
)

from .. import rules
from ..models import (
    Bid,
    PriceList,
    Product,
    Quote,
    QuoteLine,
)
from .common import Code, Currency, Day, Moment, Text
from .gates import LevelReasonOut, _reason


class ProductIn(InSchema):
    code: Code
    name: Text = Field(min_length=1, max_length=200)
    name_en: Text = Field("", max_length=200)
    offering_line: Code
    kind: Product.Kind = Product.Kind.HARDWARE
    unit: Product.Unit = Product.Unit.PIECE
    standard_cost: Amount = Decimal(0)
    cost_currency: Currency = "CNY"
    description: Text = Field("", max_length=5000)
    active: bool = True


class PriceOut(OutSchema):
    price_list: str
    currency: str
    list_price: Decimal


class ProductOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    name_en: str
    offering_line: RefOut
    kind: str
    unit: str
    standard_cost: MoneyOut
    active: bool
    prices: list[PriceOut]


class PriceListIn(InSchema):
    code: Code
    name: Text = Field(min_length=1, max_length=120)
    currency: Currency
    valid_from: Day | None = None
    valid_to: Day | None = None
    active: bool = True
    prices: dict[Annotated[str, Field(max_length=40)], Amount] = Field(default_factory=dict,
                                                                       description="Product code → list price")


class PriceListItemOut(OutSchema):
    product: str
    name: str
    list_price: Decimal


class PriceListOut(OutSchema):
    id: uuid.UUID
    code: str
    name: str
    currency: str
    valid_from: dt.date
    valid_to: dt.date | None
    active: bool
    items: list[PriceListItemOut]


class QuoteCreateIn(InSchema):
    currency: Currency | None = None
    price_list: Code | None = Field(None, description="Price list code")
    copy_from: uuid.UUID | None = Field(None, description="Copy the lines of an earlier version")
    title: Text = Field("", max_length=200)
    valid_until: Day | None = None
    payment_terms: Text = Field("", max_length=5000)
    delivery_terms: Text = Field("", max_length=5000)
    notes: Text = Field("", max_length=5000)


class QuotePatch(InSchema):
    title: Text | None = Field(None, max_length=200)
    valid_until: Day | None = None
    payment_terms: Text | None = Field(None, max_length=5000)
    delivery_terms: Text | None = Field(None, max_length=5000)
    notes: Text | None = Field(None, max_length=5000)
    price_list: Code | None = None


class QuoteLineIn(InSchema):
    product: Code | None = Field(None, description="Product code; its list price and cost fill in")
    description: Text = Field("", max_length=300)
    site: Text = Field("", max_length=120, description="Site or phase")
    quantity: Amount = Decimal(1)
    unit_list_price: Amount | None = None
    discount_pct: Amount = Decimal(0)
    unit_cost: Amount | None = None


class QuoteLinePatch(InSchema):
    description: Text | None = Field(None, max_length=300)
    site: Text | None = Field(None, max_length=120)
    quantity: Amount | None = None
    unit_list_price: Amount | None = None
    discount_pct: Amount | None = None
    unit_cost: Amount | None = None


class QuoteLineOut(OutSchema):
    id: uuid.UUID
    position: int
    product: str | None
    description: str
    site: str
    quantity: Decimal
    unit_list_price: Decimal
    discount_pct: Decimal
    unit_net_price: Decimal
    unit_cost: Decimal
    list_amount: Decimal
    net_amount: Decimal
    cost_amount: Decimal
    margin_pct: Decimal | None


class QuoteOut(OutSchema):
    id: uuid.UUID
    opportunity: uuid.UUID
    version: int
    status: str
    currency: str
    price_list: str | None
    bid: uuid.UUID | None
    title: str
    valid_until: dt.date | None
    payment_terms: str
    delivery_terms: str
    notes: str
    total_list: MoneyOut
    total_net: MoneyOut
    total_cost: MoneyOut
    margin_pct: Decimal | None
    discount_pct: Decimal
    required_level: str
    approval_reasons: list[LevelReasonOut]
    authority_rule_version: int | None
    approved_by: UserRefOut | None
    approved_at: dt.datetime | None
    approval_note: str
    submitted_at: dt.datetime | None
    lines: list[QuoteLineOut]
    pdf_url: str
    url: str


class QuoteApprovalIn(InSchema):
    note: Text = Field("", max_length=2000)


class RejectIn(InSchema):
    reason: Text = Field(min_length=1, max_length=2000)


class BidIn(InSchema):
    rfp_received_on: Day
    deadline: Moment = Field(description="With its time zone, e.g. 2026-07-01T17:00:00+08:00")
    reference: Text = Field("", max_length=80)
    notes: Text = Field("", max_length=5000)


class BidSubmitIn(InSchema):
    quote: uuid.UUID


class BidOut(OutSchema):
    id: uuid.UUID
    opportunity: uuid.UUID
    reference: str
    rfp_received_on: dt.date
    deadline: dt.datetime
    working_days_left: int
    submitted_at: dt.datetime | None
    quote: uuid.UUID | None


# --- serialisers: rows to the dicts the ...Out schemas validate --------------------------------


def quote_line_out(line: QuoteLine) -> dict[str, Any]:
    return {"id": line.pk, "position": line.position, "product": line.product.code if line.product_id else None,
            "description": line.description, "site": line.site, "quantity": line.quantity,
            "unit_list_price": line.unit_list_price, "discount_pct": line.discount_pct,
            "unit_net_price": line.unit_net_price, "unit_cost": line.unit_cost, "list_amount": line.list_amount,
            "net_amount": line.net_amount, "cost_amount": line.cost_amount, "margin_pct": line.margin_pct}


def quote_out(q: Quote) -> dict[str, Any]:
    return {
        "id": q.pk, "opportunity": q.opportunity_id, "version": q.number, "status": q.status, "currency": q.currency,
        "price_list": q.price_list.code if q.price_list_id else None, "bid": q.bid_id, "title": q.title,
        "valid_until": q.valid_until, "payment_terms": q.payment_terms, "delivery_terms": q.delivery_terms,
        "notes": q.notes, "total_list": money_out(q.total_list, q.currency), "total_net": money_out(q.total_net, q.currency),
        "total_cost": money_out(q.total_cost, q.currency), "margin_pct": q.margin_pct, "discount_pct": q.discount_pct,
        "required_level": q.required_level, "approval_reasons": [_reason(x) for x in q.approval_reasons or []],
        "authority_rule_version": q.authority_matrix.version if q.authority_matrix_id else None,
        "approved_by": user_ref_out(q.approved_by), "approved_at": q.approved_at, "approval_note": q.approval_note,
        "submitted_at": q.submitted_at,
        "lines": [quote_line_out(line) for line in q.lines.select_related("product").order_by("position")],
        "pdf_url": f"/api/v1/quotes/{q.pk}/pdf", "url": f"/opportunities/quotes/{q.pk}/",
    }


def bid_out(b: Bid) -> dict[str, Any]:
    return {"id": b.pk, "opportunity": b.opportunity_id, "reference": b.reference, "rfp_received_on": b.rfp_received_on,
            "deadline": b.deadline, "working_days_left": rules.working_days_left(b.deadline),
            "submitted_at": b.submitted_at, "quote": b.quote_id}


def product_out(p: Product) -> dict[str, Any]:
    return {"id": p.pk, "code": p.code, "name": p.name, "name_en": p.name_en, "offering_line": ref_out(p.offering_line),
            "kind": p.kind, "unit": p.unit, "standard_cost": money_out(p.standard_cost, p.cost_currency), "active": p.active,
            "prices": [{"price_list": i.price_list.code, "currency": i.price_list.currency, "list_price": i.list_price}
                       for i in p.prices.select_related("price_list")]}


def price_list_out(p: PriceList) -> dict[str, Any]:
    return {"id": p.pk, "code": p.code, "name": p.name, "currency": p.currency, "valid_from": p.valid_from,
            "valid_to": p.valid_to, "active": p.active,
            "items": [{"product": i.product.code, "name": i.product.label, "list_price": i.list_price}
                      for i in p.items.select_related("product")]}
