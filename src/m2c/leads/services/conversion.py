"""Conversion (domain.md 3.6): what is still missing, and NURTURING → CONVERTED with the O1 opportunity."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.core.models import OfferingLine, OrgUnit, Role, User
from m2c.core.money import Money
from m2c.core.roles import require_role
from m2c.customers import selectors as customer_selectors
from m2c.customers import services as customer_services

from .. import capture
from ..models import (
    BudgetStatus,
    CampaignTouch,
    Lead,
)
from ..states import LEAD_MACHINE
from .common import (
    CONVERSION_HORIZON_DAYS,
    S,
    _lock,
)


def conversion_gaps(lead: Lead, *, owner: User | None = None, today: dt.date | None = None) -> list[dict[str, str]]:
    """The fields of domain.md 3.6 still missing before ``lead`` may become an opportunity."""
    today = today or timezone.localdate()
    gaps = []
    if not (lead.customer_id or lead.raw_customer_name):
        gaps.append({"field": "customer_name", "reason": _("Name the customer entity.")})
    if not lead.offering_lines.exists():
        gaps.append({"field": "offering_lines", "reason": _("Choose at least one offering line.")})
    if not lead.estimated_amount or lead.estimated_amount <= 0:
        gaps.append({"field": "estimated_amount", "reason": _("Enter the estimated amount.")})
    if not lead.expected_purchase_date:
        gaps.append({"field": "expected_purchase_date", "reason": _("Enter the expected decision or signing date.")})
    elif not today <= lead.expected_purchase_date <= today + dt.timedelta(days=CONVERSION_HORIZON_DAYS):
        gaps.append({"field": "expected_purchase_date", "reason": _("The decision date must lie within the next 18 months.")})
    if lead.budget_status == BudgetStatus.UNKNOWN and not lead.budget_note.strip():
        gaps.append({"field": "budget_note", "reason": _("The budget is unknown: justify it, or record it as planned or confirmed.")})
    chain = lead.contact_role in capture.DECISION_CHAIN_ROLES or lead.contacts.filter(
        decision_role__in=capture.DECISION_CHAIN_ROLES).exists()
    if not chain:
        gaps.append({"field": "contacts", "reason": _("Record at least one decision-chain contact (decision maker, influencer, purchaser or technical evaluator).")})
    who = owner or lead.owner
    if who is None or not who.is_active or not who.has_role(Role.AR):
        gaps.append({"field": "owner", "reason": _("The opportunity owner must be an active AR.")})
    return gaps


@transaction.atomic
def lead_convert(*, lead: Lead, actor: User | None, owner: User | None = None, name: str = "") -> Any:
    """NURTURING → CONVERTED: match or create the customer and contacts, create the O1 opportunity."""
    require_role(actor, Role.AR)
    lead = _lock(lead)
    if lead.status != S.NURTURING:
        LEAD_MACHINE.check(lead, S.CONVERTED, actor=actor)
    if not actor.sees_everything and lead.owner_id != actor.pk:
        raise PermissionDenied(_("Only the lead's owner can convert it."))
    owner = owner or lead.owner
    gaps = conversion_gaps(lead, owner=owner)
    if gaps:
        raise ValidationFailed(
            _("The lead cannot be converted yet: %(what)s") % {"what": "; ".join(g["reason"] for g in gaps)},
            code="conversion_incomplete", errors=gaps,
        )
    customer = lead.customer
    if customer is None:
        customer = customer_services.customer_find_existing(legal_name=lead.raw_customer_name, credit_code=lead.credit_code)
    if customer is None:
        fields: dict[str, Any] = {"legal_name": lead.raw_customer_name, "industry": lead.industry or "other",
                                  "province": lead.province, "city": lead.city}
        if lead.credit_code:
            fields["credit_code"] = lead.credit_code
        if lead.region_id and lead.region.type in (OrgUnit.Type.HQ, OrgUnit.Type.REGION, OrgUnit.Type.REP_OFFICE):
            fields["org_unit"] = lead.region
        if lead.customer_group_id:
            fields["customer_group"] = lead.customer_group
        customer = customer_services.customer_create(actor=actor, **fields)
    people = [(lead.contact_name, lead.contact_title, lead.contact_role, lead.contact_email, lead.contact_phone)]
    people += [(c.name, c.title, c.decision_role, c.email, c.phone) for c in lead.contacts.all()]
    primary, chain = None, []
    for person_name, title, role, email, phone in people:
        if not person_name:
            continue
        existing = customer_selectors.customer_contact_match(customer=customer, name=person_name, email=email or "",
                                                              phone=phone or "")
        contact = existing or customer_services.contact_create(
            customer=customer, actor=actor, name=person_name, title=title or "", decision_role=role,
            email=email or "", phone=phone or "",
        )
        primary = primary or contact
        chain.append(contact)
    from m2c.opportunities.services import opportunity_create, stakeholders_from_lead

    opportunity = opportunity_create(
        actor=actor, customer=customer, name=(name or lead.title)[:200],
        amount=Money(lead.estimated_amount, lead.currency),
        offering_lines=OfferingLine.objects.filter(pk__in=lead.offering_lines.values_list("pk", flat=True)),
        owner=owner, expected_sign_date=lead.expected_purchase_date, budget_status=lead.budget_status,
        description=lead.description, source_lead_id=lead.pk, source_campaign=lead.source_campaign,
    )
    stakeholders_from_lead(opportunity=opportunity, actor=actor, contacts=chain)
    now = timezone.now()
    # Influenced touches: this lead's, plus the customer's other touches in the 180 days before (10.3).
    lead.touches.update(customer=customer, opportunity=opportunity)
    CampaignTouch.objects.filter(customer=customer, opportunity__isnull=True,
                                 touched_at__gte=now - dt.timedelta(days=180), touched_at__lte=now).update(opportunity=opportunity)
    influenced = list(CampaignTouch.objects.filter(opportunity=opportunity).order_by("touched_at")
                      .values_list("campaign__code", flat=True))
    LEAD_MACHINE.apply(
        lead, S.CONVERTED, actor=actor,
        changes={"customer_id": customer.pk, "contact_id": primary.pk if primary else None,
                 "converted_opportunity_id": opportunity.pk, "converted_at": now},
        payload={"opportunity": str(opportunity.pk), "customer": str(customer.pk),
                 "source_campaign": lead.source_campaign.code if lead.source_campaign_id else None,
                 "influenced_campaigns": influenced},
    )
    return opportunity


# --- periodic sweeps ---------------------------------------------------------------------------------
