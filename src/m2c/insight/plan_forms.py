"""Forms of the plan pages: business plans and key-account plans. They parse; ``services.plans`` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.forms import DateField, DecimalField, M2CForm, MoneyAmountField
from m2c.core.models import OrgUnit
from m2c.core.selectors import currency_list, offering_line_list, org_unit_list
from m2c.customers import selectors as customer_selectors

from .models import Segment


class BusinessPlanForm(M2CForm):
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=200)
    org_unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())
    offering_line = forms.ModelChoiceField(label=_("Offering line"), queryset=None)
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=Segment.objects.none(), required=False)
    period = forms.CharField(label=_("Period"), max_length=6, help_text=_("A year (2026) or a quarter (2026Q3)."))
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    revenue_target = MoneyAmountField(label=_("Revenue target"), max_digits=20)
    margin_target_pct = DecimalField(label=_("Gross margin target %"), min_value=-100, max_value=100,
                                     decimal_places=2, initial=0)
    note = forms.CharField(label=_("Note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    WIDE = ("name", "note")
    CREATE_ONLY = ("org_unit", "offering_line", "segment", "period")

    def __init__(self, *args: Any, user: Any = None, creating: bool = False, **kwargs: Any) -> None:
        from .selectors import segment_queryset

        super().__init__(*args, **kwargs)
        if creating:
            self.fields["org_unit"].queryset = org_unit_list().filter(
                type__in=(OrgUnit.Type.HQ, OrgUnit.Type.REGION, OrgUnit.Type.REP_OFFICE))
            self.fields["org_unit"].label_from_instance = lambda unit: unit.label
            self.fields["offering_line"].queryset = offering_line_list()
            self.fields["offering_line"].label_from_instance = lambda line: line.label
            self.fields["segment"].queryset = segment_queryset(user).exclude(status="RETIRED").order_by("name")
        else:
            for name in self.CREATE_ONLY:
                del self.fields[name]
        self.fields["currency"].choices = [(c.code, c.code) for c in currency_list()]


class KeyAccountPlanForm(M2CForm):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    goals = forms.CharField(label=_("Goals"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    currency = forms.ChoiceField(label=_("Currency"), initial="CNY")
    revenue_goal = MoneyAmountField(label=_("Revenue goal"), max_digits=20, initial=0)

    WIDE = ("goals",)
    CREATE_ONLY = ("customer", "year")

    def __init__(self, *args: Any, user: Any = None, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["customer"].queryset = customer_selectors.customer_queryset(user).order_by("legal_name")
            self.fields["customer"].label_from_instance = lambda c: c.legal_name
        else:
            for name in self.CREATE_ONLY:
                del self.fields[name]
        self.fields["currency"].choices = [(c.code, c.code) for c in currency_list()]


def _part(label: Any) -> forms.CharField:
    """One of the eight parts of a five-looks, three-decisions report: a long optional text."""
    return forms.CharField(label=label, max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class InsightReportForm(M2CForm):
    """The five looks, three decisions template."""

    title = forms.CharField(label=pgettext_lazy("record", "Title"), max_length=200)
    report_type = forms.ChoiceField(label=_("Report type"), choices=())
    org_unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())
    due_on = DateField(label=_("Due date"), required=False)
    segments = forms.ModelMultipleChoiceField(label=_("Segments"), queryset=Segment.objects.none(), required=False)
    summary = forms.CharField(label=_("Summary"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    look_trends = _part(_("Look at trends"))
    look_market = _part(_("Look at the market and customers"))
    look_competitors = _part(_("Look at competitors"))
    look_self = _part(_("Look at ourselves"))
    look_opportunities = _part(_("Look at opportunities"))
    decide_control_points = _part(_("Decide the control points"))
    decide_goals = _part(_("Decide the goals"))
    decide_strategy = _part(_("Decide the strategy"))

    WIDE = ("title", "summary", "look_trends", "look_market", "look_competitors", "look_self", "look_opportunities",
            "decide_control_points", "decide_goals", "decide_strategy")
    CREATE_ONLY = ("report_type", "org_unit")

    def __init__(self, *args: Any, user: Any = None, creating: bool = False, **kwargs: Any) -> None:
        from .selectors import segment_queryset
        from .states import InsightReportType

        super().__init__(*args, **kwargs)
        if creating:
            self.fields["report_type"].choices = InsightReportType.choices
            self.fields["org_unit"].queryset = org_unit_list()
            self.fields["org_unit"].label_from_instance = lambda unit: unit.label
        else:
            for name in self.CREATE_ONLY:
                del self.fields[name]
        self.fields["segments"].queryset = segment_queryset(user).exclude(status="RETIRED").order_by("name")


class InnovationProjectForm(M2CForm):
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=200)
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=None)
    offering_line = forms.ModelChoiceField(label=_("Offering line"), queryset=None)
    objective = forms.CharField(label=_("Objective"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = DateField(label=_("Start date"), required=False)
    ends_on = DateField(label=_("End date"), required=False)

    WIDE = ("name", "objective")
    CREATE_ONLY = ("customer", "offering_line")

    def __init__(self, *args: Any, user: Any = None, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["customer"].queryset = customer_selectors.customer_queryset(user).order_by("legal_name")
            self.fields["customer"].label_from_instance = lambda c: c.legal_name
            self.fields["offering_line"].queryset = offering_line_list()
            self.fields["offering_line"].label_from_instance = lambda line: line.label
        else:
            for name in self.CREATE_ONLY:
                del self.fields[name]
