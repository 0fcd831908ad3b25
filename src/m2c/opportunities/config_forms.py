"""Forms of the configuration pages: decision bodies, the authority matrix and price lists.

They parse input; the services in ``services/config.py`` decide (administrators only).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.forms import DateField, DecimalField, M2CForm, MoneyAmountField, style_fields
from m2c.core.models import OrgUnit, Role, User
from m2c.core.selectors import currency_list, offering_line_list

from .models import DecisionBodyMember, Dimension, Operator, PaymentTermDeviation, Product
from .states import DecisionLevel, GateType

BODY_UNIT_TYPES = (OrgUnit.Type.HQ, OrgUnit.Type.REGION, OrgUnit.Type.REP_OFFICE)


class DecisionBodyForm(M2CForm):
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=120)
    name_en = forms.CharField(label=_("English name"), max_length=120, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=DecisionLevel.choices)
    org_unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["active"]
            self.fields["org_unit"].queryset = OrgUnit.objects.filter(active=True, type__in=BODY_UNIT_TYPES)
            self.fields["org_unit"].label_from_instance = lambda unit: unit.label
        else:
            del self.fields["level"], self.fields["org_unit"]


class MemberForm(M2CForm):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=DecisionBodyMember.Role.choices,
                             initial=DecisionBodyMember.Role.MEMBER)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True, groups__name=Role.DECISION_TEAM).distinct() \
            .order_by("username")


class MatrixForm(M2CForm):
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=120)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _line_choices() -> list[tuple[str, str]]:
    return [("", _("all lines")), *[(line.code, line.label) for line in offering_line_list()]]


class RuleForm(M2CForm):
    gate_type = forms.ChoiceField(label=_("Gate"), required=False)
    dimension = forms.ChoiceField(label=_("Dimension"), choices=Dimension.choices)
    operator = forms.ChoiceField(label=_("Operator"), choices=Operator.choices)
    threshold = DecimalField(label=_("Threshold"), max_digits=20, decimal_places=4, required=False)
    threshold_text = forms.ChoiceField(label=_("Threshold (text)"), required=False)
    offering_line = forms.ChoiceField(label=_("Offering line"), required=False)
    required_level = forms.ChoiceField(label=_("Required level"), choices=DecisionLevel.choices)
    label = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gate_type"].choices = [("", _("every gate")), *GateType.choices]
        # A blank row of the formset must post nothing, so the required choices start empty.
        for name in ("dimension", "operator", "required_level"):
            self.fields[name].choices = [("", "—"), *self.fields[name].choices]
        self.fields["threshold_text"].choices = [("", "—"), *PaymentTermDeviation.choices]
        self.fields["offering_line"].choices = _line_choices()


class DiscountForm(M2CForm):
    role = forms.ChoiceField(label=_("Role"), choices=[(r, label) for r, label in Role.choices if r != Role.PARTNER])
    offering_line = forms.ChoiceField(label=_("Offering line"), required=False)
    max_discount_pct = DecimalField(label=_("Maximum discount %"), max_digits=5, decimal_places=2, min_value=0,
                                    max_value=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offering_line"].choices = _line_choices()
        self.fields["role"].choices = [("", "—"), *self.fields["role"].choices]


RuleFormSet = formset_factory(RuleForm, extra=2, can_delete=True)
DiscountFormSet = formset_factory(DiscountForm, extra=1, can_delete=True)


class PriceListForm(M2CForm):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=120)
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    valid_from = DateField(label=_("Valid from"))
    valid_to = DateField(label=_("Valid to"), required=False, help_text=_("Empty: open-ended."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    PRICE_PREFIX = "price_"

    def __init__(self, *args: Any, creating: bool = False, products: list[Product] | None = None, **kwargs: Any) -> None:
        self.products = {f"{self.PRICE_PREFIX}{p.pk.hex}": p for p in products or []}
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["code"]
        self.fields["currency"].choices = [(c.code, c.code) for c in currency_list()]
        for name, product in self.products.items():
            self.fields[name] = MoneyAmountField(label=product.code, required=False, max_digits=20)
            self.fields[name].product = product  # type: ignore[attr-defined]
        # Price fields are added after M2CForm styled and sized the header fields: do it again for them.
        style_fields(self)
        self.apply_currencies()

    def header_data(self, *, changed_only: bool = False) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items()
                if k not in self.products and (not changed_only or k in self.changed_data)}

    def price_data(self, *, changed_only: bool = False) -> dict[str, Any]:
        return {product.code: self.cleaned_data.get(name) for name, product in self.products.items()
                if not changed_only or name in self.changed_data}

    def price_fields(self) -> list[Any]:
        return [self[name] for name in self.products]

    def header_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.products]


class ProductForm(M2CForm):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    offering_line = forms.ModelChoiceField(label=_("Offering line"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=Product.Kind.choices)
    unit = forms.ChoiceField(label=_("Unit"), choices=Product.Unit.choices)
    cost_currency = forms.ChoiceField(label=_("Cost currency"), initial="CNY")
    standard_cost = MoneyAmountField(label=_("Standard cost"), currency_field="cost_currency", max_digits=20, initial=0)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    WIDE = ("description",)

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            self.fields["code"].disabled = True  # the code names the product on quotes and in imports
        self.fields["offering_line"].queryset = offering_line_list()
        self.fields["offering_line"].label_from_instance = lambda line: line.label
        self.fields["cost_currency"].choices = [(c.code, c.code) for c in currency_list()]
