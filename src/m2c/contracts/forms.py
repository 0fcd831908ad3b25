"""The contract page's forms (shared wire formats and domain-error display from ``core.forms``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from m2c.core.forms import DateField, DecimalField, M2CForm, MoneyAmountField
from m2c.core.models import User

from .states import CertificateType, ContractStatus


class ContractFilterForm(M2CForm):
    search = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *ContractStatus.choices],
                               required=False)
    signed_from = DateField(label=_("Signed from"), required=False)
    signed_to = DateField(label=_("Signed until"), required=False)


class HandoverForm(M2CForm):
    pm = forms.ModelChoiceField(label=_("Project manager"), queryset=User.objects.none())
    handover_on = DateField(label=_("Handover meeting"), required=False)
    baseline_plan = forms.CharField(label=_("Baseline delivery plan"), max_length=5000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pm"].queryset = User.objects.filter(is_active=True).order_by("username")


class SiteForm(M2CForm):
    name = forms.CharField(label=_("Site or work package"), max_length=120)
    share_pct = DecimalField(label=_("Share of value %"), min_value=Decimal("0.0001"), max_value=Decimal(100),
                             decimal_places=4)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class PurchaseOrderForm(M2CForm):
    number = forms.CharField(label=_("Customer PO number"), max_length=60)
    issued_on = DateField(label=_("PO date"))
    amount = MoneyAmountField(label=_("Amount"), min_value=Decimal("0.01"))
    file = forms.FileField(label=_("Scanned PO"), required=False)


class ShipmentForm(M2CForm):
    site = forms.ChoiceField(label=_("Site or work package"), choices=(), required=False)
    description = forms.CharField(label=_("What was shipped"), max_length=300)
    shipped_on = DateField(label=_("Shipped on"))
    delivered_on = DateField(label=_("Delivered on"), required=False)
    delivery_note = forms.FileField(label=_("Delivery note"), required=False)

    def __init__(self, *args: Any, sites: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "—"), *[(str(s.pk), s.name) for s in sites]]


class CertificateForm(M2CForm):
    type = forms.ChoiceField(label=_("Certificate type"), choices=CertificateType.choices)
    sites = forms.MultipleChoiceField(label=_("Sites in scope"), choices=(), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    whole_contract = forms.BooleanField(label=_("Covers the whole contract"), required=False)
    signed_on = DateField(label=_("Signed on"))
    signatory = forms.CharField(label=_("Customer signatory"), max_length=120)
    scope_note = forms.CharField(label=_("Scope"), max_length=300, required=False)
    evidence = forms.FileField(label=_("Evidence"), required=False)

    def __init__(self, *args: Any, sites: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sites"].choices = [(str(s.pk), s.name) for s in sites]


class ReasonForm(M2CForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ReviewForm(M2CForm):
    delta = MoneyAmountField(label=_("Change in value (ATAC)"), required=False)
    summary = forms.CharField(label=_("Summary for the decision team"), max_length=5000, required=False)
