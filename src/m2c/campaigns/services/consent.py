"""Consent (PIPL): every grant and withdrawal as an immutable row with its source, time and evidence,
and the signed unsubscribe link every campaign email carries."""

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
