"""The requirement loop's commands beyond the life cycle (domain.md 7.6, 11.12): raise a requirement from any
record, link more deals to it, and keep its stored business value (deal amounts in the reporting currency,
duplicates rolled up) current."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import OfferingLine, Role
from m2c.core.money import Money
from m2c.core.roles import Actor
from m2c.core.services import model_update

from .. import events
from ..models import Requirement, RequirementLink
from ..selectors.backlog import BACKLOG_STATUSES, requirement_value
from ..states import RequirementSource, Urgency
from .requirements import requirement_create


def _not_partner(actor: Actor) -> None:
    if actor is not None and actor.has_role(Role.PARTNER) and not actor.sees_everything:
        raise PermissionDenied(_("Partner users cannot raise requirements here."))


def requirement_revalue(requirement: Requirement) -> Requirement:
    """Store the requirement's business value as valued now (and the requirement its duplicates end in)."""
    row = requirement_value(requirement)
    model_update(requirement, ["business_value", "currency"], {"business_value": row.value, "currency": row.currency})
    requirement.refresh_from_db()
    return requirement


@transaction.atomic
def requirement_link_opportunity(*, requirement: Requirement, actor: Actor, opportunity: Any) -> RequirementLink:
    """One more deal needs this requirement: link it and revalue. Only open requirements take links."""
    _not_partner(actor)
    if requirement.status not in BACKLOG_STATUSES:
        raise InvalidTransition(_("Only an open requirement takes more deals; this one is %(s)s.")
                                % {"s": requirement.get_status_display()}, field="opportunity")
    if opportunity is None:
        raise ValidationFailed(_("Choose a deal you can see."), field="opportunity")
    if requirement.opportunity_id == opportunity.pk or requirement.links.filter(opportunity=opportunity).exists():
        raise ValidationFailed(_("This deal is already linked to the requirement."), field="opportunity")
    link = RequirementLink.objects.create(requirement=requirement, opportunity=opportunity,
                                         created_by=actor if getattr(actor, "is_authenticated", False) else None)
    requirement = requirement_revalue(requirement)
    core_events.record(events.REQUIREMENT_LINKED, requirement, actor=actor, payload={
        "opportunity": str(opportunity.pk), "business_value": str(requirement.business_value),
        "currency": requirement.currency})
    return link


@transaction.atomic
def requirement_raise(
    *,
    actor: Actor,
    title: str,
    description: str,
    source_type: str,
    source_id: Any = None,
    customer: Any = None,
    offering_line: OfferingLine | None = None,
    urgency: str = Urgency.MEDIUM,
    estimate: Money | None = None,
    opportunities: list[Any] | tuple[Any, ...] = (),
    org_unit: Any = None,
) -> Requirement:
    """Raise a requirement from any record (insight report, joint innovation, lead, opportunity, lost deal,
    contract). With deals it is valued at their amounts; without, at the estimate given."""
    _not_partner(actor)
    if source_type not in RequirementSource.values:
        raise ValidationFailed(_("Unknown source."), field="source_type")
    if source_id not in (None, ""):
        try:
            source_id = uuid.UUID(str(source_id))
        except ValueError:
            raise ValidationFailed(_("The source record is not a valid identifier."), field="source_id") from None
    else:
        source_id = None
    deals = list(dict.fromkeys(opportunities))
    first = deals[0] if deals else None
    requirement = requirement_create(
        actor=actor, title=title, description=description, source_type=source_type, source_id=source_id,
        customer=customer or (first.customer if first is not None else None), opportunity=first,
        offering_line=offering_line or (first.offering_line if first is not None else None),
        business_value=estimate, urgency=urgency,
        org_unit=org_unit or (first.org_unit if first is not None else None),
    )
    for deal in deals[1:]:
        RequirementLink.objects.create(requirement=requirement, opportunity=deal, created_by=requirement.created_by)
    if deals:
        requirement = requirement_revalue(requirement)
    return requirement
