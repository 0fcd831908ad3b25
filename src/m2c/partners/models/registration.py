"""Deal registrations (报备, domain.md 8.2, 11.10) and leads offered to partners (8.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from m2c.core.models import OfferingLine, TrackedModel, currency_field, money_field
from m2c.customers.models import Customer
from m2c.leads.models import Lead
from m2c.opportunities.models import Opportunity

from ..states import HOLDS_KEY, OfferStatus, RegistrationStatus
from .partner import Partner


class Rejection(models.TextChoices):
    INCOMPLETE = "incomplete", _("Incomplete information")
    UNVERIFIABLE = "unverifiable", _("Information could not be verified")
    CONFLICT = "conflict", _("Another registration holds this customer and offering line")
    DIRECT = "direct", _("Already covered by a direct opportunity")
    NOT_CERTIFIED = "not_certified", _("Partner not certified for the product category")
    PARTNER_INACTIVE = "partner_inactive", _("Partner not active")


class DealRegistration(TrackedModel):
    number = models.CharField(_("deal registration number"), max_length=20, unique=True)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="registrations",
                                verbose_name=_("partner"))
    distributor = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("distributor"))
    # As the partner typed it, and the customer identity resolution found (or created) for it.
    customer_name = models.CharField(_("customer name"), max_length=255)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    customer_domain = models.CharField(_("customer web domain"), max_length=120, blank=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="deal_registrations", verbose_name=_("customer"))
    match = models.JSONField(_("identity match"), default=dict, blank=True)
    project_name = models.CharField(_("project name"), max_length=200)
    offering_line = models.ForeignKey(OfferingLine, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("offering line"))
    budget = money_field(_("budget"))
    currency = currency_field()
    decision_chain = models.TextField(_("decision chain"))
    implementation_date = models.DateField(_("implementation date"))
    status = models.CharField(_("status"), max_length=16, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.SUBMITTED, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    protected_until = models.DateField(_("protected until"), null=True, blank=True)
    extension_used = models.BooleanField(_("extension used"), default=False)
    extension_evidence = models.TextField(_("extension evidence"), blank=True)
    rejection = models.CharField(_("rejection reason"), max_length=20, choices=Rejection.choices, blank=True)
    # The holder a conflict lost to: shown to the channel manager only, never to the partner.
    conflict_with = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                      verbose_name=_("conflicting registration"))
    override_reason = models.TextField(_("override reason"), blank=True)
    opportunity = models.ForeignKey(Opportunity, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("opportunity"))

    class Meta:
        verbose_name = _("deal registration")
        verbose_name_plural = _("deal registrations")
        ordering = ["-submitted_at"]
        constraints = [
            # One registration holds a (customer, offering line) key at a time: the database decides a race.
            models.UniqueConstraint(fields=["customer", "offering_line"], condition=Q(status__in=list(HOLDS_KEY)),
                                    name="registration_key_once"),
        ]
        indexes = [models.Index(fields=["partner", "status"], name="registration_partner_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.project_name}"


class LeadOffer(models.Model):
    """A lead routed to a partner: accepted or returned within 3 working days, else returned by the worker."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="offers", verbose_name=_("partner"))
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+", verbose_name=_("lead"))
    status = models.CharField(_("status"), max_length=16, choices=OfferStatus.choices, default=OfferStatus.OFFERED,
                              db_index=True)
    offered_at = models.DateTimeField(_("offered at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("offered by (person)"))

    class Meta:
        verbose_name = _("lead offer")
        verbose_name_plural = _("lead offers")
        ordering = ["-offered_at"]
        constraints = [models.UniqueConstraint(fields=["lead"], condition=Q(status__in=["OFFERED", "ACCEPTED"]),
                                               name="lead_offer_once")]

    def __str__(self) -> str:
        return f"{self.lead} → {self.partner}"
