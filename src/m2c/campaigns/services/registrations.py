"""Registration through a campaign's public form and check-in at the door.

A registration records the consent the form asked for (PIPL: the checkbox is required; an event grant
with the form as source and the time, which does not lift a marketing opt-out: ``consent`` rules 2 and
3), gets a random check-in code (the QR image carries it), is a *registration* response converted into a
lead at once, and queues its transactional confirmation email. Scanning the code on the check-in page marks attendance once: a
second scan answers when it was checked in, and another campaign's code is refused naming that campaign.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from m2c.core.models import Role, User
from m2c.core.normalize import normalize_email, normalize_phone

from .. import events_responses as events
from ..models import (
    Campaign,
    ConsentPurpose,
    ConsentSource,
    ConsentSubject,
    Invitation,
    Registration,
    RegistrationStatus,
    ResponseSource,
    ResponseType,
)
from ..states_responses import REGISTRATION_MACHINE
from . import invitations
from .consent import consent_record
from .responses import response_create

CONFIRMATION_SALT = "m2c.campaigns.registration"


def confirmation_token(registration: Registration) -> str:
    return signing.dumps(str(registration.pk), salt=CONFIRMATION_SALT)


def registration_from_token(token: str) -> Registration | None:
    try:
        pk = signing.loads(str(token), salt=CONFIRMATION_SALT)
    except signing.BadSignature:
        return None
    return Registration.objects.select_related("campaign").filter(pk=pk).first()


def confirmation_path(registration: Registration) -> str:
    return reverse("campaigns:registered", args=[registration.campaign.code, confirmation_token(registration)])


def registration_create(*, campaign: Campaign, data: dict[str, Any], language: str, evidence: str,
                        invitation: Invitation | None = None) -> Registration:
    """A sign-up from the public form (no user): consent recorded, code issued, response converted."""
    if not campaign.accepts_responses:
        raise NotFound(_("This form is closed."))
    errors = []
    if not data.get("consent"):
        errors.append({"field": "consent", "reason": _("Please agree to the use of your details for this event.")})
    name = str(data.get("name") or "").strip()[:120]
    company = str(data.get("company") or "").strip()[:200]
    if not name:
        errors.append({"field": "name", "reason": _("Enter your name.")})
    if not company:
        errors.append({"field": "company", "reason": _("Enter your company.")})
    email = phone = ""
    try:
        email = normalize_email(data.get("email") or "", field="email")
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    try:
        phone = normalize_phone(data.get("phone") or "", field="phone")
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if not (email or phone) and not any(e["field"] in ("email", "phone") for e in errors):
        errors.append({"field": "email", "reason": _("Give an email address or a phone number.")})
    if errors:
        raise ValidationFailed("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)
    title = str(data.get("title") or "").strip()[:120]
    with transaction.atomic():
        registration = Registration.objects.create(
            campaign=campaign, invitation=invitation, name=name, company=company, title=title, email=email,
            phone=phone, language=language if language in invitations.LANGUAGES else invitations.campaign_language())
        for kind, subject in ((ConsentSubject.EMAIL, email), (ConsentSubject.PHONE, phone)):
            if subject:
                consent_record(subject=subject, kind=kind, purpose=ConsentPurpose.EVENT, granted=True,
                               source=ConsentSource.FORM, evidence=evidence, campaign=campaign)
        if data.get("marketing_email") and email:
            consent_record(subject=email, purpose=ConsentPurpose.MARKETING_EMAIL, granted=True,
                           source=ConsentSource.FORM, evidence=evidence, campaign=campaign)
        core_events.record(events.REGISTRATION_CREATED, registration, to_state=registration.status, payload={
            "registration": str(registration.pk), "campaign": campaign.code,
            "invitation": str(invitation.pk) if invitation else None})
        invitations.queue_confirmation(registration, confirmation_url=confirmation_path(registration))
        # In the same transaction: a registration never exists without its response (a conversion the lead
        # rules refuse leaves the response pending with the reason, it does not undo the registration).
        response_create(campaign=campaign, type=ResponseType.REGISTRATION, source=ResponseSource.FORM,
                        registration=registration, data={"name": name, "company": company, "title": title,
                                                         "email": email, "phone": phone},
                        payload={"registration": str(registration.pk)}, convert=True)
    return registration


def can_check_in(user: Any, campaign: Campaign) -> bool:
    """Marketing, administrators, and whoever created the campaign."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.has_role(Role.ADMINISTRATOR, Role.MARKETING)
                or (campaign.created_by_id and campaign.created_by_id == user.pk))


def check_in(*, campaign: Campaign, code: str, actor: User, at: dt.datetime | None = None) -> tuple[Registration, bool]:
    """Mark attendance for the registration ``code`` names: (registration, True) the first time,
    (registration, False) when it was already checked in. Another campaign's code is refused.

    ``at`` is when the person came in (now by default; a scanner that was offline, or the demo's past
    events, give the time of the scan)."""
    if not can_check_in(actor, campaign):
        raise PermissionDenied(_("Your role cannot check people in."))
    text = str(code or "").strip()
    if "/" in text:  # a scanner that reads a whole link: the code is its last part
        text = text.rstrip("/").rsplit("/", 1)[-1]
    if not text:
        raise ValidationFailed(_("Scan or type the check-in code."), field="code")
    with transaction.atomic():
        # Codes are upper case; a code typed by hand in lower case is the same code.
        registration = (Registration.objects.select_for_update().select_related("campaign")
                        .filter(code=text[:40].upper()).first())
        if registration is None:
            raise NotFound(_("No registration has the code “%(c)s”.") % {"c": text[:40]}, field="code",
                           code="registration_not_found")
        if registration.campaign_id != campaign.pk:
            raise Conflict(_("This code is for another campaign: “%(name)s”.") % {"name": registration.campaign.name},
                           field="code", code="registration_other_campaign")
        if registration.status == RegistrationStatus.ATTENDED:
            return registration, False
        now = at or timezone.now()
        if timezone.is_naive(now):
            now = timezone.make_aware(now)
        REGISTRATION_MACHINE.apply(registration, RegistrationStatus.ATTENDED, actor=actor, held=True,
                                   changes={"checked_in_at": now, "checked_in_by": actor},
                                   payload={"registration": str(registration.pk), "campaign": campaign.code})
        response_create(campaign=campaign, type=ResponseType.ATTENDANCE, source=ResponseSource.CHECK_IN,
                        registration=registration, actor=actor, responded_at=now,
                        data={k: getattr(registration, k) for k in ("name", "company", "title", "email", "phone")},
                        payload={"registration": str(registration.pk)}, convert=True)
    return registration, True
