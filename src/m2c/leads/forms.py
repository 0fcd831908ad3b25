"""Forms for the lead pages. They parse input; the services decide."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.campaigns.selectors import campaign_options
from m2c.core.forms import DateField, M2CForm, MoneyAmountField, style_fields
from m2c.core.models import OfferingLine, OrgUnit, Role, User
from m2c.customers.models import DecisionRole, Industry

from .models import ActivityType, BudgetStatus, CampaignTouch, DisqualifyReason, SourceType

if TYPE_CHECKING:
    from m2c.campaigns.models import Campaign


class LeadForm(M2CForm):
    """Manual entry and editing: the same fields the API takes."""

    customer_name = forms.CharField(label=_("Company"), max_length=255, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=40, required=False)
    title = forms.CharField(label=_("Lead title"), max_length=200, required=False)
    offering_lines = forms.ModelMultipleChoiceField(label=_("Offering lines"), queryset=OfferingLine.objects.none(),
                                                    required=False, to_field_name="code")
    contact_name = forms.CharField(label=_("Contact name"), max_length=120, required=False)
    contact_title = forms.CharField(label=_("Contact title"), max_length=120, required=False)
    contact_role = forms.ChoiceField(label=_("Decision role"), choices=DecisionRole.choices, initial=DecisionRole.UNKNOWN)
    contact_email = forms.CharField(label=_("Email"), max_length=254, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *Industry.choices], required=False)
    province = forms.CharField(label=_("Province"), max_length=40, required=False)
    city = forms.CharField(label=_("City"), max_length=60, required=False)
    source_type = forms.ChoiceField(label=_("Source"), choices=SourceType.choices, initial=SourceType.FIELD)
    source_campaign = forms.ModelChoiceField(label=_("Source campaign"), queryset=campaign_options().none(), required=False,
                                             to_field_name="code")
    budget_status = forms.ChoiceField(label=_("Budget status"), choices=BudgetStatus.choices, initial=BudgetStatus.UNKNOWN)
    budget_note = forms.CharField(label=_("Budget justification"), max_length=255, required=False)
    budget_amount = MoneyAmountField(label=_("Budget"), max_digits=20, required=False)
    estimated_amount = MoneyAmountField(label=_("Estimated amount"), max_digits=20, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY")
    expected_purchase_date = DateField(label=_("Expected decision or signing date"), required=False)
    decision_chain_known = forms.BooleanField(label=_("Decision chain identified"), required=False)
    pain_confirmed = forms.BooleanField(label=_("Pain or urgency confirmed"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offering_lines"].queryset = OfferingLine.objects.filter(active=True)
        self.fields["source_campaign"].queryset = campaign_options(accepting_responses=True)
        if editing:
            del self.fields["source_type"]
            del self.fields["source_campaign"]

    def service_data(self, *, changed_only: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key, value in self.cleaned_data.items():
            if changed_only and key not in self.changed_data:
                continue
            if key == "offering_lines":
                data[key] = [line.code for line in value]
            elif key == "source_campaign":
                if value:
                    data[key] = value.code
            elif value in (None, "") and not changed_only:
                continue
            else:
                data[key] = value
        return data


class ActivityForm(M2CForm):
    type = forms.ChoiceField(label=_("Type"), choices=ActivityType.choices)
    subject = forms.CharField(label=_("What happened"), max_length=200)
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    next_step_due = DateField(label=_("Next step due"), required=False)


class ContactForm(M2CForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    title = forms.CharField(label=pgettext_lazy("person", "Title"), max_length=120, required=False)
    decision_role = forms.ChoiceField(label=_("Decision role"), choices=DecisionRole.choices, initial=DecisionRole.DECISION_MAKER)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class TouchForm(M2CForm):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=campaign_options().none(), to_field_name="code")
    kind = forms.ChoiceField(label=_("Kind"), choices=CampaignTouch.Kind.choices, initial=CampaignTouch.Kind.INVITED)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaign_options()


class DisqualifyForm(M2CForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=DisqualifyReason.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


def assignable_users() -> Any:
    return User.objects.filter(is_active=True, groups__name__in=[Role.AR, Role.SR, Role.MARKETING]).distinct().order_by("username")


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    source_campaign = forms.ModelChoiceField(label=_("Campaign for every row (optional)"), queryset=campaign_options().none(),
                                             required=False, to_field_name="code")
    region = forms.ModelChoiceField(label=_("Region for rows without one (optional)"), queryset=OrgUnit.objects.none(),
                                    required=False, to_field_name="code")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_campaign"].queryset = campaign_options()
        self.fields["region"].queryset = OrgUnit.objects.filter(
            active=True, type__in=[OrgUnit.Type.REGION, OrgUnit.Type.REP_OFFICE, OrgUnit.Type.HQ])
        style_fields(self)


class WebForm(forms.Form):
    """The public form a campaign embeds on a website. ``website`` is the honeypot: people leave it empty."""

    customer_name = forms.CharField(label=_("Company"), max_length=255)
    contact_name = forms.CharField(label=_("Your name"), max_length=120)
    contact_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    contact_email = forms.EmailField(label=_("Work email"), max_length=254, required=False)
    contact_phone = forms.CharField(label=_("Mobile"), max_length=40, required=False)
    offering_lines = forms.ModelMultipleChoiceField(label=_("Interested in"), queryset=OfferingLine.objects.none(),
                                                    required=False, to_field_name="code",
                                                    widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(label=_("What do you need?"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    consent = forms.BooleanField(label=_("I agree to be contacted about my request."), required=True)
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lines = campaign.offering_lines.filter(active=True)
        self.fields["offering_lines"].queryset = lines if lines.exists() else OfferingLine.objects.filter(active=True)
        for name, field in self.fields.items():
            if name in ("offering_lines", "consent"):
                continue
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["consent"].widget.attrs["class"] = "form-check-input"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("contact_email") or data.get("contact_phone")):
            raise forms.ValidationError(_("Leave an email or a mobile number so we can reach you."))
        return data
