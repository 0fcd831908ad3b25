"""Target-account lists: widening the funnel mouth (扩大喇叭口) from segment criteria (issue 13 item 5).

A list keeps its criteria; refreshing it stores the matching customers as members, so campaigns read
a stable audience (``selectors.target_audience``) and leads are raised once per member.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from m2c.core.models import OrgUnit, TrackedModel
from m2c.customers.models import Customer

from ..states import InstalledBase
from .market import Segment


class TargetList(TrackedModel):
    """Saved criteria for target accounts; ``industries`` and ``tiers`` are lists of codes (empty: any)."""

    name = models.CharField(_("name"), max_length=200)
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, null=True, blank=True, related_name="target_lists",
                                verbose_name=_("segment"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="target_lists",
                                 verbose_name=_("org unit"))
    industries = models.JSONField(_("industries"), default=list, blank=True)
    region = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("region"))
    tiers = models.JSONField(_("customer sizes (tiers)"), default=list, blank=True)
    installed_base = models.CharField(_("installed base"), max_length=8, choices=InstalledBase.choices,
                                      default=InstalledBase.ANY)
    no_open_opportunity = models.BooleanField(_("no open opportunity"), default=False)
    last_contact_days = models.PositiveIntegerField(_("last contact older than (days)"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("accounts"), default=0)

    class Meta:
        verbose_name = _("target-account list")
        verbose_name_plural = _("target-account lists")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(installed_base__in=InstalledBase.values), name="target_list_base_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class TargetListMember(models.Model):
    """A customer on a target-account list since its last refresh, and the lead raised for it, if any."""

    id = models.BigAutoField(primary_key=True)
    # A refresh writes tens of thousands of rows in one statement (services.targets._store_members), taking
    # their ids from the customers table and the list it holds locked in the same transaction: no database
    # constraint re-checks each row at commit (that doubled the refresh), and the unique index
    # (target_list, customer) is the only index besides the key. Deletes still cascade through the ORM.
    target_list = models.ForeignKey(TargetList, on_delete=models.CASCADE, related_name="members",
                                    verbose_name=_("target-account list"), db_constraint=False, db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer"),
                                 db_constraint=False, db_index=False)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    lead_id = models.UUIDField(_("lead"), null=True, blank=True)

    class Meta:
        verbose_name = _("target account")
        verbose_name_plural = _("target accounts")
        constraints = [models.UniqueConstraint(fields=["target_list", "customer"], name="target_member_unique")]

    def __str__(self) -> str:
        return str(self.customer_id)
