"""Reads of disputes, dunning steps and collection cases, scoped like invoices (through their contract)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from m2c.contracts.selectors import reads_no_contracts
from m2c.core.errors import NotFound
from m2c.core.scoping import scope

from ..models import CollectionCase, CustomerEmail, Dispute, DunningStep
from ..states import CONTESTED_DISPUTE_STATUSES, CollectionStatus, DisputeStatus
from .invoices import INVOICE_SCOPE, sees_all_cash

DISPUTE_SCOPE = {"org_field": INVOICE_SCOPE["org_field"], "owner_fields": (*INVOICE_SCOPE["owner_fields"], "owner")}


def dispute_queryset(user: Any) -> QuerySet[Dispute]:
    if reads_no_contracts(user):
        return Dispute.objects.none()
    if sees_all_cash(user) and not getattr(user, "partner_id", None):
        return Dispute.objects.all()
    return scope(Dispute.objects.all(), user, **DISPUTE_SCOPE)


def dispute_list(*, user: Any, status: str | None = None, invoice: Any = None, contract: Any = None,
                 search: str | None = None) -> QuerySet[Dispute]:
    qs = dispute_queryset(user).select_related("invoice", "contract", "customer", "owner", "credit_note")
    if status:
        qs = qs.filter(status=status)
    if invoice:
        qs = qs.filter(invoice_id=invoice)
    if contract:
        qs = qs.filter(contract_id=contract)
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(reason__icontains=search)
                       | Q(invoice__official_number__icontains=search) | Q(contract__number__icontains=search)
                       | Q(customer__legal_name__icontains=search))
    return qs.order_by("-opened_on", "-created_at", "pk")


def dispute_get(*, user: Any, dispute_id: Any) -> Dispute:
    found = dispute_queryset(user).select_related("invoice", "contract", "customer", "owner", "credit_note").filter(
        pk=dispute_id).first()
    if found is None:
        raise NotFound()
    return found


def open_disputes(contract_id: Any, *, include_resolved: bool = False) -> QuerySet[Dispute]:
    """The contract's disputes still contested (open, investigating, proposed, escalated), unscoped.

    For the contracts app (closure needs none left). ``include_resolved`` also counts RESOLVED ones not yet
    CLOSED, for a check that every dispute is closed.
    """
    statuses = [*CONTESTED_DISPUTE_STATUSES, *([DisputeStatus.RESOLVED] if include_resolved else [])]
    return Dispute.objects.filter(contract_id=contract_id, status__in=statuses)


def dunning_history(invoice: Any) -> QuerySet[DunningStep]:
    return DunningStep.objects.filter(invoice=invoice).order_by("taken_on", "step")


def customer_emails_of(invoice: Any) -> QuerySet[CustomerEmail]:
    return CustomerEmail.objects.filter(invoice=invoice).order_by("created_at")


def collection_cases(*, invoice: Any = None, contract: Any = None, open_only: bool = False) -> QuerySet[CollectionCase]:
    qs = CollectionCase.objects.select_related("invoice")
    if invoice is not None:
        qs = qs.filter(invoice=invoice)
    if contract is not None:
        qs = qs.filter(contract=contract)
    if open_only:
        qs = qs.filter(status=CollectionStatus.OPEN)
    return qs.order_by("-opened_on")
