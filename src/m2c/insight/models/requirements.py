"""Market insight and requirements. Built out by its own issue; for now the customer requirement (RR)
that MTL and LTC capture (domain.md 7.6, 10.1), which a lost deal raises (S16)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import OfferingLine, OrgUnit, TrackedModel, currency_field, money_field
from m2c.core.money import Money
from m2c.customers.models import Customer

from ..states import RequirementSource, RequirementStatus, Urgency


class Requirement(TrackedModel):
    """A raw customer requirement (RR) on its way to product planning (IPD).

    ``source_type`` and ``source_id`` name where it came from without a hard dependency on every app;
    ``opportunity`` links the deal whose owner hears about the disposition.
    """

    number = models.CharField(pgettext_lazy("document", "number"), max_length=20, unique=True)
    title = models.CharField(pgettext_lazy("record", "title"), max_length=200)
    description = models.TextField(_("description"))
    source_type = models.CharField(_("source"), max_length=20, choices=RequirementSource.choices)
    source_id = models.UUIDField(_("source record"), null=True, blank=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="requirements", verbose_name=_("customer")
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.PROTECT, null=True, blank=True, related_name="requirements",
        verbose_name=_("opportunity"),
    )
    offering_line = models.ForeignKey(
        OfferingLine, on_delete=models.PROTECT, null=True, blank=True, related_name="requirements",
        verbose_name=_("offering line"),
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="requirements", verbose_name=_("org unit")
    )
    business_value = money_field(_("business value"), default=Decimal(0))
    currency = currency_field()
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM)
    status = models.CharField(_("status"), max_length=20, choices=RequirementStatus.choices, default=RequirementStatus.NEW)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="submitted_requirements",
        verbose_name=_("submitted by"),
    )
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="analysed_requirements",
        verbose_name=_("analyst"),
    )
    disposition_note = models.TextField(_("disposition note"), blank=True)
    target_release = models.CharField(_("target release"), max_length=40, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates", verbose_name=_("duplicate of")
    )
    ir_ref = models.CharField(_("IR reference"), max_length=60, blank=True)
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    feedback_sent_at = models.DateTimeField(_("feedback sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer requirement")
        verbose_name_plural = _("customer requirements")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "offering_line"], name="requirement_status_line_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RequirementStatus.values), name="requirement_status_valid"),
            models.CheckConstraint(condition=Q(business_value__gte=0), name="requirement_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def value_money(self) -> Money:
        return Money(self.business_value, self.currency)
