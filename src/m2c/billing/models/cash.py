"""Cash: receipts from the bank, their allocations to invoices, refunds, and imported statements."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from m2c.core.models import TrackedModel, currency_field, money_at_most, money_field

from ..states import ReceiptStatus, RefundStatus, StatementFormat


class BankStatement(models.Model):
    """One imported statement file: its format, what it created and the rows it refused."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    format = models.CharField(_("format"), max_length=10, choices=StatementFormat.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    created = models.PositiveIntegerField(_("receipts created"), default=0)
    duplicates = models.PositiveIntegerField(_("rows already imported"), default=0)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("imported by"))

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.file_name


class Receipt(TrackedModel):
    """Money received: date, amount, currency, payer and bank reference; ``allocated`` grows with allocations."""

    number = models.CharField(_("receipt number"), max_length=30, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="receipts", verbose_name=_("customer"))
    payer_name = models.CharField(_("payer"), max_length=255)
    payer_account = models.CharField(_("payer account"), max_length=60, blank=True)
    currency = currency_field()
    amount = money_field(_("amount"))
    allocated = money_field(_("allocated"), default=Decimal(0))
    refunded = money_field(_("refunded"), default=Decimal(0))
    received_on = models.DateField(_("received on"), db_index=True)
    bank_ref = models.CharField(_("bank reference"), max_length=80, blank=True)
    remittance = models.CharField(_("remittance text"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=StatementFormat.choices,
                              default=StatementFormat.MANUAL)
    statement = models.ForeignKey(BankStatement, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="receipts", verbose_name=_("bank statement"))
    status = models.CharField(_("status"), max_length=20, choices=ReceiptStatus.choices,
                              default=ReceiptStatus.RECEIVED, db_index=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
            models.CheckConstraint(condition=Q(allocated__gte=0) & Q(refunded__gte=0),
                                   name="receipt_running_totals_not_negative"),
            models.CheckConstraint(condition=money_at_most("allocated", models.F("amount") - models.F("refunded")),
                                   name="receipt_never_overallocated"),
            models.UniqueConstraint(fields=["bank_ref", "received_on", "amount", "currency"],
                                    condition=~Q(bank_ref=""), name="receipt_bank_ref_once"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def unapplied(self) -> Decimal:
        return self.amount - self.allocated - self.refunded


class Allocation(models.Model):
    """Part of a receipt applied to an invoice; ``invoice_amount`` is in the invoice's currency."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="allocations",
                                verbose_name=_("receipt"))
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="allocations",
                                verbose_name=_("invoice"))
    amount = money_field(_("amount"))
    invoice_amount = money_field(_("amount in the invoice currency"))
    fx_rate = models.DecimalField(_("exchange rate"), max_digits=18, decimal_places=8, null=True, blank=True)
    allocated_on = models.DateField(_("allocated on"))
    # The payer (the receipt's customer) is not the invoice's buyer, and finance confirmed it
    # (三流一致: a group company paying for a subsidiary).
    third_party = models.BooleanField(_("third-party payment"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["allocated_on", "created_at"]
        # Receivables at a past date and collections of a period read allocations by date.
        indexes = [models.Index(fields=["allocated_on"], name="allocation_allocated_on_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(invoice_amount__gt=0),
                                   name="allocation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id} → {self.invoice_id} {self.amount}"


class Refund(models.Model):
    """Giving back the unapplied part of a receipt: requested by finance, approved by another person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("receipt"))
    amount = money_field(_("amount"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=RefundStatus.choices,
                              default=RefundStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["receipt", "created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"{self.receipt_id} {self.amount}"
