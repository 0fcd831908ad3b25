"""Customers and contacts over the API: parse, call a service or selector, serialise."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from m2c.core import events as core_events
from m2c.core.pagination import paginate
from m2c.core.schemas import ERRORS, EventOut, Page, ref_out, user_ref_out

from . import selectors, services
from .models import Contact, Customer
from .schemas import ContactIn, ContactOut, ContactPatch, CustomerIn, CustomerOut, CustomerPatch

router = Router(tags=["customers"])

# A search counts its matches up to this many; the response says when the count is a lower bound.
SEARCH_COUNT_LIMIT = 1000


def customer_url(customer_id: Any) -> str:
    # One reverse() per process instead of one per row: it showed up in the profile of a page of 50.
    global _CUSTOMER_URL
    if _CUSTOMER_URL is None:
        _CUSTOMER_URL = reverse("customers:detail", args=["00000000-0000-0000-0000-000000000000"]).replace(
            "00000000-0000-0000-0000-000000000000", "{}"
        )
    return _CUSTOMER_URL.format(customer_id)


_CUSTOMER_URL: str | None = None


def customer_out(c: Customer) -> dict[str, Any]:
    return {
        "id": c.id,
        "legal_name": c.legal_name,
        "normalized_name": c.normalized_name,
        "credit_code": c.credit_code,
        "registration_no": c.registration_no,
        "country": c.country,
        "province": c.province,
        "city": c.city,
        "address": c.address,
        "website": c.website,
        "industry": c.industry,
        "org_unit": ref_out(c.org_unit),
        "customer_group": ref_out(c.customer_group),
        "tier": c.tier,
        "ar_owner": user_ref_out(c.ar_owner),
        "credit_rating": c.credit_rating,
        "credit_limit": {"amount": c.credit_limit, "currency": c.credit_currency},
        "credit_hold": c.credit_hold,
        "compliance_status": c.compliance_status,
        "compliance_note": c.compliance_note,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "version": c.version,
        "url": customer_url(c.pk),
    }


def contact_out(c: Contact) -> dict[str, Any]:
    return {
        "id": c.id,
        "customer_id": c.customer_id,
        "name": c.name,
        "title": c.title,
        "decision_role": c.decision_role,
        "email": c.email,
        "phone": c.phone,
        "consent_email": c.consent_email,
        "consent_phone": c.consent_phone,
        "language": c.language,
        "active": c.active,
        "created_at": c.created_at,
    }


class CustomerFilters(Schema):
    search: str | None = Field(None, max_length=200, description="Name fragment or credit-code prefix")
    org_unit: str | None = Field(None, max_length=64, description="Org unit code; includes units below it")
    customer_group: str | None = Field(None, max_length=64)
    industry: str | None = Field(None, max_length=20)
    tier: str | None = Field(None, max_length=10)
    compliance_status: str | None = Field(None, max_length=10)
    ar_owner: str | None = Field(None, max_length=150, description="Username of the AR")
    country: str | None = Field(None, max_length=2)
    ordering: str = Field("name", max_length=20, description="name, -name, created, -created")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/customers", response={200: Page[CustomerOut], **ERRORS}, summary="List customers")
def list_customers(request: HttpRequest, filters: Query[CustomerFilters]):
    params = filters.model_dump(exclude={"page", "page_size"})
    qs = selectors.customer_list(user=request.user, **params)
    return paginate(
        qs,
        page=filters.page,
        page_size=filters.page_size,
        serialize=customer_out,
        count_limit=SEARCH_COUNT_LIMIT if filters.search else None,
    )


@router.post("/customers", response={201: CustomerOut, **ERRORS}, summary="Create a customer")
def create_customer(request: HttpRequest, payload: CustomerIn):
    data = payload.model_dump()
    customer = services.customer_create(actor=request.user, **data)
    return Status(201, customer_out(selectors.customer_get(user=request.user, customer_id=customer.pk)))


@router.get("/customers/{customer_id}", response={200: CustomerOut, **ERRORS}, summary="One customer")
def get_customer(request: HttpRequest, customer_id: uuid.UUID):
    return customer_out(selectors.customer_get(user=request.user, customer_id=customer_id))


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **ERRORS}, summary="Change fields of a customer")
def update_customer(request: HttpRequest, customer_id: uuid.UUID, payload: CustomerPatch):
    customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    # A JSON null for a required field means "no change"; for optional links it clears them.
    for key in ("legal_name", "industry", "tier", "credit_rating", "compliance_status", "credit_currency", "country"):
        if key in changes and changes[key] is None:
            changes.pop(key)
    updated = services.customer_update(customer=customer, actor=request.user, expected_version=version, **changes)
    # Answer with the committed row the caller was allowed to change (the pre-commit scope), never a 404;
    # read back so values come as stored (decimal places).
    updated.refresh_from_db()
    return customer_out(updated)


@router.get("/customers/{customer_id}/events", response={200: list[EventOut], **ERRORS}, summary="A customer's timeline")
def list_customer_events(request: HttpRequest, customer_id: uuid.UUID):
    customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    return core_events.timeline_out(customer)


@router.get("/customers/{customer_id}/contacts", response={200: list[ContactOut], **ERRORS}, summary="A customer's contacts")
def list_contacts(request: HttpRequest, customer_id: uuid.UUID):
    customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    return [contact_out(c) for c in selectors.contact_list(customer=customer)]


@router.post("/customers/{customer_id}/contacts", response={201: ContactOut, **ERRORS}, summary="Add a contact")
def create_contact(request: HttpRequest, customer_id: uuid.UUID, payload: ContactIn):
    customer = selectors.customer_get(user=request.user, customer_id=customer_id)
    contact = services.contact_create(customer=customer, actor=request.user, **payload.model_dump())
    return Status(201, contact_out(contact))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, summary="One contact")
def get_contact(request: HttpRequest, contact_id: uuid.UUID):
    return contact_out(selectors.contact_get(user=request.user, contact_id=contact_id))


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, summary="Change fields of a contact")
def update_contact(request: HttpRequest, contact_id: uuid.UUID, payload: ContactPatch):
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return contact_out(services.contact_update(contact=contact, actor=request.user, **changes))
