"""Campaign touches: the input of attribution (domain.md 10.1, 10.3)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from m2c.campaigns.models import Campaign
from m2c.customers.models import Customer
from m2c.opportunities.models import Opportunity

from .lead import Lead


class CampaignTouch(models.Model):
    """A campaign reached a customer: the input of attribution (domain.md 10.1, 10.3)."""

    class Kind(models.TextChoices):
        RESPONSE = "response", _("Response")
        REGISTERED = "registered", _("Registered")
        ATTENDED = "attended", _("Attended")
        VISITED_BOOTH = "visited_booth", _("Visited booth")
        DOWNLOADED = "downloaded", _("Downloaded")
        REQUESTED_MEETING = "requested_meeting", _("Requested a meeting")
        INVITED = "invited", _("Invited")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="touches", verbose_name=_("campaign"))
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="campaign_touches",
        verbose_name=_("customer"),
    )
    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="touches", verbose_name=_("lead")
    )
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="campaign_touches",
        verbose_name=_("opportunity"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RESPONSE)
    touched_at = models.DateTimeField(_("touched at"), default=timezone.now)
    # The lead whose capture brought this touch, when it was carried over by a merge.
    origin_lead = models.ForeignKey(
        Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("origin lead")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign touch")
        verbose_name_plural = _("campaign touches")
        ordering = ["touched_at"]
        indexes = [models.Index(fields=["customer", "touched_at"], name="touch_customer_time_idx")]

    def __str__(self) -> str:
        return f"{self.campaign} @ {self.touched_at:%Y-%m-%d}"
