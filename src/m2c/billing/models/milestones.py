"""Billing milestones (the payment terms of a contract) and the billing items evidence releases."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from m2c.core.models import currency_field, money_field

from ..states import MilestoneStatus, Period, Scope, Trigger


class BillingMilestone(models.Model):
    """One payment term: a share (or a fixed amount) of the contract, its trigger, scope and payment days.

    ``amount`` is what the milestone is worth in the contract currency (percent × contract value, to the
    fen); the billing items it releases add up to it, never more.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="milestones",
                                 verbose_name=_("contract"))
    seq = models.PositiveSmallIntegerField(_("sequence"))
    name = models.CharField(_("name"), max_length=120)
    percent = models.DecimalField(_("percent of contract value"), max_digits=7, decimal_places=4, null=True,
                                  blank=True)
    amount = money_field(_("amount"))
    currency = currency_field()
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    trigger_event = models.CharField(_("event the days count from"), max_length=20, blank=True)
    offset_days = models.PositiveIntegerField(_("days after the event"), default=0)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.CONTRACT)
    payment_days = models.PositiveIntegerField(_("payment days"), default=30)
    # A periodic milestone (a service fee) bills its amount over ``periods`` months or quarters from
    # ``starts_on`` (the signature date when empty), one item per period that has ended, pro rata by days.
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, blank=True)
    periods = models.PositiveSmallIntegerField(_("number of periods"), null=True, blank=True)
    starts_on = models.DateField(_("first period starts on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MilestoneStatus.choices,
                              default=MilestoneStatus.PLANNED)

    class Meta:
        verbose_name = _("billing milestone")
        verbose_name_plural = _("billing milestones")
        ordering = ["contract", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "seq"], name="billing_milestone_seq_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="billing_milestone_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"M{self.seq} {self.name}"


class BillingItem(models.Model):
    """The part of a milestone that evidence made billable: one per site for a pro-rata milestone.

    An item is on at most one live invoice (``invoice``); a cancelled draft or a credit note frees it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    milestone = models.ForeignKey(BillingMilestone, on_delete=models.PROTECT, related_name="items",
                                  verbose_name=_("milestone"))
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="billing_items",
                                 verbose_name=_("contract"))
    site = models.ForeignKey("contracts.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("site or work package"))
    amount = money_field(_("amount"))
    certificate = models.ForeignKey("contracts.AcceptanceCertificate", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("evidence"))
    billable_on = models.DateField(_("billable from"))
    period_no = models.PositiveSmallIntegerField(_("period"), null=True, blank=True)
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="items", verbose_name=_("invoice"))
    change = models.ForeignKey("contracts.ChangeRequest", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("contract change"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("billing item")
        verbose_name_plural = _("billing items")
        ordering = ["milestone__seq", "billable_on", "created_at"]
        constraints = [
            # Evidence releases one item per scope unit; an approved change adds at most one more per unit
            # (the delta of a milestone whose evidence already exists, S12's amendment advance); a periodic
            # milestone releases one item per period.
            models.UniqueConstraint(fields=["milestone", "site"], condition=Q(change__isnull=True, period_no__isnull=True),
                                    name="billing_item_site_once"),
            models.UniqueConstraint(fields=["milestone"],
                                    condition=Q(site__isnull=True, change__isnull=True, period_no__isnull=True),
                                    name="billing_item_contract_once"),
            models.UniqueConstraint(fields=["milestone", "site", "change"], condition=Q(change__isnull=False),
                                    name="billing_item_change_once"),
            models.UniqueConstraint(fields=["milestone", "period_no"], condition=Q(period_no__isnull=False),
                                    name="billing_item_period_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_item_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} {self.amount}"
