"""Leads offered to partners (domain.md 3.4 rule 3, 8.4): the partner accepts or returns the lead within
3 working days, else the worker returns it. A lead goes only to a partner certified for its offering
line (``selectors.partner_certified``): the one routing hook lead routing calls before offering a lead."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import calendar
from m2c.core import events as core_events
from m2c.core.errors import Conflict, PermissionDenied, ValidationFailed
from m2c.core.models import Role
from m2c.core.notifications import message, notify
from m2c.core.roles import Actor, require_role

from .. import events, selectors
from ..models import LeadOffer, Partner
from ..states import OFFER_MACHINE
from ..states import OfferStatus as O
from .partners import _people_of

ACCEPT_WORKING_DAYS = 3


def partner_may_receive(partner: Partner, lead: Any) -> bool:
    """The routing hook: may ``lead`` be sent to ``partner``? Only where the partner is certified for one of
    the lead's offering lines."""
    lines = list(lead.offering_lines.all())
    return any(selectors.partner_certified(partner, line) for line in lines)


def offer_make(*, actor: Actor, lead: Any, partner: Partner) -> LeadOffer:
    """Offer ``lead`` to ``partner`` (a channel manager, an AR or the routing)."""
    require_role(actor, Role.CHANNEL_MANAGER, Role.AR, system=True)
    if not partner_may_receive(partner, lead):
        raise ValidationFailed(_("The partner is not certified for the lead's offering line."), field="partner",
                               code="partner_not_certified")
    now = timezone.now()
    try:
        with transaction.atomic():
            offer = LeadOffer.objects.create(partner=partner, lead=lead, offered_at=now,
                                             due_at=calendar.add_working_days(now, ACCEPT_WORKING_DAYS),
                                             offered_by=actor if getattr(actor, "is_authenticated", False) else None)
            core_events.record(events.OFFER_MADE, offer.partner, actor=actor,
                               payload={"partner": str(partner.pk), "lead": str(lead.pk)})
    except IntegrityError:
        raise Conflict(_("The lead is already with a partner."), code="lead_offered") from None
    for user in _people_of(partner):
        notify(user, title=message(gettext_noop("New lead for you: %(title)s"), title=lead.title),
               body=message(gettext_noop("Accept or return it by %(due)s."),
                            due=timezone.localtime(offer.due_at).strftime("%Y-%m-%d %H:%M")),
               kind="partners.offer", subject=partner)
    return offer


def _own(actor: Actor, offer: LeadOffer) -> None:
    if actor is None or actor.sees_everything or actor.has_role(Role.CHANNEL_MANAGER):
        return
    if getattr(actor, "partner_id", None) != offer.partner_id:
        raise PermissionDenied(_("You can only act for your own partner."))


def offer_accept(*, offer: LeadOffer, actor: Actor) -> LeadOffer:
    _own(actor, offer)
    return OFFER_MACHINE.apply(offer, O.ACCEPTED, actor=actor, changes={"decided_at": timezone.now()},
                               payload={"partner": str(offer.partner_id), "lead": str(offer.lead_id)})


def offer_return(*, offer: LeadOffer, actor: Actor, reason: str) -> LeadOffer:
    _own(actor, offer)
    return OFFER_MACHINE.apply(offer, O.RETURNED, actor=actor, reason=reason, context={"reason": reason},
                               changes={"decided_at": timezone.now(), "reason": reason},
                               payload={"partner": str(offer.partner_id), "lead": str(offer.lead_id)})


def offer_sweep(now: Any = None) -> int:
    """Return the offers nobody answered within 3 working days."""
    moment = now or timezone.now()
    count = 0
    for offer in LeadOffer.objects.filter(status=O.OFFERED, due_at__lt=moment):
        OFFER_MACHINE.apply(offer, O.AUTO_RETURNED, reason=_("Not answered within %(n)s working days.")
                            % {"n": ACCEPT_WORKING_DAYS}, changes={"decided_at": moment},
                            payload={"partner": str(offer.partner_id), "lead": str(offer.lead_id)})
        count += 1
    return count
