"""The dunning ladder's record (domain.md 6.3): each step taken on an invoice, the collection cases it
opens, and the reminder emails to customers waiting in their outbox."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import TrackedModel, currency_field, money_field

from ..states import CollectionStatus, DunningStepKind


class DunningStep(models.Model):
    """One rung of the ladder taken on one invoice; recorded once (the sweep is idempotent on this key).

    ``dunned`` is the undisputed open amount chased; ``disputed`` the part held out of dunning.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.CASCADE, related_name="dunning_steps",
                                verbose_name=_("invoice"))
    step = models.CharField(_("step"), max_length=4, choices=DunningStepKind.choices)
    taken_on = models.DateField(_("taken on"))
    days_past_due = models.PositiveIntegerField(_("days past due"))
    currency = currency_field()
    dunned = money_field(_("amount dunned"))
    disputed = money_field(_("disputed, not dunned"))
    recipients = models.CharField(_("sent to"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("dunning step")
        verbose_name_plural = _("dunning steps")
        ordering = ["invoice", "taken_on", "step"]
        constraints = [models.UniqueConstraint(fields=["invoice", "step"], name="dunning_step_once_per_invoice")]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.step}"


class CollectionCase(TrackedModel):
    """Opened at D+90 on an invoice still unpaid; closed when the invoice is paid or credited."""

    number = models.CharField(_("case number"), max_length=30, unique=True)
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="collection_cases",
                                verbose_name=_("invoice"))
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="collection_cases",
                                 verbose_name=_("contract"))
    currency = currency_field()
    amount = money_field(_("amount to collect"))
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=CollectionStatus.choices,
                              default=CollectionStatus.OPEN, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("collection case")
        verbose_name_plural = _("collection cases")
        ordering = ["-opened_on"]
        constraints = [
            models.UniqueConstraint(fields=["invoice"], condition=Q(status=CollectionStatus.OPEN),
                                    name="collection_case_one_open_per_invoice"),
            models.CheckConstraint(condition=Q(status__in=CollectionStatus.values), name="collection_status_valid"),
        ]

    def __str__(self) -> str:
        return self.number


class CustomerEmail(models.Model):
    """An email to a customer contact (a dunning reminder), written in the command's transaction and sent
    by the worker: the outbox for people who are not users. Rendered once, in the contact's language."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.CASCADE, related_name="customer_emails",
                                verbose_name=_("invoice"))
    step = models.ForeignKey(DunningStep, on_delete=models.CASCADE, null=True, blank=True, related_name="emails",
                             verbose_name=_("dunning step"))
    to_name = models.CharField(pgettext_lazy("email", "to"), max_length=120)
    to_email = models.CharField(_("email"), max_length=254)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    pending = models.BooleanField(_("pending"), default=True)

    class Meta:
        verbose_name = _("customer email")
        verbose_name_plural = _("customer emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="customer_email_outbox_idx", condition=Q(pending=True))]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"
