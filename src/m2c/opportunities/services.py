"""Opportunity commands."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from m2c.campaigns.models import Campaign
from m2c.core import events as core_events
from m2c.core.errors import ValidationFailed
from m2c.core.models import OfferingLine, User
from m2c.core.money import Money
from m2c.customers.models import Customer

from . import events
from .models import BudgetStatus, Opportunity


@transaction.atomic
def opportunity_create(
    *,
    actor: Any,
    customer: Customer,
    name: str,
    amount: Money,
    offering_lines: Iterable[OfferingLine],
    owner: User,
    expected_sign_date: dt.date | None = None,
    budget_status: str = BudgetStatus.UNKNOWN,
    description: str = "",
    source_lead_id: uuid.UUID | None = None,
    source_campaign: Campaign | None = None,
) -> Opportunity:
    """Create an opportunity in O1_VALIDATE (from a lead conversion or directly)."""
    lines = list(offering_lines)
    errors = []
    if not (name or "").strip():
        errors.append({"field": "name", "reason": _("A name is required.")})
    if not lines:
        errors.append({"field": "offering_lines", "reason": _("At least one offering line is required.")})
    if amount.amount <= 0:
        errors.append({"field": "amount", "reason": _("The estimated amount must be more than zero.")})
    if budget_status not in BudgetStatus.values:
        errors.append({"field": "budget_status", "reason": _("Unknown budget status.")})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)
    opportunity = Opportunity.objects.create(
        name=name.strip()[:200],
        customer=customer,
        org_unit=customer.org_unit,
        amount=amount.amount,
        currency=amount.currency,
        expected_sign_date=expected_sign_date,
        owner=owner,
        budget_status=budget_status,
        description=description,
        source_lead_id=source_lead_id,
        source_campaign=source_campaign,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    opportunity.offering_lines.set(lines)
    core_events.record(
        events.OPPORTUNITY_CREATED,
        opportunity,
        actor=actor,
        to_state=opportunity.stage,
        payload={
            "name": opportunity.name,
            "amount": str(amount.amount),
            "currency": amount.currency,
            "source_lead_id": str(source_lead_id) if source_lead_id else None,
            "source_campaign": source_campaign.code if source_campaign else None,
        },
    )
    return opportunity
