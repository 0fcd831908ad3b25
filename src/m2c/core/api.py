"""Core endpoints: who am I, personal API tokens, reference data."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import get_language
from ninja import Path, Query, Router, Status

from . import notifications, selectors, services
from .models import ApiToken
from .pagination import paginate
from .schemas import (
    ERRORS,
    MarkedOut,
    MeOut,
    NotificationOut,
    OutSchema,
    Page,
    RefOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    ref_out,
)

router = Router(tags=["core"])


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _token_out(token: ApiToken) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat(),
        "last_used_at": _iso(token.last_used_at),
        "revoked_at": _iso(token.revoked_at),
    }


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The signed-in user")
def get_me(request: HttpRequest):
    user = request.user
    return {
        "id": user.id,
        "username": user.username,
        "display_name": str(user),
        "email": user.email,
        "roles": sorted(user.roles),
        "org_unit": ref_out(user.org_unit),
        "language": get_language() or "en",
    }


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="My API tokens")
def list_tokens(request: HttpRequest):
    return [_token_out(t) for t in selectors.token_list(user=request.user)]


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS}, summary="Create a personal API token")
def create_token(request: HttpRequest, payload: TokenIn):
    token, clear = services.token_create(user=request.user, name=payload.name, actor=request.user)
    return Status(201, {**_token_out(token), "token": clear})


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **ERRORS}, summary="Revoke one of my API tokens")
def revoke_token(request: HttpRequest, token_id: uuid.UUID):
    token = get_object_or_404(selectors.token_list(user=request.user), pk=token_id)
    return _token_out(services.token_revoke(token=token, actor=request.user))


class OrgUnitOut(RefOut):
    type: str
    parent_id: uuid.UUID | None
    path: str


@router.get("/org-units", response={200: list[OrgUnitOut], **ERRORS}, summary="Org units (the organisation tree)")
def list_org_units(request: HttpRequest, type: str | None = None):
    return [
        {"id": u.id, "code": u.code, "name": u.label, "type": u.type, "parent_id": u.parent_id, "path": u.path}
        for u in selectors.org_unit_list(type=type)
    ]


class OfferingLineOut(RefOut):
    product_category: str


@router.get("/offering-lines", response={200: list[OfferingLineOut], **ERRORS}, summary="Offering lines (product categories)")
def list_offering_lines(request: HttpRequest):
    return [
        {"id": o.id, "code": o.code, "name": o.label, "product_category": o.product_category}
        for o in selectors.offering_line_list()
    ]


class CurrencyOut(OutSchema):
    code: str
    name: str
    minor_units: int


class FxRateOut(OutSchema):
    currency: str
    quote_currency: str
    rate: Decimal
    valid_on: dt.date


@router.get("/currencies", response={200: list[CurrencyOut], **ERRORS}, summary="Active currencies")
def list_currencies(request: HttpRequest):
    return list(selectors.currency_list().values("code", "name", "minor_units"))


@router.get("/fx-rates", response={200: list[FxRateOut], **ERRORS}, summary="Dated exchange rates")
def list_fx_rates(request: HttpRequest, currency: str | None = None):
    return [
        {"currency": r.currency_id, "quote_currency": r.quote_currency_id, "rate": r.rate, "valid_on": r.valid_on}
        for r in selectors.fx_rate_list(currency=currency)[:1000]
    ]


def _reader_language(request: HttpRequest) -> str:
    """The language a notification is read in: the request's Accept-Language, else the user's own."""
    if request.META.get("HTTP_ACCEPT_LANGUAGE"):
        return translation.get_language_from_request(request)
    return getattr(request.user, "preferred_language", "") or settings.LANGUAGE_CODE


def _notification_out(note: notifications.Notification) -> dict:
    # Title and body are rendered when read, in the reader's language (issue 9), as the web page does.
    return {
        "id": note.id,
        "title": note.display_title,
        "body": note.display_body,
        "url": note.url,
        "kind": note.kind,
        "subject_type": note.subject_type,
        "subject_id": note.subject_id,
        "created_at": note.created_at,
        "read_at": note.read_at,
    }


@router.get("/notifications", response={200: Page[NotificationOut], **ERRORS}, summary="My notifications, newest first")
def list_notifications(
    request: HttpRequest,
    unread: bool | None = Query(None, description="true: only unread; false: only read"),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=500),
):
    qs = notifications.notification_list(user=request.user, unread=unread)
    with translation.override(_reader_language(request)):
        return paginate(qs, page=page, page_size=page_size, serialize=_notification_out)


@router.post("/notifications/read-all", response={200: MarkedOut, **ERRORS}, summary="Mark all my notifications read")
def read_all_notifications(request: HttpRequest):
    return {"marked": notifications.mark_read(request.user)}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS},
             summary="Mark one of my notifications read")
def read_notification(request: HttpRequest, notification_id: int = Path(..., ge=1, le=2**62)):
    note = get_object_or_404(notifications.notification_list(user=request.user), pk=notification_id)
    notifications.mark_read(request.user, [note.pk])
    note.refresh_from_db(fields=["read_at"])
    with translation.override(_reader_language(request)):
        return _notification_out(note)
