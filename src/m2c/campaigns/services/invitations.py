"""Invitations by email and the campaign email outbox.

Marketing invites customers' contacts or a target list to a campaign. Each address is invited once per
campaign; an address that opted out (``selectors_responses.email_opted_out``) is skipped, and an email
already queued for it is not sent if the person opts out before the worker sends it. Every email is
rendered once in the person's language and carries a signed unsubscribe link. The language is the
contact's preferred language, else its customer's (Chinese for a customer in Greater China, English
elsewhere), for a target-list entry the language its line names; else the campaign default
``M2C_CAMPAIGN_LANGUAGE`` (Chinese unless set).
"""

from __future__ import annotations

import os
import uuid
from email.mime.image import MIMEImage
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import Conflict, PermissionDenied, ValidationFailed
from m2c.core.models import Role, User
from m2c.core.normalize import normalize_email

from .. import events_responses as events
from .. import selectors_responses as reads
from ..models import Campaign, CampaignEmail, Invitation, Registration
from ..states import ACCEPTS_RESPONSES
from .consent import confirmation_allowed, unsubscribe_token

INVITE_SALT = "m2c.campaigns.invitation"
MAX_INVITES = 5000
LANGUAGES = {code for code, _name in settings.LANGUAGES}


def site_url() -> str:
    """Where the links in emails point (``M2C_SITE_URL``)."""
    return (getattr(settings, "M2C_SITE_URL", "") or os.environ.get("M2C_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")


def campaign_language() -> str:
    value = getattr(settings, "M2C_CAMPAIGN_LANGUAGE", "") or os.environ.get("M2C_CAMPAIGN_LANGUAGE") or "zh-hans"
    return value if value in LANGUAGES else "zh-hans"


def _language(value: Any) -> str:
    text = str(value or "").strip().lower().replace("_", "-")
    if text in ("zh", "zh-cn", "zh-hans", "cn", "中文", "chinese"):
        return "zh-hans"
    if text in ("en", "en-us", "en-gb", "english", "英文"):
        return "en"
    return campaign_language()


def require_planner(actor: User | None) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("You must be signed in."))
    if not (actor.is_superuser or actor.has_role(Role.ADMINISTRATOR, Role.MARKETING)):
        raise PermissionDenied(_("Your role cannot change campaigns."))


def registration_url(campaign: Campaign, invitation: Invitation | None = None) -> str:
    url = site_url() + reverse("campaigns:register", args=[campaign.code])
    if invitation is not None:
        url += "?invite=" + signing.dumps(str(invitation.pk), salt=INVITE_SALT)
    return url


def invitation_from_token(token: str, campaign: Campaign) -> Invitation | None:
    try:
        pk = signing.loads(str(token), salt=INVITE_SALT)
    except signing.BadSignature:
        return None
    return Invitation.objects.filter(pk=pk, campaign=campaign).first()


def unsubscribe_url(email: str, campaign: Campaign) -> str:
    return site_url() + reverse("campaigns:unsubscribe", args=[unsubscribe_token(email=email, campaign=campaign)])


def _uuids(values: list[Any], field: str) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            raise ValidationFailed(_("“%(v)s” is not an id.") % {"v": str(value)[:40]}, field=field) from None
    return found


def _targets(actor: User | None, contact_ids: list[Any], customer_ids: list[Any],
             targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from m2c.customers import selectors as customer_selectors

    found: list[dict[str, Any]] = []
    contacts = list(customer_selectors.contacts_for_invitation(
        user=actor, contact_ids=_uuids(contact_ids, "contact_ids"), customer_ids=_uuids(customer_ids, "customer_ids")))
    for c in contacts:
        found.append({"email": c.email, "name": c.name, "company": c.customer.legal_name, "contact": c,
                      "customer": c.customer, "language": c.preferred_language})
    errors = []
    for index, row in enumerate(targets):
        if not isinstance(row, dict):
            errors.append({"field": f"targets[{index}]", "reason": _("Each target is an object with an email.")})
            continue
        found.append({"email": str(row.get("email") or ""), "name": str(row.get("name") or "")[:120],
                      "company": str(row.get("company") or "")[:200], "language": row.get("language") or "",
                      "contact": None, "customer": None})
    if errors:
        raise ValidationFailed(errors[0]["reason"], errors=errors)
    return found


@transaction.atomic
def campaign_invite(*, campaign: Campaign, actor: User | None, contact_ids: list[Any] | None = None,
                    customer_ids: list[Any] | None = None, targets: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Invite contacts (by contact or by customer) and target-list entries; queue one email each.

    Returns what was done: invited, and skipped as opted out, already invited or without an email.
    """
    require_planner(actor)
    if campaign.status not in ACCEPTS_RESPONSES:
        raise Conflict(_("The campaign is %(s)s: it takes no more invitations.") % {"s": campaign.get_status_display()},
                       code="campaign_closed")
    people = _targets(actor, list(contact_ids or []), list(customer_ids or []), list(targets or []))
    if not people:
        raise ValidationFailed(_("Choose contacts, customers or a target list to invite."), field="targets")
    if len(people) > MAX_INVITES:
        raise ValidationFailed(_("At most %(n)d people per call.") % {"n": MAX_INVITES}, field="targets")
    report = {"invited": 0, "skipped_opted_out": 0, "skipped_already_invited": 0, "skipped_no_email": 0,
              "invitations": [], "skipped": []}
    emails = []
    for person in people:
        try:
            person["email"] = normalize_email(person["email"]) if person["email"] else ""
        except ValidationFailed:
            person["email"] = ""
        emails.append(person["email"])
    opted_out = reads.opted_out_emails(emails)
    known = set(Invitation.objects.filter(campaign=campaign, email__in=[e for e in emails if e])
                .values_list("email", flat=True))
    for person in people:
        email = person["email"]
        if not email:
            report["skipped_no_email"] += 1
            report["skipped"].append({"name": person["name"], "email": "", "reason": "no_email"})
            continue
        if email in opted_out:
            report["skipped_opted_out"] += 1
            report["skipped"].append({"name": person["name"], "email": email, "reason": "opted_out"})
            continue
        if email in known:
            report["skipped_already_invited"] += 1
            report["skipped"].append({"name": person["name"], "email": email, "reason": "already_invited"})
            continue
        known.add(email)
        invitation = Invitation.objects.create(
            campaign=campaign, email=email, name=person["name"][:120], company=person["company"][:200],
            contact=person["contact"], customer=person["customer"], language=_language(person["language"]),
            invited_by=actor)
        _queue_invitation(invitation)
        report["invited"] += 1
        report["invitations"].append(invitation)
    core_events.record(events.CAMPAIGN_INVITED, campaign, actor=actor, payload={
        k: report[k] for k in ("invited", "skipped_opted_out", "skipped_already_invited", "skipped_no_email")})
    return report


def _render(template: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override(language):
        text = render_to_string(f"campaigns/email/{template}.txt", context).strip()
    subject, _sep, body = text.partition("\n")
    return subject.strip()[:200], body.strip()


def _queue_invitation(invitation: Invitation) -> CampaignEmail:
    campaign = invitation.campaign
    subject, body = _render("invitation", invitation.language, {
        "campaign": campaign, "name": invitation.name, "register_url": registration_url(campaign, invitation),
        "unsubscribe_url": unsubscribe_url(invitation.email, campaign)})
    return CampaignEmail.objects.create(campaign=campaign, kind=CampaignEmail.Kind.INVITATION, invitation=invitation,
                                        to_name=invitation.name, to_email=invitation.email,
                                        language=invitation.language, subject=subject, body=body)


def queue_confirmation(registration: Registration, *, confirmation_url: str) -> CampaignEmail | None:
    """The registration's confirmation with its QR code (attached when sent); None without an email or
    without the event consent the form's box records (``consent.confirmation_allowed``, rule 3)."""
    if not registration.email or not confirmation_allowed(email=registration.email, campaign=registration.campaign):
        return None
    campaign = registration.campaign
    subject, body = _render("confirmation", registration.language, {
        "campaign": campaign, "name": registration.name, "code": registration.code,
        "confirmation_url": site_url() + confirmation_url,
        "unsubscribe_url": unsubscribe_url(registration.email, campaign)})
    return CampaignEmail.objects.create(campaign=campaign, kind=CampaignEmail.Kind.CONFIRMATION,
                                        registration=registration, to_name=registration.name,
                                        to_email=registration.email, language=registration.language,
                                        subject=subject, body=body)


def campaign_emails_send(limit: int = 200) -> int:
    """Send the pending campaign emails, oldest first (the worker's outbox sweep); returns how many went.

    An invitation to an address that opted out after it was queued is not sent (kept as suppressed). A
    confirmation answers the person's own registration and carries the QR code as an inline PNG; it is sent
    to an address that opted out of marketing, but not once the person withdrew the event consent the
    registration recorded (``consent`` rules 1 and 3).
    """
    from ..qr import qr_png

    sent = 0
    with transaction.atomic():
        pending = CampaignEmail.objects.filter(pending=True).select_related("registration", "campaign").order_by("created_at")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True, of=("self",))
        batch = list(pending[:limit])
        opted_out = reads.opted_out_emails([m.to_email for m in batch if m.kind == CampaignEmail.Kind.INVITATION])
        for mail in batch:
            if mail.kind == CampaignEmail.Kind.INVITATION and mail.to_email in opted_out:
                CampaignEmail.objects.filter(pk=mail.pk).update(pending=False, suppressed=True)
                continue
            if mail.kind == CampaignEmail.Kind.CONFIRMATION and not confirmation_allowed(email=mail.to_email,
                                                                                          campaign=mail.campaign):
                CampaignEmail.objects.filter(pk=mail.pk).update(pending=False, suppressed=True)
                continue
            message = EmailMultiAlternatives(subject=mail.subject, body=mail.body, from_email=settings.DEFAULT_FROM_EMAIL,
                                             to=[mail.to_email])
            message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe_url(mail.to_email, mail.campaign)}>"
            if mail.registration is not None:
                html = render_to_string("campaigns/email/confirmation.html", {"mail": mail, "code": mail.registration.code})
                message.attach_alternative(html, "text/html")
                message.mixed_subtype = "related"
                image = MIMEImage(qr_png(mail.registration.code), "png")
                image.add_header("Content-ID", "<qr>")
                image.add_header("Content-Disposition", "inline", filename="checkin-qr.png")
                message.attach(image)
            try:
                message.send()
            except OSError:
                continue  # stays pending; the next sweep retries
            CampaignEmail.objects.filter(pk=mail.pk).update(pending=False, sent_at=timezone.now())
            sent += 1
    return sent
