"""The routing-rule form. It parses input; ``services.routing_rule_create`` / ``routing_rule_update`` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.forms import M2CForm
from m2c.core.models import OrgUnit, Role, User
from m2c.core.selectors import offering_line_list, org_unit_list
from m2c.customers.models import Industry, Tier

from .models import RoutingRule

ANY = [("", "—")]


class RoutingRuleForm(M2CForm):
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=120)
    priority = forms.IntegerField(label=_("Order"), min_value=0, max_value=1_000_000, required=False,
                                  help_text=_("Lower numbers are read first; empty: after the last rule."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    region = forms.ModelChoiceField(label=_("Region (subtree)"), queryset=OrgUnit.objects.none(), required=False)
    customer_group = forms.ModelChoiceField(label=_("Customer group"), queryset=OrgUnit.objects.none(), required=False)
    industry = forms.ChoiceField(label=_("Industry"), choices=ANY + list(Industry.choices), required=False)
    offering_line = forms.ModelChoiceField(label=_("Offering line"), queryset=None, required=False)
    tier = forms.ChoiceField(label=_("Customer tier"), choices=ANY + list(Tier.choices), required=False)
    min_score = forms.IntegerField(label=_("Minimum score"), min_value=0, max_value=100, initial=0)
    target = forms.ChoiceField(label=_("Route to"), choices=RoutingRule.Target.choices)
    target_user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none(), required=False)
    target_unit = forms.ModelChoiceField(label=_("Queue or team"), queryset=OrgUnit.objects.none(), required=False)
    target_partner_id = forms.ChoiceField(label=_("Partner"), required=False, choices=ANY,
                                          help_text=_("Only if it is active and certified for the lead's offering line; "
                                                      "else the rule is skipped."))
    capacity = forms.IntegerField(label=_("Capacity per person"), min_value=1, max_value=10_000, required=False,
                                  help_text=_("Open leads per person; empty: the default."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = org_unit_list()
        self.fields["region"].queryset = units.filter(type__in=[OrgUnit.Type.HQ, OrgUnit.Type.REGION,
                                                                 OrgUnit.Type.REP_OFFICE])
        self.fields["customer_group"].queryset = units.filter(type=OrgUnit.Type.CUSTOMER_GROUP)
        self.fields["target_unit"].queryset = units
        self.fields["offering_line"].queryset = offering_line_list()
        self.fields["target_user"].queryset = User.objects.filter(
            is_active=True, groups__name__in=[Role.AR, Role.SR, Role.MARKETING]).distinct().order_by("username")
        from m2c.partners import selectors as partner_selectors

        self.fields["target_partner_id"].choices = ANY + partner_selectors.partner_choices()
        for name in ("region", "customer_group", "target_unit", "offering_line"):
            self.fields[name].label_from_instance = lambda record: record.label

    def service_data(self, *, changed_only: bool = False) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if changed_only:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        if data.get("target_partner_id") == "":
            data["target_partner_id"] = None
        return data


def rule_initial(rule: RoutingRule) -> dict[str, Any]:
    initial = {name: getattr(rule, name) for name in RoutingRuleForm.base_fields}
    initial["target_partner_id"] = str(rule.target_partner_id) if rule.target_partner_id else ""
    return initial
