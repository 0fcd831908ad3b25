"""What every lead command shares: who may act, locking, the lead as input again, re-scoring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict
from m2c.core.models import Role, User
from m2c.customers.identity import customer_row

from .. import capture, events, scoring
from ..models import (
    Lead,
)
from ..states import TERMINAL, LeadStatus

S = LeadStatus
CAPTURE_ROLES = (Role.MARKETING, Role.AR, Role.SR, Role.PARTNER)
WORK_ROLES = (Role.MARKETING, Role.AR, Role.SR)
MAX_BULK = 10_000
CONVERSION_HORIZON_DAYS = 548  # 18 months (domain.md 3.6)


def _authenticated(actor: User | None) -> bool:
    return getattr(actor, "is_authenticated", False)


def _writable(lead: Lead) -> None:
    if lead.status in TERMINAL:
        raise Conflict(
            _("This lead is %(status)s and read-only.") % {"status": lead.get_status_display()}, code="lead_read_only"
        )


def _lock(lead: Lead) -> Lead:
    return Lead.objects.select_for_update().get(pk=lead.pk)


def _url(lead: Lead) -> str:
    return reverse("leads:detail", args=[lead.pk])


# --- capture ---------------------------------------------------------------------------------------


def _facts(lead: Lead) -> scoring.Facts:
    chain = lead.contacts.filter(decision_role__in=capture.DECISION_CHAIN_ROLES).exists()
    values = {f: getattr(lead, f) for f in ("budget_status", "expected_purchase_date", "decision_chain_known",
                                            "pain_confirmed", "industry", "contact_role")}
    return capture.facts_of(values, lead.touches.count(), chain)


def _rescore(lead: Lead, ref: capture.Reference, actor: User | None) -> tuple[int, str]:
    value, breakdown = scoring.score(_facts(lead), weights=ref.weights, priority_industries=ref.priority_industries,
                                     today=ref.today)
    temp = scoring.temperature(value, warm=ref.config.warm_threshold, hot=ref.config.hot_threshold)
    if value != lead.score or temp != lead.temperature or breakdown != lead.score_breakdown:
        old = (lead.score, lead.temperature)
        Lead.objects.filter(pk=lead.pk).update(score=value, temperature=temp, score_breakdown=breakdown)
        lead.score, lead.temperature, lead.score_breakdown = value, temp, breakdown
        core_events.record(events.LEAD_RESCORED, lead, actor=actor,
                           payload={"from": old[0], "to": value, "temperature": [old[1], temp]})
    return value, temp


def _show(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date):
        return str(value)
    if hasattr(value, "hex"):
        return str(value)
    return value


def _as_input(lead: Lead) -> dict[str, Any]:
    return {
        "title": lead.title, "customer_name": lead.raw_customer_name, "credit_code": lead.credit_code,
        "industry": lead.industry, "province": lead.province, "city": lead.city,
        "region": str(lead.region_id) if lead.region_id else None,
        "customer_group": str(lead.customer_group_id) if lead.customer_group_id else None,
        "contact_name": lead.contact_name, "contact_title": lead.contact_title, "contact_role": lead.contact_role,
        "contact_email": lead.contact_email, "contact_phone": lead.contact_phone, "description": lead.description,
        "journey_stage": lead.journey_stage, "budget_status": lead.budget_status, "budget_note": lead.budget_note,
        "budget_amount": lead.budget_amount, "estimated_amount": lead.estimated_amount, "currency": lead.currency,
        "expected_purchase_date": lead.expected_purchase_date, "decision_chain_known": lead.decision_chain_known,
        "pain_confirmed": lead.pain_confirmed,
        "offering_lines": [str(pk) for pk in lead.offering_lines.values_list("pk", flat=True)],
    }


def _customer_row(lead: Lead) -> capture.CustomerRow | None:
    if not lead.customer_id:
        return None
    return customer_row(lead.customer)


def _uuid(value: Any) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return value
