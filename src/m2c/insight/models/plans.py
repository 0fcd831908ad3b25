"""Business plans and key-account plans (domain.md 7.2, 7.3; issue 13 item 6).

A business plan sets revenue and margin targets for an org unit's offering line (optionally one segment)
over a period (a year ``2026`` or a quarter ``2026Q3``); bookings are read live from won deals. A
key-account plan is one named customer's year: goals, the customer's decision chain with our owner per
contact, the campaigns and deals planned for it and the actions with owners and due dates.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.models import OfferingLine, OrgUnit, TrackedModel, currency_field, money_field
from m2c.customers.models import Contact, Customer, DecisionRole

from ..states import Attitude, Influence, KeyAccountPlanStatus
from .market import Segment


class BusinessPlan(TrackedModel):
    name = models.CharField(pgettext_lazy("record", "name"), max_length=200)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="business_plans",
                                 verbose_name=_("org unit"))
    offering_line = models.ForeignKey(OfferingLine, on_delete=models.PROTECT, related_name="business_plans",
                                      verbose_name=_("offering line"))
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="business_plans", verbose_name=_("segment"))
    period = models.CharField(_("period"), max_length=6)
    currency = currency_field()
    revenue_target = money_field(_("revenue target"), default=Decimal(0))
    margin_target_pct = models.DecimalField(_("gross margin target %"), max_digits=5, decimal_places=2,
                                            default=Decimal(0))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="business_plans", verbose_name=_("owner"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("business plan")
        verbose_name_plural = _("business plans")
        ordering = ["-period", "org_unit", "offering_line"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "offering_line", "segment", "period"],
                                    name="business_plan_unique"),
            models.CheckConstraint(condition=Q(revenue_target__gte=0), name="business_plan_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period}"


class KeyAccountPlan(TrackedModel):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="key_account_plans",
                                 verbose_name=_("customer"))
    year = models.PositiveIntegerField(_("year"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="key_account_plans",
                              verbose_name=_("account owner"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="key_account_plans", verbose_name=_("org unit"))
    status = models.CharField(_("status"), max_length=10, choices=KeyAccountPlanStatus.choices,
                              default=KeyAccountPlanStatus.DRAFT)
    goals = models.TextField(_("goals"))
    currency = currency_field()
    revenue_goal = money_field(_("revenue goal"), default=Decimal(0))

    class Meta:
        verbose_name = _("key-account plan")
        verbose_name_plural = _("key-account plans")
        ordering = ["-year", "customer__legal_name"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "year"], name="key_account_plan_unique"),
            models.CheckConstraint(condition=Q(status__in=KeyAccountPlanStatus.values),
                                   name="key_account_plan_status_valid"),
            models.CheckConstraint(condition=Q(revenue_goal__gte=0), name="key_account_goal_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.year}"


class KeyAccountContact(TrackedModel):
    """One person in the customer's decision chain, with who on our side owns the relationship."""

    plan = models.ForeignKey(KeyAccountPlan, on_delete=models.CASCADE, related_name="contacts",
                             verbose_name=_("key-account plan"))
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("contact"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=120)
    title = models.CharField(pgettext_lazy("person", "title"), max_length=120, blank=True)
    role = models.CharField(_("decision role"), max_length=24, choices=DecisionRole.choices,
                            default=DecisionRole.UNKNOWN)
    influence = models.CharField(_("influence"), max_length=10, choices=Influence.choices, default=Influence.MEDIUM)
    attitude = models.CharField(_("attitude"), max_length=10, choices=Attitude.choices, default=Attitude.NEUTRAL)
    our_owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("our owner"))
    reports_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="reports", verbose_name=_("reports to"))

    class Meta:
        verbose_name = _("decision-chain contact")
        verbose_name_plural = _("decision-chain contacts")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class KeyAccountLink(TrackedModel):
    """A campaign or a deal planned for the account."""

    plan = models.ForeignKey(KeyAccountPlan, on_delete=models.CASCADE, related_name="links",
                             verbose_name=_("key-account plan"))
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("campaign"))
    opportunity = models.ForeignKey("opportunities.Opportunity", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("opportunity"))

    class Meta:
        verbose_name = _("planned campaign or deal")
        verbose_name_plural = _("planned campaigns and deals")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(campaign__isnull=True, opportunity__isnull=False)
                                   | Q(campaign__isnull=False, opportunity__isnull=True),
                                   name="key_account_link_one_target"),
        ]


class KeyAccountAction(TrackedModel):
    plan = models.ForeignKey(KeyAccountPlan, on_delete=models.CASCADE, related_name="actions",
                             verbose_name=_("key-account plan"))
    description = models.CharField(_("description"), max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("account action")
        verbose_name_plural = _("account actions")
        ordering = ["done_on", "due_on", "created_at"]
