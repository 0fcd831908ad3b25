"""Forms of the market pages. They parse input; the services in ``services.market`` / ``services.targets`` decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.forms import DecimalField, M2CForm, MoneyAmountField
from m2c.core.models import OrgUnit
from m2c.core.selectors import currency_list, offering_line_list, org_unit_list
from m2c.customers.models import Industry, Tier

from .states import AppealsFactor, InstalledBase

SCORES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


def _units(field: forms.ModelChoiceField, types: tuple[str, ...] | None = None) -> None:
    qs = org_unit_list()
    if types:
        qs = qs.filter(type__in=types)
    field.queryset = qs
    field.label_from_instance = lambda unit: unit.label


class SegmentForm(M2CForm):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=200)
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=OrgUnit.objects.none())
    offering_line = forms.ModelChoiceField(label=_("Offering line"), queryset=None)
    customer_tier = forms.ChoiceField(label=_("Customer size (tier)"), choices=[("", _("Any size")), *Tier.choices],
                                      required=False)
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    expected_revenue = MoneyAmountField(label=_("Expected annual revenue"), max_digits=20, initial=0)
    gross_margin_pct = DecimalField(label=_("Expected gross margin %"), min_value=-100, max_value=100,
                                    decimal_places=2, initial=0)
    appeals_feed_position = forms.BooleanField(label=_("$APPEALS sets the competitive position"), required=False)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    WIDE = ("name", "description")
    CREATE_ONLY = ("code", "industry", "region", "offering_line", "customer_tier")

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            _units(self.fields["region"], (OrgUnit.Type.HQ, OrgUnit.Type.REGION, OrgUnit.Type.REP_OFFICE))
            self.fields["offering_line"].queryset = offering_line_list()
            self.fields["offering_line"].label_from_instance = lambda line: line.label
        else:
            for name in self.CREATE_ONLY:
                del self.fields[name]
        self.fields["currency"].choices = [(c.code, c.code) for c in currency_list()]

    def service_data(self, *, changed_only: bool = False) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if changed_only:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class SizingForm(M2CForm):
    period = forms.CharField(label=_("Period"), max_length=10, help_text=_("A year (2026) or a quarter (2026Q3)."))
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    tam = MoneyAmountField(label=_("TAM"), max_digits=20)
    sam = MoneyAmountField(label=_("SAM"), max_digits=20)
    growth_pct = DecimalField(label=_("Growth %"), min_value=-100, max_value=1000, decimal_places=2, initial=0)
    share_pct = DecimalField(label=_("Our share %"), min_value=0, max_value=100, decimal_places=2, initial=0)

    def __init__(self, *args: Any, competitors: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(c.code, c.code) for c in currency_list()]
        self.competitors = list(competitors)
        for c in self.competitors:
            self.fields[f"share_{c.pk.hex}"] = DecimalField(
                label=_("%(name)s share %%") % {"name": c.name}, min_value=0, max_value=100, decimal_places=2,
                required=False)
            self.fields[f"share_{c.pk.hex}"].widget.attrs["class"] = "form-control"

    def shares(self) -> dict[Any, Decimal]:
        return {c.pk: self.cleaned_data[f"share_{c.pk.hex}"] for c in self.competitors
                if self.cleaned_data.get(f"share_{c.pk.hex}") not in (None, "")}


class RatingsForm(M2CForm):
    """One 1–5 choice per active SPAN criterion."""

    def __init__(self, *args: Any, criteria: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"c_{c.code}"] = forms.ChoiceField(label=c.label, choices=SCORES, required=False,
                                                           widget=forms.Select(attrs={"class": "form-select"}))

    def scores(self) -> dict[str, str]:
        return {c.code: self.cleaned_data[f"c_{c.code}"] for c in self.criteria if self.cleaned_data.get(f"c_{c.code}")}


class AppealsForm(M2CForm):
    competitor = forms.ModelChoiceField(label=_("Scored for"), queryset=None, required=False,
                                        empty_label=_("Us"))

    def __init__(self, *args: Any, competitors: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competitor"].queryset = competitors
        for value, label in AppealsFactor.choices:
            self.fields[value] = DecimalField(label=label, min_value=1, max_value=5, decimal_places=1, required=False)
            self.fields[value].widget.attrs["class"] = "form-control"

    def scores(self) -> dict[str, Decimal]:
        return {f: self.cleaned_data[f] for f in AppealsFactor.values if self.cleaned_data.get(f) is not None}


class TargetListForm(M2CForm):
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=200)
    industries = forms.MultipleChoiceField(label=_("Industries"), choices=Industry.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    region = forms.ModelChoiceField(label=_("Region"), queryset=OrgUnit.objects.none(), required=False)
    tiers = forms.MultipleChoiceField(label=_("Customer sizes (tiers)"), choices=Tier.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    installed_base = forms.ChoiceField(label=_("Installed base"), choices=InstalledBase.choices,
                                       initial=InstalledBase.ANY)
    no_open_opportunity = forms.BooleanField(label=_("No open opportunity"), required=False)
    last_contact_days = forms.IntegerField(label=_("Last contact older than (days)"), min_value=1, max_value=3650,
                                           required=False)

    WIDE = ("name", "industries")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _units(self.fields["region"], (OrgUnit.Type.HQ, OrgUnit.Type.REGION, OrgUnit.Type.REP_OFFICE))

    def service_data(self, *, changed_only: bool = False) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if changed_only:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class RequirementRaiseForm(M2CForm):
    """Raise a requirement from any record; the source comes from the page that links here."""

    title = forms.CharField(label=pgettext_lazy("record", "Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    source_type = forms.ChoiceField(label=_("Source"), choices=())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=(), initial="medium")
    offering_line = forms.ModelChoiceField(label=_("Offering line"), queryset=None, required=False)
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    estimate = MoneyAmountField(label=_("Estimated business value (when no deal is linked)"), max_digits=20,
                                required=False, initial=0)

    WIDE = ("title", "description")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .states import RequirementSource, Urgency

        super().__init__(*args, **kwargs)
        self.fields["source_type"].choices = RequirementSource.choices
        self.fields["urgency"].choices = Urgency.choices
        self.fields["offering_line"].queryset = offering_line_list()
        self.fields["offering_line"].label_from_instance = lambda line: line.label
        self.fields["currency"].choices = [(c.code, c.code) for c in currency_list()]
