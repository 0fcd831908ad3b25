"""Forms for the opportunity pages. They parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.forms import DateField, DecimalField, M2CForm, MoneyAmountField, TimeField
from m2c.core.models import Currency, OfferingLine, Role, User
from m2c.customers.models import DecisionRole
from m2c.customers.selectors import contact_list

from .models import Activity, BudgetStatus, Level3, PriceList, Product, Risk, Stakeholder
from .states import AbandonReason, LossReason, PriorityType, TeamRole


class StyledForm(M2CForm):
    """The opportunity pages' forms: the app's shared base (styles, DomainErrors, wire formats)."""


class OpportunityForm(StyledForm):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=None)  # set per user in __init__
    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=200)
    amount = MoneyAmountField(label=_("Estimated amount"), min_value=Decimal("0.01"))
    currency = forms.ChoiceField(label=_("Currency"), choices=())
    offering_lines = forms.ModelMultipleChoiceField(label=_("Offering lines"), queryset=OfferingLine.objects.none())
    owner = forms.ModelChoiceField(label=_("Owner (AR)"), queryset=User.objects.none(), required=False)
    expected_sign_date = DateField(label=_("Expected sign date"), required=False)
    budget_status = forms.ChoiceField(label=_("Budget status"), choices=BudgetStatus.choices,
                                      initial=BudgetStatus.UNKNOWN)
    priority_type = forms.ChoiceField(label=_("Priority type"), choices=PriorityType.choices,
                                      initial=PriorityType.ROUTINE)
    direct_negotiation = forms.BooleanField(label=_("Direct negotiation (no tender)"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from m2c.customers.selectors import customer_queryset

        self.fields["customer"].queryset = customer_queryset(user).order_by("normalized_name")
        self.fields["currency"].choices = [(c.code, c.code) for c in Currency.objects.filter(active=True)]
        self.fields["currency"].initial = "CNY"
        self.fields["offering_lines"].queryset = OfferingLine.objects.filter(active=True)
        self.fields["owner"].queryset = User.objects.filter(is_active=True, groups__name=Role.AR).distinct()
        if editing:
            self.fields["customer"].disabled = True
            self.fields["owner"].disabled = True
            self.fields["owner"].help_text = _("Change the AR on the team panel.")


class LoseForm(StyledForm):
    loss_reason = forms.ChoiceField(label=_("Loss reason"), choices=LossReason.choices)
    detail = forms.CharField(label=_("Detail"), max_length=2000, required=False)
    competitor = forms.CharField(label=_("Winning competitor"), max_length=120, required=False)
    price_gap = MoneyAmountField(label=_("Price gap"), required=False)
    raise_requirement = forms.BooleanField(label=_("Raise a customer requirement from this loss"), required=False)


class AbandonForm(StyledForm):
    abandon_reason = forms.ChoiceField(label=_("Reason"), choices=AbandonReason.choices)
    reason = forms.CharField(label=_("Explanation"), max_length=2000, required=False)


class HoldForm(StyledForm):
    hold_until = DateField(label=_("Re-review date"))
    reason = forms.CharField(label=_("Why"), max_length=2000)


class TeamForm(StyledForm):
    role = forms.ChoiceField(label=_("Role"), choices=TeamRole.choices)
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.filter(is_active=True).order_by("username"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class StakeholderForm(StyledForm):
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=None)  # the customer's contacts, set in __init__
    decision_role = forms.ChoiceField(label=_("Decision role"), choices=[("", _("As on the contact")),
                                                                       *DecisionRole.choices], required=False)
    attitude = forms.ChoiceField(label=_("Attitude"), choices=Stakeholder.Attitude.choices,
                                 initial=Stakeholder.Attitude.UNKNOWN)
    influence = forms.ChoiceField(label=_("Influence"), choices=Level3.choices, initial=Level3.MEDIUM)
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False)

    def __init__(self, *args: Any, customer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contact_list(customer=customer).filter(active=True)


class CompetitorForm(StyledForm):
    name = forms.CharField(label=_("Competitor"), max_length=120)
    incumbent = forms.BooleanField(label=_("Incumbent"), required=False)
    threat = forms.ChoiceField(label=_("Threat"), choices=Level3.choices, initial=Level3.MEDIUM)
    strengths = forms.CharField(label=_("Strengths"), max_length=2000, required=False)
    weaknesses = forms.CharField(label=_("Weaknesses"), max_length=2000, required=False)


class RiskForm(StyledForm):
    description = forms.CharField(label=_("Risk"), max_length=2000)
    category = forms.ChoiceField(label=_("Category"), choices=Risk.Category.choices, initial=Risk.Category.DELIVERY)
    probability = forms.ChoiceField(label=_("Probability"), choices=Level3.choices, initial=Level3.MEDIUM)
    impact = forms.ChoiceField(label=_("Impact"), choices=Level3.choices, initial=Level3.MEDIUM)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.filter(is_active=True), required=False)
    mitigation = forms.CharField(label=_("Mitigation"), max_length=2000, required=False)
    due_date = DateField(label=_("Due"), required=False)


class ActivityForm(StyledForm):
    kind = forms.ChoiceField(label=_("Type"), choices=Activity.Kind.choices, initial=Activity.Kind.MEETING)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    occurred_on = DateField(label=_("Date"), required=False)
    outcome = forms.CharField(label=_("Outcome"), max_length=5000, required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    next_step_due = DateField(label=_("Next step due"), required=False)


class BidForm(StyledForm):
    reference = forms.CharField(label=_("Tender reference"), max_length=80, required=False)
    rfp_received_on = DateField(label=_("RFP received on"))
    deadline_date = DateField(label=_("Deadline"))
    deadline_time = TimeField(label=_("at"), initial="17:00")


class QuoteLineForm(StyledForm):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.filter(active=True), required=False)
    description = forms.CharField(label=_("Item"), max_length=300, required=False)
    site = forms.CharField(label=_("Site or phase"), max_length=120, required=False)
    quantity = DecimalField(label=_("Qty"), max_digits=14, decimal_places=4, min_value=Decimal("0.0001"),
                                  initial=1)
    unit_list_price = DecimalField(label=_("Unit list price"), max_digits=18, decimal_places=4, min_value=0,
                                         required=False)
    discount_pct = DecimalField(label=_("Discount %"), max_digits=7, decimal_places=4, min_value=0,
                                      max_value=100, required=False, initial=0)
    unit_cost = DecimalField(label=_("Unit cost"), max_digits=18, decimal_places=4, min_value=0, required=False)

    def __init__(self, *args: Any, products: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if products is not None:
            self.fields["product"].queryset = products


class QuoteHeaderForm(StyledForm):
    """The editable header of a draft quote: title, validity, terms, and the price list (of its currency)."""

    title = forms.CharField(label=pgettext_lazy("record", "Title"), max_length=200, required=False)
    valid_until = DateField(label=_("Valid until"), required=False)
    price_list = forms.ModelChoiceField(label=_("Price list"), queryset=PriceList.objects.none(), required=False,
                                        help_text=_("Changing it re-prices the lines whose product it lists."))
    payment_terms = forms.CharField(label=_("Payment terms"), max_length=5000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    delivery_terms = forms.CharField(label=_("Delivery terms"), max_length=5000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, quote: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"title": quote.title, "valid_until": quote.valid_until, "price_list": quote.price_list,
                                      "payment_terms": quote.payment_terms, "delivery_terms": quote.delivery_terms})
        super().__init__(*args, **kwargs)
        self.fields["price_list"].queryset = PriceList.objects.filter(currency=quote.currency).filter(
            Q(active=True) | Q(pk=quote.price_list_id)).order_by("code")
