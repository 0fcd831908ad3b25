"""Invitations, consent, registrations and responses (domain.md 7.4 steps 3–7, 10.1; issue 11 items 4, 5).

- ``Consent``: one append-only row per grant or withdrawal (PIPL): subject (an email or a phone), purpose,
  granted or withdrawn, source, time and evidence text. The newest row per subject and purpose decides.
- ``Invitation``: a person invited to a campaign by email (a customer's contact or a target-list entry).
- ``CampaignEmail``: the outbox of invitation and confirmation emails, sent by the worker.
- ``Registration``: a sign-up through the campaign's public form, with the code its QR image carries.
- ``CampaignResponse``: a registration, attendance, booth visit, download, meeting or call-back request,
  converted into a lead through the lead capture rules within the window.
- ``CustomerJourney``: the buyer-journey stage a customer has reached through its responses.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .campaign import JourneyStage


class ConsentSubject(models.TextChoices):
    EMAIL = "email", _("Email address")
    PHONE = "phone", _("Phone number")


class ConsentPurpose(models.TextChoices):
    MARKETING_EMAIL = "marketing_email", _("Marketing emails and invitations")
    EVENT = "event", _("Processing for a campaign the person signed up to")


class ConsentSource(models.TextChoices):
    FORM = "form", _("Web form")
    IMPORT = "import", _("File import")
    INVITATION_REPLY = "invitation_reply", _("Reply to an invitation")
    CHECK_IN = "check_in", _("Check-in")


class Consent(models.Model):
    """A grant or a withdrawal of consent, never changed afterwards (PIPL: who, for what, when, how)."""

    id = models.BigAutoField(primary_key=True)
    subject_kind = models.CharField(_("subject"), max_length=10, choices=ConsentSubject.choices)
    subject = models.CharField(_("email or phone"), max_length=254)
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    source = models.CharField(_("source"), max_length=20, choices=ConsentSource.choices)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("campaign"))
    evidence = models.TextField(_("evidence"), max_length=2000)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["subject", "purpose", "-recorded_at"], name="consent_subject_idx")]

    def __str__(self) -> str:
        return f"{self.subject} {self.purpose} {'+' if self.granted else '-'}"


class Invitation(models.Model):
    """One person invited to one campaign (at most once per address)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="invitations",
                                 verbose_name=_("campaign"))
    email = models.CharField(_("email"), max_length=254)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=120, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    contact = models.ForeignKey("customers.Contact", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("contact"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("customer"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("invited by"))

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-invited_at"]
        constraints = [models.UniqueConstraint(fields=["campaign", "email"], name="invitation_once_per_address")]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.email}"


class CampaignEmail(models.Model):
    """An invitation or registration confirmation waiting in the outbox, rendered once in its language."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        CONFIRMATION = "confirmation", _("Registration confirmation")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="emails",
                                 verbose_name=_("campaign"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, null=True, blank=True, related_name="emails")
    registration = models.ForeignKey("campaigns.Registration", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="emails")
    to_name = models.CharField(pgettext_lazy("email", "to"), max_length=120, blank=True)
    to_email = models.CharField(_("email"), max_length=254)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    pending = models.BooleanField(_("pending"), default=True)
    suppressed = models.BooleanField(_("not sent: the address opted out"), default=False)

    class Meta:
        verbose_name = _("campaign email")
        verbose_name_plural = _("campaign emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="campaign_email_outbox_idx", condition=models.Q(pending=True))]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"


CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: a person can read it out and type it


def registration_code() -> str:
    """The code a registration's QR image carries: 16 unguessable characters (78 bits) a scanner types back."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))


class RegistrationStatus(models.TextChoices):
    REGISTERED = "REGISTERED", _("Registered")
    ATTENDED = "ATTENDED", _("Attended")


class Registration(models.Model):
    """A sign-up through the campaign's public form; checked in once at the door."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="registrations",
                                 verbose_name=_("campaign"))
    code = models.CharField(_("check-in code"), max_length=40, unique=True, default=registration_code)
    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="registrations", verbose_name=_("invitation"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=120)
    company = models.CharField(_("company"), max_length=200)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.REGISTERED)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("checked in by"))

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-registered_at"]
        constraints = [models.CheckConstraint(condition=models.Q(status__in=RegistrationStatus.values),
                                              name="registration_status_valid")]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.name}"


class ResponseType(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    ATTENDANCE = "attendance", _("Attendance")
    BOOTH_VISIT = "booth_visit", _("Booth visit")
    DOWNLOAD = "download", _("Download")
    MEETING_REQUEST = "meeting_request", _("Meeting request")
    CALLBACK_REQUEST = "callback_request", _("Call-back request")


class ResponseSource(models.TextChoices):
    FORM = "form", _("Web form")
    CHECK_IN = "check_in", _("Check-in")
    IMPORT = "import", _("File import")
    API = "api", _("API")


class ResponseStatus(models.TextChoices):
    PENDING = "PENDING", pgettext_lazy("response", "To convert")
    CONVERTED = "CONVERTED", pgettext_lazy("response", "Converted")


class CampaignResponse(models.Model):
    """Someone responded to a campaign; converted into a lead through the lead rules within the window."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="responses",
                                 verbose_name=_("campaign"))
    type = models.CharField(_("response type"), max_length=20, choices=ResponseType.choices)
    source = models.CharField(_("source"), max_length=12, choices=ResponseSource.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=120, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("customer"))
    match = models.JSONField(_("customer match"), default=dict, blank=True)
    registration = models.ForeignKey(Registration, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="responses", verbose_name=_("registration"))
    responded_at = models.DateTimeField(_("responded at"), default=timezone.now)
    convert_due_at = models.DateTimeField(_("convert by"))
    status = models.CharField(_("status"), max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.PENDING)
    lead = models.ForeignKey("leads.Lead", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("lead"))
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    convert_error = models.TextField(_("why it is not converted"), blank=True)
    # An imported row's fingerprint: a second import of the same file creates nothing twice.
    external_ref = models.CharField(_("external reference"), max_length=120, null=True, blank=True, unique=True)
    payload = models.JSONField(_("raw payload"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("campaign response")
        verbose_name_plural = _("campaign responses")
        ordering = ["-responded_at"]
        indexes = [
            models.Index(fields=["convert_due_at"], name="response_pending_idx", condition=models.Q(status="PENDING")),
            models.Index(fields=["campaign", "-responded_at"], name="response_campaign_idx"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(status__in=ResponseStatus.values),
                                              name="response_status_valid")]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.get_type_display()} {self.name or self.email}"

    @property
    def overdue(self) -> bool:
        return self.status == ResponseStatus.PENDING and self.convert_due_at < timezone.now()


class CustomerJourney(models.Model):
    """How far along the buyer journey a customer is, moved forward by its responses (never back)."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, primary_key=True,
                                    related_name="journey", verbose_name=_("customer"))
    stage = models.CharField(_("buyer journey stage"), max_length=20, choices=JourneyStage.choices)
    response = models.ForeignKey(CampaignResponse, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("moved by response"))
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("customer journey")
        verbose_name_plural = _("customer journeys")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.stage}"
