"""The campaign plan form. It parses input; ``services.campaign_create`` / ``campaign_update`` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.forms import DateField, DecimalField, M2CForm, MoneyAmountField
from m2c.core.models import OrgUnit
from m2c.core.selectors import currency_list, offering_line_list, org_unit_list

from . import selectors
from .models import CampaignExpense, CampaignLevel, JourneyStage


class CampaignForm(M2CForm):
    code = forms.SlugField(label=_("Code"), max_length=40, required=False,
                           help_text=_("Lower-case letters, digits and -; left empty, one is made from the name."))
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=CampaignLevel.choices)
    journey_stage = forms.ChoiceField(label=_("Buyer journey stage"), choices=JourneyStage.choices)
    org_unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none(), required=False)
    start_date = DateField(label=_("Start date"))
    end_date = DateField(label=_("End date"))
    target_valid_leads = forms.IntegerField(label=_("Target valid leads"), min_value=0, initial=0)
    target_opportunities = forms.IntegerField(label=_("Target opportunities"), min_value=0, initial=0)
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    target_pipeline = MoneyAmountField(label=_("Target pipeline"), max_digits=20, initial=0)
    target_bookings = MoneyAmountField(required=False, label=_("Target bookings"), max_digits=20, initial=0)
    target_cash = MoneyAmountField(required=False, label=_("Target cash collected"), max_digits=20, initial=0)
    objective = forms.CharField(label=_("Objective"), max_length=2000, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.ModelChoiceField(label=_("Parent programme"), queryset=None, required=False)
    budget = forms.ModelChoiceField(label=_("Budget"), queryset=None, required=False)
    budget_amount = MoneyAmountField(required=False, label=_("Requested budget"), max_digits=20, initial=0)
    web_form_enabled = forms.BooleanField(label=_("Public lead form enabled"), required=False, initial=True)
    offering_lines = forms.ModelMultipleChoiceField(label=_("Offering lines"), queryset=None, required=False,
                                                    widget=forms.CheckboxSelectMultiple)

    WIDE = ("name", "objective", "offering_lines")

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["code"]
        self.fields["org_unit"].queryset = org_unit_list()
        self.fields["offering_lines"].queryset = offering_line_list()
        self.fields["offering_lines"].label_from_instance = lambda line: line.label
        self.fields["org_unit"].label_from_instance = lambda unit: unit.label
        self.fields["currency"].choices = [(c.code, c.code) for c in currency_list()]
        self.fields["budget"].queryset = selectors.budget_options()
        self.fields["parent"].queryset = selectors.campaign_options()
        self.fields["parent"].label_from_instance = lambda c: f"{c.name} ({c.get_level_display()})"

    def service_data(self, *, changed_only: bool = False) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for key in ("target_bookings", "target_cash", "budget_amount"):
            if data.get(key) is None:
                data[key] = 0
        if changed_only:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class BudgetForm(M2CForm):
    """A marketing budget: a top-level one is granted its amount; a child receives allocations."""

    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=CampaignLevel.choices)
    org_unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    parent = forms.ModelChoiceField(label=_("Parent budget"), queryset=None, required=False,
                                    help_text=_("Left empty, this is a top-level budget granted its amount."))
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    amount = MoneyAmountField(label=_("Amount granted"), max_digits=20, required=False)
    tolerance_percent = DecimalField(label=_("Spend tolerance (%)"), min_value=0, max_value=50, initial=10,
                                           decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_unit_list()
        self.fields["org_unit"].label_from_instance = lambda unit: unit.label
        self.fields["parent"].queryset = selectors.budget_options()
        self.fields["currency"].choices = [(c.code, c.code) for c in currency_list()]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["amount"] = data.get("amount") or 0
        return data


class AllocateForm(M2CForm):
    child = forms.ModelChoiceField(label=_("Child budget"), queryset=None)
    amount = MoneyAmountField(label=_("Amount (negative takes money back)"), max_digits=20, min_value=None,
                              currency_field="=CNY")
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, budget: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = budget.children.order_by("name")
        self.fields["amount"].currency_field = f"={budget.currency}"
        self.apply_currencies()


class ExpenseForm(M2CForm):
    category = forms.ChoiceField(label=_("Category"), choices=CampaignExpense.Category.choices)
    supplier = forms.CharField(label=_("Supplier"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    spent_on = DateField(label=_("Date"))
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    amount = MoneyAmountField(label=_("Amount"), max_digits=20)
    fx_rate = DecimalField(label=_("Rate to the budget currency"), required=False, max_digits=18,
                                 decimal_places=8, min_value=0,
                                 help_text=_("Only for another currency when no dated rate is stored."))
    evidence = forms.FileField(label=_("Evidence (invoice, receipt)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(c.code, c.code) for c in currency_list()]


class ReapproveForm(M2CForm):
    amount = MoneyAmountField(label=_("Additional commitment"), max_digits=20, currency_field="=CNY")
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args: Any, currency: str = "CNY", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].currency_field = f"={currency}"
        self.apply_currencies()
