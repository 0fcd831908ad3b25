"""The campaign plan form. It parses input; ``services.campaign_create`` / ``campaign_update`` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.forms import DateField, M2CForm, MoneyAmountField
from m2c.core.models import OrgUnit
from m2c.core.selectors import currency_list, offering_line_list, org_unit_list

from . import selectors
from .models import CampaignLevel, JourneyStage


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
