"""Forms of the MDF, special-price and incentive pages. They parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.forms import DateField, M2CForm, MoneyAmountField

from .states_channel import ExpenseType

CLAIM_ROWS = 4


class MdfForm(M2CForm):
    activity = forms.CharField(label=_("Activity"), max_length=200)
    activity_date = DateField(label=_("Activity date"))
    budget = MoneyAmountField(label=_("Budget (CNY)"), max_digits=20)
    objective_leads = forms.IntegerField(label=_("Objective: leads"), min_value=0)
    objective_opportunities = forms.IntegerField(label=_("Objective: opportunities"), min_value=0)
    late_reason = forms.CharField(label=_("Reason for a late application"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    WIDE = ("late_reason",)

    def __init__(self, *args: Any, partner_choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if partner_choices is not None:
            self.fields["partner"] = forms.ModelChoiceField(label=_("Partner"), queryset=partner_choices)
            self.fields["partner"].widget.attrs["class"] = "form-select"


class ClaimLineForm(M2CForm):
    expense_type = forms.ChoiceField(label=_("Expense type"), choices=[("", "—"), *ExpenseType.choices],
                                     required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    amount = MoneyAmountField(label=_("Amount"), max_digits=20, required=False)
    persons = forms.IntegerField(label=_("Persons"), min_value=1, required=False)
    evidence = forms.FileField(label=_("Proof"), required=False)


class SpqForm(M2CForm):
    registration = forms.ModelChoiceField(label=_("Deal registration"), queryset=None)
    discounts = forms.CharField(label=_("Discounts asked"), max_length=500,
                                help_text=_("Quote line and discount %, e.g. “1=12.5, 2=8”."))
    justification = forms.CharField(label=_("Justification"), max_length=4000,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(label=_("Override reason (channel manager)"), max_length=2000, required=False)

    WIDE = ("justification",)

    def __init__(self, *args: Any, registrations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registration"].queryset = registrations
        self.fields["registration"].label_from_instance = lambda r: f"{r.number} {r.project_name}"

    def clean_discounts(self) -> dict[str, str]:
        found = {}
        for part in self.cleaned_data["discounts"].replace("，", ",").split(","):
            if not part.strip():
                continue
            key, sep, value = part.partition("=")
            if not sep:
                raise forms.ValidationError(_("Write each as line=discount, e.g. 1=12.5."))
            found[key.strip()] = value.strip()
        return found


class StatementForm(M2CForm):
    start = DateField(label=_("From"))
    end = DateField(label=pgettext_lazy("period", "To"))
