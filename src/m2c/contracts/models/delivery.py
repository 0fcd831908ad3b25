"""Execution records of a contract: customer POs, the delivery project, shipments and acceptance."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from m2c.core.models import currency_field, money_field

from ..states import CertificateType, PurchaseOrderStatus
from .contract import Contract, Site


class PurchaseOrder(models.Model):
    """A customer PO received under the contract: number, date, amount and the scanned PO."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="purchase_orders",
                                 verbose_name=_("contract"))
    number = models.CharField(_("customer PO number"), max_length=60)
    issued_on = models.DateField(_("PO date"))
    amount = money_field(_("amount"))
    currency = currency_field()
    status = models.CharField(_("status"), max_length=16, choices=PurchaseOrderStatus.choices,
                              default=PurchaseOrderStatus.RECEIVED)
    note = models.TextField(_("note"), blank=True)
    file = models.FileField(_("file"), upload_to="contracts/po/%Y/%m/", blank=True, max_length=255)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("customer PO")
        verbose_name_plural = _("customer POs")
        ordering = ["contract", "issued_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_po_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_po_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class DeliveryProject(models.Model):
    """The delivery project the handover meeting creates, with its project manager and baseline plan."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="delivery_project",
                                    verbose_name=_("contract"))
    pm = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("project manager"))
    handover_on = models.DateField(_("handover meeting"))
    baseline_plan = models.TextField(_("baseline delivery plan"), blank=True)
    notes = models.TextField(_("handover notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery project")
        verbose_name_plural = _("delivery projects")

    def __str__(self) -> str:
        return str(self.contract)


class Shipment(models.Model):
    """Goods sent to a site (or to the whole contract), with the delivery note when it arrives."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="shipments",
                                 verbose_name=_("contract"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="shipments",
                             verbose_name=_("site or work package"))
    description = models.CharField(_("what was shipped"), max_length=300)
    shipped_on = models.DateField(_("shipped on"))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivery_note = models.FileField(_("delivery note"), upload_to="contracts/delivery/%Y/%m/", blank=True,
                                     max_length=255)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["contract", "shipped_on"]
        constraints = [
            models.CheckConstraint(condition=Q(delivered_on__isnull=True) | Q(delivered_on__gte=models.F("shipped_on")),
                                   name="shipment_delivered_after_shipped"),
        ]

    def __str__(self) -> str:
        return self.description


class AcceptanceCertificate(models.Model):
    """A certificate the customer signed: type, scope (sites), date, signatory and evidence file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="certificates",
                                 verbose_name=_("contract"))
    type = models.CharField(_("type"), max_length=10, choices=CertificateType.choices)
    sites = models.ManyToManyField(Site, blank=True, related_name="certificates", verbose_name=_("sites in scope"))
    whole_contract = models.BooleanField(_("covers the whole contract"), default=False)
    scope_note = models.CharField(_("scope"), max_length=300, blank=True)
    signed_on = models.DateField(_("signed on"))
    signatory = models.CharField(_("customer signatory"), max_length=120)
    evidence = models.FileField(_("evidence"), upload_to="contracts/acceptance/%Y/%m/", blank=True, max_length=255)
    value_covered = money_field(_("value covered"), default=Decimal(0))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("acceptance certificate")
        verbose_name_plural = _("acceptance certificates")
        ordering = ["contract", "signed_on", "created_at"]
        indexes = [models.Index(fields=["contract", "type"], name="certificate_contract_type_idx")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.signed_on}"
