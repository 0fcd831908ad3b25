"""Invoices as Chinese finance issues them: the request (开票申请), its lines, and red-letter credit notes."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from m2c.core.models import TrackedModel, currency_field, money_at_most, money_field, money_sum_equals
from m2c.core.money import Money

from ..states import InvoiceStatus, VatType


class Invoice(TrackedModel):
    """A VAT invoice to the contract's customer: requested, then issued on the tax platform.

    Amounts are in the contract currency. ``total`` is fixed at the request; ``paid`` and ``credited``
    grow with allocations and credit notes, and ``open`` is what remains. Once issued nothing here is
    edited except those running totals and the dispute.
    """

    number = models.CharField(_("request number"), max_length=30, unique=True)
    official_number = models.CharField(_("official invoice number"), max_length=40, blank=True, db_index=True)
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="invoices",
                                 verbose_name=_("contract"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="invoices",
                                 verbose_name=_("customer"))
    purchase_order = models.ForeignKey("contracts.PurchaseOrder", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("customer PO"))
    vat_type = models.CharField(_("VAT invoice type"), max_length=10, choices=VatType.choices,
                                default=VatType.SPECIAL)
    buyer_name = models.CharField(_("buyer name"), max_length=255)
    buyer_tax_id = models.CharField(_("buyer taxpayer id"), max_length=20, blank=True)
    buyer_address = models.CharField(_("buyer address"), max_length=255, blank=True)
    buyer_phone = models.CharField(_("buyer phone"), max_length=40, blank=True)
    buyer_bank = models.CharField(_("buyer bank and account"), max_length=200, blank=True)
    currency = currency_field()
    net = money_field(_("amount excluding tax"), default=Decimal(0))
    tax = money_field(_("tax"), default=Decimal(0))
    total = money_field(_("total"), default=Decimal(0))
    paid = money_field(_("paid"), default=Decimal(0))
    credited = money_field(_("credited"), default=Decimal(0))
    disputed = money_field(_("disputed"), default=Decimal(0))
    payment_days = models.PositiveIntegerField(_("payment days"), default=30)
    issued_on = models.DateField(_("invoice date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    days_late = models.IntegerField(_("days paid late"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=InvoiceStatus.choices,
                              default=InvoiceStatus.DRAFT, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-created_at"]
        indexes = [models.Index(fields=["customer", "status"], name="invoice_customer_status_idx"),
                   # Revenue of a period (DSO) per currency.
                   models.Index(fields=["currency", "issued_on"], name="invoice_currency_issued_idx"),
                   # Aging: the open invoices alone, with what the buckets sum (index-only on PostgreSQL).
                   models.Index(fields=["currency", "customer"], name="invoice_open_aging_idx",
                                include=["due_date", "total", "paid", "credited", "disputed"],
                                condition=Q(status__in=["ISSUED", "PARTIALLY_PAID", "DISPUTED"]))]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="invoice_total_positive"),
            models.CheckConstraint(condition=Q(paid__gte=0) & Q(credited__gte=0) & Q(disputed__gte=0),
                                   name="invoice_running_totals_not_negative"),
            models.CheckConstraint(condition=money_at_most("paid", models.F("total") - models.F("credited")),
                                   name="invoice_never_overpaid"),
            models.UniqueConstraint(fields=["official_number"], condition=~Q(official_number=""),
                                    name="invoice_official_number_unique"),
        ]

    def __str__(self) -> str:
        return self.official_number or self.number

    @property
    def open_amount(self) -> Decimal:
        return self.total - self.paid - self.credited

    @property
    def open_money(self) -> Money:
        return Money(self.open_amount, self.currency)

    def is_overdue(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return bool(self.due_date and day > self.due_date and self.open_amount > 0)


class InvoiceLine(models.Model):
    """One line: its tax rate, amount excluding tax, tax and total, each rounded to the fen on the line."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("item"), max_length=300)
    billing_item = models.ForeignKey("billing.BillingItem", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("billing item"))
    tax_rate = models.DecimalField(_("tax rate %"), max_digits=5, decimal_places=2)
    net = money_field(_("amount excluding tax"))
    tax = money_field(_("tax"))
    total = money_field(_("total"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.CheckConstraint(condition=money_sum_equals("total", models.F("net") + models.F("tax")),
                                   name="invoice_line_adds_up"),
        ]

    def __str__(self) -> str:
        return self.description


class CreditNote(models.Model):
    """A red-letter invoice (红字发票) reversing all or part of an issued invoice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes",
                                verbose_name=_("invoice"))
    number = models.CharField(_("credit note number"), max_length=30, unique=True)
    official_number = models.CharField(_("official red-letter number"), max_length=40, blank=True)
    issued_on = models.DateField(_("date"))
    net = money_field(_("amount excluding tax"))
    tax = money_field(_("tax"))
    total = money_field(_("total"))
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["invoice", "issued_on", "created_at"]
        indexes = [models.Index(fields=["issued_on"], name="credit_note_issued_idx")]
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="credit_note_total_positive")]

    def __str__(self) -> str:
        return self.number

    @property
    def reason_text(self) -> str:
        """The reason in the reader's language when the system wrote it (a dispute's credit), else as typed."""
        from ..texts import read

        return read(self.reason)
