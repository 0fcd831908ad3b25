"""The contract page's forms (shared wire formats and domain-error display from ``core.forms``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from m2c.core.forms import DateField, DecimalField, M2CForm, MoneyAmountField
from m2c.core.models import User

from .services._common import PM_ROLES
from .states import CertificateType, ChangeKind, ContractStatus


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
        self.fields["pm"].queryset = User.objects.filter(
            Q(is_superuser=True) | Q(groups__name__in=PM_ROLES), is_active=True).distinct().order_by("username")


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


class ChangeForm(M2CForm):
    """A change request with one proposed line (the API takes many): kind, reason, the line, schedule days."""

    kind = forms.ChoiceField(label=_("Kind of change"), choices=ChangeKind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=_("Item"), max_length=300, required=False)
    site = forms.CharField(label=_("Site or work package (existing or new)"), max_length=120, required=False)
    quantity = DecimalField(label=_("Quantity"), required=False, decimal_places=4)
    unit_price = MoneyAmountField(label=_("Unit price"), required=False)
    unit_cost = MoneyAmountField(label=_("Unit cost"), required=False)
    schedule_days = forms.IntegerField(label=_("Schedule extension (days)"), required=False, min_value=-3650,
                                       max_value=3650)
    effective_on = DateField(label=_("Amendment signed on"), required=False)

    LINE_FIELDS = ("description", "site", "quantity", "unit_price", "unit_cost")

    def add_domain_error(self, exc: Any) -> None:
        for item in exc.errors:
            parts = (item.get("field") or "").split(".")
            if parts[0] == "lines" and len(parts) == 3 and parts[2] in self.fields:
                item["field"] = parts[2]
        super().add_domain_error(exc)

    def lines(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        if not any(d.get(f) not in (None, "") for f in ("description", "quantity", "unit_price")):
            return []
        return [{"description": d.get("description") or "", "site": d.get("site") or "",
                 "quantity": d.get("quantity") if d.get("quantity") is not None else "",
                 "unit_price": d.get("unit_price") if d.get("unit_price") is not None else "",
                 "unit_cost": d.get("unit_cost") or 0}]

    @classmethod
    def initial_of(cls, change: Any) -> dict[str, Any]:
        line = ((change.proposal or {}).get("lines") or [{}])[0]
        return {"kind": change.kind, "reason": change.reason, "schedule_days": change.schedule_days,
                "effective_on": change.effective_on, "description": line.get("description", ""),
                "site": line.get("site", ""),
                "quantity": Decimal(line["quantity"]) if line.get("quantity") else None,
                "unit_price": Decimal(line["unit_price"]) if line.get("unit_price") else None,
                "unit_cost": Decimal(line["unit_cost"]) if line.get("unit_cost") else None}


class EvaluationForm(M2CForm):
    actual_cost = MoneyAmountField(label=_("Actual cost"), min_value=Decimal(0))
    post_mortem = forms.CharField(label=_("Post-mortem and lessons learned"), max_length=20000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
