"""Special-price requests (SPQ) on registered deals (domain.md 8.2 rule 6, 11.10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from m2c.core.models import TrackedModel
from m2c.opportunities.models import Quote

from ..states_channel import SpqStatus
from .registration import DealRegistration


class SpecialPriceRequest(TrackedModel):
    """A partner asks for better prices on its registered deal's quote lines: the prices become a new
    quote version, approved at the level the opportunities' discount authority requires."""

    number = models.CharField(_("special price request number"), max_length=20, unique=True)
    registration = models.ForeignKey(DealRegistration, on_delete=models.PROTECT, related_name="price_requests",
                                     verbose_name=_("deal registration"))
    base_quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("quote priced against"))
    quote = models.ForeignKey(Quote, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("quote version with the special prices"))
    # [{"position": 1, "description": ..., "discount_pct": "12.5"}]: as the partner asked.
    requested = models.JSONField(_("requested discounts"), default=list)
    justification = models.TextField(_("justification"))
    status = models.CharField(_("status"), max_length=20, choices=SpqStatus.choices, default=SpqStatus.PENDING,
                              db_index=True)
    required_level = models.CharField(_("required approval level"), max_length=20, blank=True)
    reasons = models.JSONField(_("approval reasons"), default=list, blank=True)
    override_reason = models.TextField(_("override reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("special price request")
        verbose_name_plural = _("special price requests")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.number
