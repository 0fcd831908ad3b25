"""Forms for the customer pages. They parse input; the services decide.

``DomainErrorFormMixin`` moved to ``m2c.core.forms``; it is re-exported here for older imports.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.forms import DomainErrorFormMixin, M2CForm, MoneyAmountField  # noqa: F401 (re-exported)
from m2c.core.models import OrgUnit, Role, User

from .models import ComplianceStatus, ContactLanguage, CreditRating, DecisionRole, Industry, Territory, Tier


class CustomerForm(M2CForm):
    legal_name = forms.CharField(label=_("Legal name"), max_length=255)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=40, required=False)
    registration_no = forms.CharField(label=_("Registration number"), max_length=64, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, initial="CN")
    province = forms.CharField(label=_("Province"), max_length=40, required=False)
    city = forms.CharField(label=_("City"), max_length=60, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices, initial=Industry.OTHER)
    org_unit = forms.ModelChoiceField(label=_("Region / office"), queryset=OrgUnit.objects.none(), required=False)
    customer_group = forms.ModelChoiceField(label=_("Customer group"), queryset=OrgUnit.objects.none(), required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices, initial=Tier.GENERAL)
    ar_owner = forms.ModelChoiceField(label=_("Account responsible (AR)"), queryset=User.objects.none(), required=False)
    credit_rating = forms.ChoiceField(label=_("Credit rating"), choices=CreditRating.choices, initial=CreditRating.UNRATED)
    credit_limit = MoneyAmountField(label=_("Credit limit"), currency_field="credit_currency", max_digits=20, initial=0)
    credit_currency = forms.CharField(label=_("Credit currency"), max_length=3, initial="CNY")
    credit_hold = forms.BooleanField(label=_("Credit hold"), required=False)
    compliance_status = forms.ChoiceField(label=_("Compliance status"), choices=ComplianceStatus.choices, initial=ComplianceStatus.OK)
    compliance_note = forms.CharField(label=_("Compliance note"), max_length=255, required=False)

    FINANCE_FIELDS = ("credit_rating", "credit_limit", "credit_currency", "credit_hold", "compliance_status", "compliance_note")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(
            active=True, type__in=[OrgUnit.Type.HQ, OrgUnit.Type.REGION, OrgUnit.Type.REP_OFFICE]
        )
        self.fields["customer_group"].queryset = OrgUnit.objects.filter(active=True, type=OrgUnit.Type.CUSTOMER_GROUP)
        self.fields["ar_owner"].queryset = User.objects.filter(is_active=True, groups__name=Role.AR).distinct()
        if not (user.is_superuser or user.has_role(Role.ADMINISTRATOR, Role.FINANCE)):
            for name in self.FINANCE_FIELDS:
                self.fields[name].disabled = True

    def service_data(self, *, changed_only: bool = False) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not self.fields[k].disabled}
        if changed_only:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class ContactForm(M2CForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    title = forms.CharField(label=pgettext_lazy("person", "Title"), max_length=120, required=False)
    decision_role = forms.ChoiceField(label=_("Decision role"), choices=DecisionRole.choices, initial=DecisionRole.UNKNOWN)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    consent_email = forms.BooleanField(label=_("Consents to email"), required=False)
    consent_phone = forms.BooleanField(label=_("Consents to calls"), required=False)
    language = forms.ChoiceField(label=_("Preferred language"), required=False,
                                 choices=[("", _("As the customer's country")), *ContactLanguage.choices])


class TerritoryForm(M2CForm):
    """One line of the territory map: a province → its region or office, an industry → its customer group.

    The service files both under ``key``; the form asks for a province as text and an industry from the
    list, so nobody types an industry code.
    """

    kind = forms.ChoiceField(label=_("Kind"), choices=Territory.Kind.choices)
    province = forms.CharField(label=_("Province"), max_length=40, required=False,
                               help_text=_("Without 省/市, e.g. 上海, 广东."))
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *Industry.choices], required=False)
    org_unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(active=True, type__in=[
            OrgUnit.Type.HQ, OrgUnit.Type.REGION, OrgUnit.Type.REP_OFFICE, OrgUnit.Type.CUSTOMER_GROUP])
        self.fields["org_unit"].label_from_instance = lambda unit: unit.label

    @staticmethod
    def initial_for(territory: Territory) -> dict[str, Any]:
        key_field = "industry" if territory.kind == Territory.Kind.INDUSTRY else "province"
        return {"kind": territory.kind, key_field: territory.key, "org_unit": territory.org_unit}

    def _key_field(self) -> str:
        kind = self.cleaned_data.get("kind") if hasattr(self, "cleaned_data") else None
        return "industry" if kind == Territory.Kind.INDUSTRY else "province"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get(self._key_field()) or "").strip():
            self.add_error(self._key_field(), _("This field is required."))
        return data

    def service_data(self, *, changed_only: bool = False) -> dict[str, Any]:
        data = {"kind": self.cleaned_data["kind"], "key": self.cleaned_data[self._key_field()],
                "org_unit": self.cleaned_data["org_unit"]}
        if changed_only:
            changed = set(self.changed_data)
            data = {k: v for k, v in data.items()
                    if (k == "key" and changed & {"province", "industry", "kind"}) or k in changed}
        return data

    def add_domain_error(self, exc: Any) -> None:
        """The service names ``key``: show it beside the province or the industry."""
        for item in exc.errors:
            if item.get("field") == "key":
                item["field"] = self._key_field()
        if exc.field == "key":
            exc.field = self._key_field()
        super().add_domain_error(exc)
