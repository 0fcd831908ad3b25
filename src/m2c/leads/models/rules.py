"""The configurable lead rules and the routing table (domain.md 3.3, 3.4, 3.5, 12)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from m2c.core.models import OfferingLine, OrgUnit
from m2c.customers.models import Industry


class LeadSettings(models.Model):
    """The configurable rules of domain.md 3.3, 3.4, 3.5 and 12: one row, edited by administrators."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    duplicate_window_days = models.PositiveIntegerField(_("duplicate window (days)"), default=180)
    match_threshold = models.PositiveSmallIntegerField(
        _("automatic match threshold"), default=90, help_text=_("Match score from which a duplicate merges itself.")
    )
    review_threshold = models.PositiveSmallIntegerField(
        _("possible match threshold"), default=75, help_text=_("Match score from which a lead is flagged for review.")
    )
    accept_sla_days = models.PositiveSmallIntegerField(_("accept SLA (working days)"), default=3)
    warm_threshold = models.PositiveSmallIntegerField(_("warm from score"), default=40)
    hot_threshold = models.PositiveSmallIntegerField(_("hot from score"), default=70)
    stale_days_hot = models.PositiveSmallIntegerField(_("stale after (days), hot"), default=30)
    stale_days_warm = models.PositiveSmallIntegerField(_("stale after (days), warm"), default=60)
    stale_days_cold = models.PositiveSmallIntegerField(_("stale after (days), cold"), default=90)
    review_cadence_days = models.PositiveSmallIntegerField(_("review cadence (days)"), default=14)
    weights = models.JSONField(_("score weights"), default=dict, blank=True)
    priority_industries = models.JSONField(_("priority segments (industries)"), default=list, blank=True)
    student_terms = models.JSONField(_("student contact terms"), default=list, blank=True)
    default_capacity = models.PositiveIntegerField(_("default open leads per person"), default=50)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lead rules")
        verbose_name_plural = _("lead rules")

    def __str__(self) -> str:
        return str(_("Lead rules"))


class RoutingRule(models.Model):
    """One row of the ordered routing table (domain.md 3.4): conditions, then a target.

    Conditions left empty match anything. The first active rule (lowest ``priority``) whose
    conditions hold and whose target yields an assignee not excluded wins.
    """

    class Target(models.TextChoices):
        NAMED_AR = "named_ar", _("The customer's account responsible (named accounts)")
        USER = "user", _("A person")
        QUEUE = "queue", _("A queue (org unit)")
        ROUND_ROBIN = "round_robin", _("Round-robin within a team")
        PARTNER = "partner", _("A partner certified for the lead's offering line")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    priority = models.PositiveIntegerField(_("order"), default=100)
    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(_("active"), default=True)
    region = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region (subtree)")
    )
    customer_group = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("customer group")
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, blank=True)
    offering_line = models.ForeignKey(
        OfferingLine, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("offering line")
    )
    tier = models.CharField(_("customer tier"), max_length=10, blank=True)
    min_score = models.PositiveSmallIntegerField(_("minimum score"), default=0)
    target = models.CharField(_("route to"), max_length=12, choices=Target.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("person"),
    )
    target_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("queue or team")
    )
    # The partner a PARTNER rule offers leads to (a plain id: leads reads partners only through its selectors).
    # The rule is skipped, with its reason on the lead's timeline, unless the partner is ACTIVE and certified
    # (not NON_COMPLIANT) for one of the lead's offering lines.
    target_partner_id = models.UUIDField(_("partner"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity per person"), null=True, blank=True, help_text=_("Open leads per person; empty: the default.")
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["priority", "name"]

    def __str__(self) -> str:
        return self.name
