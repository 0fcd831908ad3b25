"""Consent (PIPL): every grant and withdrawal as an immutable row with its source, time and evidence,
and the signed unsubscribe link every campaign email carries.

The rules for who may be emailed what (each tested both ways in ``tests/campaigns/test_consent_rules.py``):

1. **Marketing email** (invitations) goes only to an address whose newest *marketing-email* row is not a
   withdrawal (``selectors_responses.opted_out_emails``). Unsubscribing is such a withdrawal, everywhere.
2. **A public registration is a fresh, explicit act** for *that* event: the required consent box records
   an *event* grant (source: the web form, the time, the box's text and the client as evidence). It is a
   grant for that campaign's processing only: it does not lift a marketing opt-out. Only the form's
   separate, optional "send me invitations" box, ticked, records a new marketing grant.
3. **The registration's confirmation** (the QR code) is transactional: it answers the person's own
   request and may go to an address that opted out of marketing, but only while the newest *event* row
   for that address and campaign is a grant, i.e. the box was ticked and not withdrawn since
   (:func:`confirmation_allowed`, checked when queued and again when the outbox sends it).
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import NotFound, ValidationFailed
from m2c.core.normalize import normalize_email, normalize_phone

from .. import events_responses as events
from ..models import Campaign, Consent, ConsentPurpose, ConsentSource, ConsentSubject

UNSUBSCRIBE_SALT = "m2c.campaigns.unsubscribe"


def _subject(kind: str, value: str) -> str:
    if kind == ConsentSubject.EMAIL:
        return normalize_email(value, field="email")
    return normalize_phone(value, field="phone")


@transaction.atomic
def consent_record(*, subject: str, purpose: str, granted: bool, source: str, evidence: str,
                   kind: str = ConsentSubject.EMAIL, campaign: Campaign | None = None) -> Consent:
    """Append one grant or withdrawal; the newest row per subject and purpose is the person's answer."""
    if purpose not in ConsentPurpose.values:
        raise ValidationFailed(_("Unknown consent purpose."), field="purpose")
    if source not in ConsentSource.values:
        raise ValidationFailed(_("Unknown consent source."), field="source")
    value = _subject(kind, subject)
    if not value:
        raise ValidationFailed(_("Give the email address or phone number the consent is about."), field="subject")
    text = str(evidence or "").strip()[:2000]
    if not text:
        raise ValidationFailed(_("Describe how the consent was given (the evidence)."), field="evidence")
    row = Consent.objects.create(subject_kind=kind, subject=value, purpose=purpose, granted=bool(granted),
                                 source=source, evidence=text, campaign=campaign)
    if campaign is not None:
        core_events.record(events.CONSENT_RECORDED, campaign, payload={
            "subject_kind": kind, "purpose": purpose, "granted": bool(granted), "source": source})
    return row


def confirmation_allowed(*, email: str, campaign: Campaign) -> bool:
    """Rule 3: the address's newest event-consent row for ``campaign`` is a grant (the registration form's
    consent box was ticked and not withdrawn since). A marketing opt-out does not matter here."""
    try:
        value = normalize_email(email)
    except ValidationFailed:
        return False
    if not value:
        return False
    newest = (Consent.objects.filter(subject_kind=ConsentSubject.EMAIL, subject=value, purpose=ConsentPurpose.EVENT,
                                     campaign=campaign)
              .order_by("-recorded_at", "-id").values_list("granted", flat=True).first())
    return bool(newest)


def unsubscribe_token(*, email: str, campaign: Campaign | None) -> str:
    """The signed token of an email's unsubscribe link (the address and the campaign it came from)."""
    return signing.dumps({"e": normalize_email(email), "c": str(campaign.pk) if campaign else ""}, salt=UNSUBSCRIBE_SALT,
                         compress=True)


def unsubscribe_read(token: str) -> dict[str, Any]:
    """The address and campaign id a token names; NotFound when it was not signed by us."""
    try:
        data = signing.loads(str(token), salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise NotFound(_("This unsubscribe link is not valid.")) from None
    return {"email": data.get("e", ""), "campaign": data.get("c") or None}


def unsubscribe(*, token: str, evidence: str) -> Consent:
    """The person followed an email's unsubscribe link and confirmed: marketing email withdrawn everywhere."""
    from .. import selectors

    data = unsubscribe_read(token)
    campaign = selectors.campaign_by_ref(data["campaign"]) if data["campaign"] else None
    return consent_record(subject=data["email"], purpose=ConsentPurpose.MARKETING_EMAIL, granted=False,
                          source=ConsentSource.INVITATION_REPLY, evidence=evidence, campaign=campaign)
