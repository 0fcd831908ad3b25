"""Forms of the partners pages. They parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.forms import DateField, M2CForm, MoneyAmountField
from m2c.core.selectors import currency_list, offering_line_list

from .models import Partner, TierType
from .states import PartnerStatus


class RegistrationForm(M2CForm):
    customer_name = forms.CharField(label=_("Customer name"), max_length=255)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    customer_domain = forms.CharField(label=_("Customer web domain"), max_length=120, required=False)
    project_name = forms.CharField(label=_("Project name"), max_length=200)
    offering_line = forms.ModelChoiceField(label=_("Products or solution"), queryset=None)
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    budget = MoneyAmountField(label=_("Customer budget"), max_digits=20)
    decision_chain = forms.CharField(label=_("Decision chain"), max_length=4000,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    implementation_date = DateField(label=_("Implementation date"))

    WIDE = ("decision_chain",)

    def __init__(self, *args: Any, partner_choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offering_line"].queryset = offering_line_list()
        self.fields["offering_line"].label_from_instance = lambda line: line.label
        self.fields["currency"].choices = [(c.code, c.code) for c in currency_list()]
        if partner_choices is not None:
            self.fields["partner"] = forms.ModelChoiceField(label=_("Partner"), queryset=partner_choices)
            self.fields["partner"].widget.attrs["class"] = "form-select"


class PartnerForm(M2CForm):
    code = forms.SlugField(label=_("Code"), max_length=40)
    legal_name = forms.CharField(label=_("Legal name"), max_length=255)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    supplier = forms.ModelChoiceField(label=_("Supplying distributor"), queryset=Partner.objects.none(),
                                      required=False)
    product_category = forms.CharField(label=_("Product category"), max_length=80, required=False)
    tier = forms.ChoiceField(label=pgettext_lazy("partner", "Tier"), choices=[("", "—"), *TierType.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Partner.objects.exclude(status=PartnerStatus.BLACKLISTED)


class ReasonForm(M2CForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class CertificationApplyForm(M2CForm):
    product_category = forms.ChoiceField(label=_("Product category"))
    level = forms.CharField(label=_("Level"), max_length=24, required=False)
    valid_from = DateField(label=_("Valid from"))
    valid_to = DateField(label=_("Valid to"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = sorted({line.product_category for line in offering_line_list() if line.product_category})
        self.fields["product_category"].choices = [(c, c) for c in categories]


class CertificationRenewForm(M2CForm):
    valid_to = DateField(label=_("New end date"))
