"""Event types of the partners app (``partners.<entity>.<what happened>``)."""

from django.utils.translation import gettext_lazy as _

from m2c.core.events import Changes, EventPayload, register


class PartnerCreated(EventPayload):
    code: str
    legal_name: str


class Blacklisted(EventPayload):
    until: str | None = None
    registrations_cancelled: int = 0
    certifications_revoked: int = 0
    agreements_revoked: int = 0
    offers_withdrawn: int = 0
    partners_warned: list[str] = []


class CertificationChange(EventPayload):
    product_category: str
    missing_roles: list[str] = []
    valid_to: str | None = None


class RegistrationDecision(EventPayload):
    partner: str
    customer: str | None = None
    offering_line: str | None = None
    conflict_with: str | None = None
    rejection: str | None = None
    protected_until: str | None = None
    override: bool = False
    opportunity: str | None = None


class OfferChange(EventPayload):
    partner: str
    lead: str


PARTNER_CREATED = register("partners.partner.created", _("Partner created"), PartnerCreated)
PARTNER_UPDATED = register("partners.partner.updated", _("Partner updated"), Changes)
PARTNER_ONBOARDING = register("partners.partner.onboarding", _("Partner onboarding started"))
PARTNER_ACTIVATED = register("partners.partner.activated", _("Partner activated"))
PARTNER_SUSPENDED = register("partners.partner.suspended", _("Partner suspended"))
PARTNER_BLACKLISTED = register("partners.partner.blacklisted", _("Partner blacklisted"), Blacklisted)

CERTIFICATION_APPLIED = register("partners.certification.applied", _("Partner certification applied for"),
                                 CertificationChange)
CERTIFICATION_ACTIVATED = register("partners.certification.activated", _("Partner certification granted"),
                                   CertificationChange)
CERTIFICATION_EXPIRING = register("partners.certification.expiring", _("Partner certification expiring"),
                                  CertificationChange)
CERTIFICATION_RENEWED = register("partners.certification.renewed", _("Partner certification renewed"),
                                 CertificationChange)
CERTIFICATION_NON_COMPLIANT = register("partners.certification.non_compliant",
                                       _("Partner certification non-compliant"), CertificationChange)
CERTIFICATION_RESTORED = register("partners.certification.restored", _("Partner certification compliant again"),
                                  CertificationChange)
CERTIFICATION_LAPSED = register("partners.certification.lapsed", _("Partner certification lapsed"),
                                CertificationChange)
CERTIFICATION_REVOKED = register("partners.certification.revoked", _("Partner certification revoked"),
                                 CertificationChange)

REGISTRATION_SUBMITTED = register("partners.registration.submitted", _("Deal registration submitted"),
                                  RegistrationDecision)
REGISTRATION_REVIEW = register("partners.registration.under_review", _("Deal registration under review"),
                               RegistrationDecision)
REGISTRATION_APPROVED = register("partners.registration.approved", _("Deal registration approved"),
                                 RegistrationDecision)
REGISTRATION_REJECTED = register("partners.registration.rejected", _("Deal registration rejected"),
                                 RegistrationDecision)
REGISTRATION_EXTENDED = register("partners.registration.extended", _("Deal registration protection extended"),
                                 RegistrationDecision)
REGISTRATION_EXPIRED = register("partners.registration.expired", _("Deal registration expired"),
                                RegistrationDecision)
REGISTRATION_CONVERTED = register("partners.registration.converted", _("Deal registration converted"),
                                  RegistrationDecision)
REGISTRATION_CLOSED = register("partners.registration.closed", _("Deal registration closed with its deal"),
                               RegistrationDecision)
REGISTRATION_CANCELLED = register("partners.registration.cancelled", _("Deal registration cancelled"),
                                  RegistrationDecision)

OFFER_MADE = register("partners.offer.made", _("Lead offered to a partner"), OfferChange)
OFFER_ACCEPTED = register("partners.offer.accepted", _("Partner accepted a lead"), OfferChange)
OFFER_RETURNED = register("partners.offer.returned", _("Partner returned a lead"), OfferChange)
