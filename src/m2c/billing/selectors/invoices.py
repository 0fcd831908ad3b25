"""Reads of invoices, scoped through their contract (org subtree, owner, PM); finance reads all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from m2c.contracts.selectors import CONTRACT_SCOPE, reads_no_contracts
from m2c.core.errors import NotFound
from m2c.core.models import Role
from m2c.core.scoping import scope

from ..models import BillingMilestone, Invoice

INVOICE_SCOPE = {"org_field": f"contract__{CONTRACT_SCOPE['org_field']}",
                 "owner_fields": tuple(f"contract__{f}" for f in CONTRACT_SCOPE["owner_fields"])}


def sees_all_cash(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and (user.sees_everything or user.has_role(Role.FINANCE)))


def invoice_queryset(user: Any) -> QuerySet[Invoice]:
    if reads_no_contracts(user):
        return Invoice.objects.none()
    if sees_all_cash(user) and not getattr(user, "partner_id", None):
        return Invoice.objects.all()
    return scope(Invoice.objects.all(), user, **INVOICE_SCOPE)


@dataclass
class InvoiceFilters:
    search: str | None = None
    status: str | None = None
    customer: Any = None
    contract: Any = None
    overdue: bool | None = None


def invoice_list(*, user: Any, filters: InvoiceFilters | None = None) -> QuerySet[Invoice]:
    from django.utils import timezone

    f = filters or InvoiceFilters()
    qs = invoice_queryset(user).select_related("customer", "contract")
    if f.search:
        qs = qs.filter(Q(number__icontains=f.search) | Q(official_number__icontains=f.search)
                       | Q(buyer_name__icontains=f.search) | Q(contract__number__icontains=f.search))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.customer:
        qs = qs.filter(customer_id=f.customer)
    if f.contract:
        qs = qs.filter(contract_id=f.contract)
    if f.overdue:
        qs = qs.filter(status__in=("ISSUED", "PARTIALLY_PAID", "DISPUTED"), due_date__lt=timezone.localdate())
    return qs.order_by("-created_at", "pk")


def invoice_get(*, user: Any, invoice_id: Any) -> Invoice:
    found = invoice_queryset(user).select_related("customer", "contract", "purchase_order").filter(
        pk=invoice_id).first()
    if found is None:
        raise NotFound()
    return found


def milestones_of(contract: Any) -> QuerySet[BillingMilestone]:
    return BillingMilestone.objects.filter(contract=contract).prefetch_related("items__site", "items__invoice")
