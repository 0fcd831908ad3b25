"""The partner, certification, deal registration and lead offer life cycles (domain.md 8, 11.10, 11.11) as data.

Every move goes through a machine's ``apply`` (``core.state_machine``): it locks the row, checks the
table and its guards, writes the status and records the event.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from m2c.core.errors import ValidationFailed
from m2c.core.models import Role
from m2c.core.state_machine import StateMachine, t

from . import events

CHANNEL = (Role.CHANNEL_MANAGER,)


class PartnerStatus(models.TextChoices):
    PROSPECT = "PROSPECT", gettext_lazy("Prospect")
    ONBOARDING = "ONBOARDING", gettext_lazy("Onboarding")
    ACTIVE = "ACTIVE", pgettext_lazy("partner", "Active")
    SUSPENDED = "SUSPENDED", gettext_lazy("Suspended")
    BLACKLISTED = "BLACKLISTED", gettext_lazy("Blacklisted")


class CertificationStatus(models.TextChoices):
    APPLIED = "APPLIED", gettext_lazy("Applied for")
    ACTIVE = "ACTIVE", gettext_lazy("Valid")
    EXPIRING = "EXPIRING", gettext_lazy("Expiring")
    NON_COMPLIANT = "NON_COMPLIANT", gettext_lazy("Non-compliant")
    LAPSED = "LAPSED", gettext_lazy("Lapsed")
    REVOKED = "REVOKED", gettext_lazy("Revoked")


class RegistrationStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", gettext_lazy("Submitted")
    UNDER_REVIEW = "UNDER_REVIEW", gettext_lazy("Under review")
    APPROVED = "APPROVED", gettext_lazy("Approved")
    REJECTED = "REJECTED", gettext_lazy("Rejected")
    EXPIRED = "EXPIRED", gettext_lazy("Expired")
    CONVERTED = "CONVERTED", gettext_lazy("Converted")
    WON = "WON", gettext_lazy("Won")
    LOST = "LOST", gettext_lazy("Lost")
    CANCELLED = "CANCELLED", gettext_lazy("Cancelled")


class OfferStatus(models.TextChoices):
    OFFERED = "OFFERED", gettext_lazy("Waiting for the partner")
    ACCEPTED = "ACCEPTED", gettext_lazy("Accepted")
    RETURNED = "RETURNED", gettext_lazy("Returned")
    AUTO_RETURNED = "AUTO_RETURNED", gettext_lazy("Returned automatically")


P, C, R, OS = PartnerStatus, CertificationStatus, RegistrationStatus, OfferStatus

# Registrations that hold their (customer, offering line) key: the first complete one wins it.
HOLDS_KEY = (R.UNDER_REVIEW, R.APPROVED, R.CONVERTED)
OPEN_REGISTRATION = (R.SUBMITTED, R.UNDER_REVIEW, R.APPROVED)
# A certification that lets the partner sell its category (register deals, receive leads).
CERTIFIED = (C.ACTIVE, C.EXPIRING)


def _reason(obj: Any, context: dict[str, Any]) -> None:
    if not str(context.get("reason") or "").strip():
        raise ValidationFailed(_("Give a reason."), field="reason")


def _experts_back(cert: Any, context: dict[str, Any]) -> None:
    """NON_COMPLIANT → ACTIVE is compliance restored (domain.md 11.11), LAPSED → ACTIVE a new certification:
    every required expert role filled.

    The sweep passes what it read (``context["missing"]``); a renewal of the dates alone is refused."""
    if "missing" in context:
        missing = context["missing"]
    else:
        from .selectors import missing_experts  # selectors import this module

        missing = missing_experts(partner=cert.partner, product_category=cert.product_category)
    if missing:
        from .models import ExpertRole

        raise ValidationFailed(
            _("Required experts missing: %(roles)s.") % {"roles": ", ".join(str(ExpertRole(r).label) for r in missing)},
            field="experts", code="experts_missing")


def _blacklisting_over(partner: Any, context: dict[str, Any]) -> None:
    """A blacklisting ends on its date (180 days at least); a permanent one (no date) never does (domain.md 8.3)."""
    until = partner.blacklist_until
    if until is None:
        raise ValidationFailed(_("The partner is blacklisted permanently."), field="blacklist_until",
                               code="still_blacklisted")
    if until > timezone.localdate():
        raise ValidationFailed(_("The partner is blacklisted until %(d)s.") % {"d": until}, field="blacklist_until",
                               code="still_blacklisted")


PARTNER_MACHINE = StateMachine(
    name=gettext_lazy("Partner"),  # type: ignore[arg-type]
    transitions=[
        t(P.PROSPECT, P.ONBOARDING, roles=CHANNEL, event=events.PARTNER_ONBOARDING),
        t([P.ONBOARDING, P.SUSPENDED], P.ACTIVE, roles=CHANNEL, event=events.PARTNER_ACTIVATED),
        t(P.ACTIVE, P.SUSPENDED, guards=[_reason], roles=CHANNEL, event=events.PARTNER_SUSPENDED),
        t([P.PROSPECT, P.ONBOARDING, P.ACTIVE, P.SUSPENDED], P.BLACKLISTED, guards=[_reason], roles=CHANNEL,
          event=events.PARTNER_BLACKLISTED),
        # A blacklisting ends (180 days at least, domain.md 8.3): the partner starts again as a prospect.
        t(P.BLACKLISTED, P.PROSPECT, guards=[_blacklisting_over, _reason], roles=CHANNEL,
          event=events.PARTNER_ONBOARDING),
    ],
    labels=dict(P.choices),
)

CERTIFICATION_MACHINE = StateMachine(
    name=gettext_lazy("Partner certification"),  # type: ignore[arg-type]
    transitions=[
        t(C.APPLIED, C.ACTIVE, roles=CHANNEL, event=events.CERTIFICATION_ACTIVATED),
        t(C.ACTIVE, C.EXPIRING, event=events.CERTIFICATION_EXPIRING),
        t([C.ACTIVE, C.EXPIRING], C.ACTIVE, roles=CHANNEL, event=events.CERTIFICATION_RENEWED),
        # A lapsed certification is certified anew: with every required expert in place (while it was live, a
        # missing expert had its 90 days of grace; a lapse ends them).
        t(C.LAPSED, C.ACTIVE, guards=[_experts_back], roles=CHANNEL, event=events.CERTIFICATION_RENEWED),
        t([C.ACTIVE, C.EXPIRING], C.NON_COMPLIANT, event=events.CERTIFICATION_NON_COMPLIANT),
        t(C.NON_COMPLIANT, C.ACTIVE, guards=[_experts_back], event=events.CERTIFICATION_RESTORED),
        t([C.ACTIVE, C.EXPIRING, C.NON_COMPLIANT], C.LAPSED, event=events.CERTIFICATION_LAPSED),
        t([C.APPLIED, C.ACTIVE, C.EXPIRING, C.NON_COMPLIANT, C.LAPSED], C.REVOKED, guards=[_reason],
          event=events.CERTIFICATION_REVOKED),
    ],
    terminal=frozenset({C.REVOKED}),
    labels=dict(C.choices),
)

REGISTRATION_MACHINE = StateMachine(
    name=gettext_lazy("Deal registration"),  # type: ignore[arg-type]
    transitions=[
        t(R.SUBMITTED, R.UNDER_REVIEW, event=events.REGISTRATION_REVIEW),
        t(R.SUBMITTED, R.REJECTED, event=events.REGISTRATION_REJECTED),
        t(R.UNDER_REVIEW, R.APPROVED, roles=CHANNEL, event=events.REGISTRATION_APPROVED),
        t(R.UNDER_REVIEW, R.REJECTED, guards=[_reason], roles=CHANNEL, event=events.REGISTRATION_REJECTED),
        t(R.APPROVED, R.CONVERTED, event=events.REGISTRATION_CONVERTED),
        t([R.APPROVED, R.CONVERTED], R.EXPIRED, event=events.REGISTRATION_EXPIRED),
        t(R.CONVERTED, R.WON, event=events.REGISTRATION_CLOSED),
        t(R.CONVERTED, R.LOST, event=events.REGISTRATION_CLOSED),
        t([R.SUBMITTED, R.UNDER_REVIEW, R.APPROVED, R.CONVERTED], R.CANCELLED, guards=[_reason],
          event=events.REGISTRATION_CANCELLED),
    ],
    terminal=frozenset({R.REJECTED, R.EXPIRED, R.WON, R.LOST, R.CANCELLED}),
    labels=dict(R.choices),
)

OFFER_MACHINE = StateMachine(
    name=gettext_lazy("Lead offer"),  # type: ignore[arg-type]
    transitions=[
        t(OS.OFFERED, OS.ACCEPTED, roles=(Role.PARTNER,), event=events.OFFER_ACCEPTED),
        t(OS.OFFERED, OS.RETURNED, guards=[_reason], roles=(Role.PARTNER, Role.CHANNEL_MANAGER),
          event=events.OFFER_RETURNED),
        t(OS.OFFERED, OS.AUTO_RETURNED, event=events.OFFER_RETURNED),
    ],
    terminal=frozenset({OS.ACCEPTED, OS.RETURNED, OS.AUTO_RETURNED}),
    labels=dict(OS.choices),
)
