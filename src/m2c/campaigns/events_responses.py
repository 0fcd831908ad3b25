"""Event types of invitations, consent, registrations and responses (``campaigns.<entity>.<what happened>``)."""

from django.utils.translation import gettext_lazy as _

from m2c.core.events import EventPayload, register


class Invited(EventPayload):
    invited: int
    skipped_opted_out: int = 0
    skipped_already_invited: int = 0
    skipped_no_email: int = 0


class ConsentRecorded(EventPayload):
    subject_kind: str
    purpose: str
    granted: bool
    source: str


class Registered(EventPayload):
    registration: str
    campaign: str
    invitation: str | None = None


class CheckedIn(EventPayload):
    registration: str
    campaign: str


class ResponseCaptured(EventPayload):
    campaign: str
    type: str
    source: str
    customer: str | None = None
    convert_due_at: str


class ResponseConverted(EventPayload):
    lead: str | None = None
    outcome: str
    lead_status: str = ""


class ResponseNotConverted(EventPayload):
    reason: str


class JourneyAdvanced(EventPayload):
    customer: str
    response: str
    campaign: str


CAMPAIGN_INVITED = register("campaigns.campaign.invited", _("Invitations sent"), Invited)
CONSENT_RECORDED = register("campaigns.consent.recorded", _("Consent recorded"), ConsentRecorded)
REGISTRATION_CREATED = register("campaigns.registration.created", _("Registered for a campaign"), Registered)
REGISTRATION_CHECKED_IN = register("campaigns.registration.checked_in", _("Checked in"), CheckedIn)
RESPONSE_CAPTURED = register("campaigns.response.captured", _("Campaign response captured"), ResponseCaptured)
RESPONSE_CONVERTED = register("campaigns.response.converted", _("Campaign response converted to a lead"),
                              ResponseConverted)
RESPONSE_NOT_CONVERTED = register("campaigns.response.not_converted", _("Campaign response could not be converted"),
                                  ResponseNotConverted)
JOURNEY_ADVANCED = register("campaigns.journey.advanced", _("Buyer journey stage advanced"), JourneyAdvanced)
