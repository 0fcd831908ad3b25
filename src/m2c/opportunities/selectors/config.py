"""Reads of the configuration and catalogue (not scoped: reference data)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from ..models import (
    AuthorityMatrix,
    Checklist,
    DecisionBody,
    DecisionBodyMember,
    PriceList,
    Product,
    Program,
)
from .deals import visible_ids


def matrix_list() -> QuerySet[AuthorityMatrix]:
    return AuthorityMatrix.objects.prefetch_related("rules", "discount_authorities").order_by("-version")


def matrix_get(*, version: int) -> AuthorityMatrix:
    return get_object_or_404(matrix_list(), version=version)


def body_get(body_id: Any) -> DecisionBody | None:
    return DecisionBody.objects.filter(pk=body_id).first()


def price_list_by_code(code: str) -> PriceList | None:
    return PriceList.objects.filter(code=code).first()


def product_by_code(code: str) -> Product | None:
    return Product.objects.filter(code=code).first()


def body_list() -> QuerySet[DecisionBody]:
    return DecisionBody.objects.select_related("org_unit").prefetch_related("memberships__user").order_by("level", "name")


def checklist_list(*, gate_type: str | None = None, active_only: bool = True) -> QuerySet[Checklist]:
    qs = Checklist.objects.prefetch_related("items")
    if gate_type:
        qs = qs.filter(gate_type=gate_type)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("gate_type", "-version")


def product_list(*, offering_line: str | None = None, search: str | None = None, active_only: bool = True) -> QuerySet[Product]:
    qs = Product.objects.select_related("offering_line")
    if offering_line:
        qs = qs.filter(offering_line__code=offering_line)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search) | Q(name_en__icontains=search))
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("offering_line__code", "code")


def price_list_list(*, currency: str | None = None) -> QuerySet[PriceList]:
    qs = PriceList.objects.all()
    if currency:
        qs = qs.filter(currency=currency.upper())
    return qs.order_by("currency", "code")


def program_list(*, user: Any, customer: Any = None) -> QuerySet[Program]:
    qs = Program.objects.select_related("customer")
    if not getattr(user, "sees_everything", False):
        qs = qs.filter(Q(opportunities__in=visible_ids(user)) | Q(created_by=user)).distinct()
    if customer:
        qs = qs.filter(customer_id=customer)
    return qs.order_by("name")


def price_list_get(price_list_id: Any) -> PriceList | None:
    return PriceList.objects.filter(pk=price_list_id).first()


def membership_get(membership_id: Any) -> DecisionBodyMember | None:
    return DecisionBodyMember.objects.select_related("body", "user").filter(pk=membership_id).first()


def product_get(product_id: Any) -> Product | None:
    return Product.objects.select_related("offering_line").filter(pk=product_id).first()
