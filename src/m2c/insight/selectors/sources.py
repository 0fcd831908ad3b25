"""Where a requirement was raised from: a lead, an opportunity or a contract, read through its own app's
scoped selectors, so the raise form can be pre-filled and the saved requirement can link back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from m2c.contracts import selectors as contract_selectors
from m2c.leads import selectors as lead_selectors
from m2c.opportunities import selectors as opportunity_selectors

from ..states import RequirementSource


@dataclass
class RequirementOrigin:
    """The record a requirement comes from, as the reader may see it."""

    source_type: str
    record: Any
    label: str
    url: str
    customer: Any = None
    opportunity: Any = None


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def requirement_origin(*, user: Any, source_type: str, source_id: Any) -> RequirementOrigin | None:
    """The lead, opportunity or contract ``source_id`` names, if ``user`` may see it; otherwise None (other
    sources, such as insight reports, carry no customer to pre-fill)."""
    pk = _uuid(source_id)
    if pk is None:
        return None
    if source_type == RequirementSource.LEAD:
        lead = lead_selectors.lead_queryset(user).select_related("customer").filter(pk=pk).first()
        if lead is None:
            return None
        return RequirementOrigin(source_type, lead, lead.title, reverse("leads:detail", args=[lead.pk]),
                                 customer=lead.customer if lead.customer_id else None)
    if source_type in (RequirementSource.OPPORTUNITY, RequirementSource.LOSS):
        deal = opportunity_selectors.opportunity_queryset(user).select_related("customer").filter(pk=pk).first()
        if deal is None:
            return None
        return RequirementOrigin(source_type, deal, deal.name, reverse("opportunities:detail", args=[deal.pk]),
                                 customer=deal.customer, opportunity=deal)
    if source_type == RequirementSource.CONTRACT:
        contract = (contract_selectors.contract_queryset(user).select_related("customer", "opportunity")
                    .filter(pk=pk).first())
        if contract is None:
            return None
        deal = None
        if contract.opportunity_id:
            deal = opportunity_selectors.opportunity_queryset(user).filter(pk=contract.opportunity_id).first()
        return RequirementOrigin(source_type, contract, contract.number, reverse("contracts:detail", args=[contract.pk]),
                                 customer=contract.customer, opportunity=deal)
    return None
