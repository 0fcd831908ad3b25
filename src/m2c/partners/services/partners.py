"""Partner recruitment, tiers, contacts, territories, agreements, staff and users; blacklisting with its
effects (domain.md 8.1, 8.3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.errors import DuplicateRecord, FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.models import OrgUnit, Role, User
from m2c.core.notifications import message, notify
from m2c.core.roles import Actor, authenticated, require_role

from .. import events
from ..models import (
    TIER_2,
    Partner,
    PartnerAgreement,
    PartnerContact,
    PartnerStaff,
    PartnerTerritory,
    PartnerTier,
    TierType,
)
from ..states import (
    CERTIFICATION_MACHINE,
    OFFER_MACHINE,
    OPEN_REGISTRATION,
    PARTNER_MACHINE,
    REGISTRATION_MACHINE,
)
from ..states import CertificationStatus as C
from ..states import OfferStatus as O
from ..states import PartnerStatus as P
from ..states import RegistrationStatus as R

CHANNEL_ONLY = _("Only a channel manager can do this.")
BLACKLIST_DAYS = 180

# Called with (partner, actor) when a partner is blacklisted, inside its transaction: the incentives work
# (issue 12 items 4-6) registers the cancellation of ACCRUED and ELIGIBLE accruals here.
BLACKLIST_HOOKS: list[Callable[[Partner, Actor], int]] = []


def require_channel(actor: Actor) -> None:
    require_role(actor, Role.CHANNEL_MANAGER, message=_("Only a channel manager can do this."), system=True)


def partner_create(*, actor: Actor, code: str, legal_name: str, credit_code: str = "",
                   supplier: Partner | None = None, channel_manager: User | None = None, notes: str = "",
                   tiers: dict[str, str] | None = None) -> Partner:
    """Recruit a partner (PROSPECT) with its tiers per product category."""
    require_channel(actor)
    errors = FieldErrors()
    code = errors.text("code", code, required=_("A code is required."), max_length=40)
    legal_name = errors.text("legal_name", legal_name, required=_("The legal name is required."), max_length=255)
    errors.raise_if_any()
    if Partner.objects.filter(code=code).exists():
        raise DuplicateRecord(_("A partner with this code exists."), field="code")
    with transaction.atomic():
        partner = Partner.objects.create(code=code, legal_name=legal_name, credit_code=(credit_code or "").strip(),
                                         supplier=supplier, channel_manager=channel_manager, notes=notes,
                                         created_by=authenticated(actor))
        for category, tier in (tiers or {}).items():
            tier_set(actor=actor, partner=partner, product_category=category, tier=tier)
        core_events.record(events.PARTNER_CREATED, partner, actor=actor,
                           payload={"code": partner.code, "legal_name": partner.legal_name})
    return partner


def tier_set(*, actor: Actor, partner: Partner, product_category: str, tier: str) -> PartnerTier:
    """The partner's tier in a product category; a Tier-2 partner needs its supplying distributor."""
    require_channel(actor)
    if tier not in TierType.values:
        raise ValidationFailed(_("Unknown tier."), field="tier")
    if not (product_category or "").strip():
        raise ValidationFailed(_("Name the product category."), field="product_category")
    if tier in TIER_2 and partner.supplier_id is None:
        raise ValidationFailed(_("A Tier-2 partner buys through a distributor: choose its supplying distributor."),
                               field="supplier")
    row, _created = PartnerTier.objects.update_or_create(
        partner=partner, product_category=product_category.strip(), defaults={"tier": tier})
    return row


def contact_add(*, actor: Actor, partner: Partner, name: str, title: str = "", email: str = "",
                phone: str = "") -> PartnerContact:
    require_channel(actor)
    if not (name or "").strip():
        raise ValidationFailed(_("A name is required."), field="name")
    return PartnerContact.objects.create(partner=partner, name=name.strip(), title=title, email=email, phone=phone)


def territory_add(*, actor: Actor, partner: Partner, org_unit: OrgUnit | None = None,
                  province: str = "") -> PartnerTerritory:
    require_channel(actor)
    if org_unit is None and not (province or "").strip():
        raise ValidationFailed(_("Choose an org unit or a province."), field="org_unit")
    return PartnerTerritory.objects.create(partner=partner, org_unit=org_unit, province=(province or "").strip())


def agreement_add(*, actor: Actor, partner: Partner, number: str, valid_from: dt.date, valid_to: dt.date,
                  kind: str = "channel") -> PartnerAgreement:
    require_channel(actor)
    errors = FieldErrors()
    errors.text("number", number, required=_("The agreement number is required."), max_length=60)
    if valid_to < valid_from:
        errors.add("valid_to", _("The agreement cannot end before it starts."))
    errors.raise_if_any()
    return PartnerAgreement.objects.create(partner=partner, number=number.strip(), kind=kind, valid_from=valid_from,
                                           valid_to=valid_to)


def staff_add(*, actor: Actor, partner: Partner, name: str, email: str = "", user: User | None = None,
              joined_on: dt.date | None = None) -> PartnerStaff:
    """A staff member of the partner; with ``user``, that user signs in as a partner user of this partner."""
    _partner_or_channel(actor, partner)
    if not (name or "").strip():
        raise ValidationFailed(_("A name is required."), field="name")
    with transaction.atomic():
        staff = PartnerStaff.objects.create(partner=partner, name=name.strip(), email=email, user=user,
                                            joined_on=joined_on or timezone.localdate())
        if user is not None:
            user_link(actor=actor, partner=partner, user=user)
    return staff


def staff_leave(*, actor: Actor, staff: PartnerStaff, left_on: dt.date | None = None) -> PartnerStaff:
    """A staff member left: their certificates stop counting for the partner's certifications."""
    _partner_or_channel(actor, staff.partner)
    staff.left_on = left_on or timezone.localdate()
    staff.save(update_fields=["left_on"])
    return staff


def user_link(*, actor: Actor, partner: Partner, user: User) -> User:
    """Make ``user`` a partner user of ``partner``: scoping gives them this partner's records only."""
    require_channel(actor)
    if user.sees_everything or user.has_role(*(set(Role.values) - {Role.PARTNER})):
        raise ValidationFailed(_("Only a user with the partner role alone can be linked to a partner."),
                               field="user")
    User.objects.filter(pk=user.pk).update(partner_id=partner.pk)
    user.partner_id = partner.pk
    return user


def _partner_or_channel(actor: Actor, partner: Partner) -> None:
    if actor is not None and actor.has_role(Role.PARTNER) and not actor.sees_everything:
        if getattr(actor, "partner_id", None) != partner.pk:
            raise PermissionDenied(_("You can only act for your own partner."))
        return
    require_channel(actor)


# --- recruitment ------------------------------------------------------------------------------------------


def partner_onboard(*, partner: Partner, actor: Actor) -> Partner:
    return PARTNER_MACHINE.apply(partner, P.ONBOARDING, actor=actor)


def partner_activate(*, partner: Partner, actor: Actor) -> Partner:
    return PARTNER_MACHINE.apply(partner, P.ACTIVE, actor=actor)


def partner_suspend(*, partner: Partner, actor: Actor, reason: str) -> Partner:
    return PARTNER_MACHINE.apply(partner, P.SUSPENDED, actor=actor, reason=reason, context={"reason": reason})


def partner_reinstate(*, partner: Partner, actor: Actor, reason: str) -> Partner:
    """After the blacklisting period, the partner starts again as a prospect (never after a permanent one: the
    table's guard)."""
    return PARTNER_MACHINE.apply(partner, P.PROSPECT, actor=actor, reason=reason, context={"reason": reason})


@transaction.atomic
def partner_blacklist(*, partner: Partner, actor: Actor, reason: str, days: int = BLACKLIST_DAYS,
                      permanent: bool = False) -> Partner:
    """Blacklist (domain.md 8.3): open registrations cancelled, accruals cancelled (``BLACKLIST_HOOKS``),
    certifications and agreements revoked, offered leads taken back, and the partners it supplies or that
    supply it warned, so none of them keeps trading with it."""
    if not permanent and days < BLACKLIST_DAYS:
        raise ValidationFailed(_("A blacklisting lasts at least %(n)s days.") % {"n": BLACKLIST_DAYS}, field="days")
    until = None if permanent else timezone.localdate() + dt.timedelta(days=days)
    PARTNER_MACHINE.check(partner, P.BLACKLISTED, actor=actor, context={"reason": reason})
    note = _("Partner blacklisted: %(reason)s") % {"reason": reason}
    cancelled = 0
    for registration in partner.registrations.filter(status__in=[*OPEN_REGISTRATION, R.CONVERTED]):
        REGISTRATION_MACHINE.apply(registration, R.CANCELLED, actor=actor, reason=note, context={"reason": note},
                                   payload={"partner": str(partner.pk)})
        cancelled += 1
    revoked = 0
    for certification in partner.certifications.exclude(status=C.REVOKED):
        CERTIFICATION_MACHINE.apply(certification, C.REVOKED, actor=actor, reason=note, context={"reason": note},
                                    payload={"product_category": certification.product_category})
        revoked += 1
    agreements = partner.agreements.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    withdrawn = 0
    for offer in partner.offers.filter(status=O.OFFERED):
        OFFER_MACHINE.apply(offer, O.AUTO_RETURNED, actor=actor, reason=note,
                            payload={"partner": str(partner.pk), "lead": str(offer.lead_id)})
        withdrawn += 1
    for hook in BLACKLIST_HOOKS:
        hook(partner, actor)
    related = list(Partner.objects.filter(pk=partner.supplier_id)) + list(partner.supplied.all())
    warned = []
    for other in {p.pk: p for p in related}.values():
        warned.append(other.code)
        for user in _people_of(other):
            notify(user, title=message(gettext_noop("Partner %(name)s is blacklisted"), name=partner.legal_name),
                   body=message(gettext_noop("Do not supply it or buy through it from now on.")),
                   kind="partners.blacklisted", subject=other)
    PARTNER_MACHINE.apply(partner, P.BLACKLISTED, actor=actor, reason=reason, context={"reason": reason},
                          changes={"blacklist_until": until},
                          payload={"until": until.isoformat() if until else None, "registrations_cancelled": cancelled,
                                   "certifications_revoked": revoked, "agreements_revoked": agreements,
                                   "offers_withdrawn": withdrawn, "partners_warned": warned})
    return partner


def _people_of(partner: Partner) -> list[User]:
    """Who hears about a partner: its portal users and its channel manager."""
    users = list(User.objects.filter(partner_id=partner.pk, is_active=True))
    if partner.channel_manager_id:
        users.append(partner.channel_manager)
    return users
