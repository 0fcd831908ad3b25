"""The billing pages' forms (shared wire formats and domain-error display from ``core.forms``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.core.formatting import format_money
from m2c.core.forms import DateField, DecimalField, M2CForm, MoneyAmountField

from .states import (
    DisputeCategory,
    DisputeStatus,
    InvoiceStatus,
    Period,
    ReceiptStatus,
    Scope,
    Trigger,
    VatType,
)


class InvoiceFilterForm(M2CForm):
    search = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *InvoiceStatus.choices],
                               required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class InvoiceRequestForm(M2CForm):
    vat_type = forms.ChoiceField(label=_("VAT invoice type"), choices=VatType.choices)
    tax_rate = forms.ChoiceField(label=_("VAT rate"), choices=[("13", "13%"), ("9", "9%"), ("6", "6%"), ("0", "0%")])
    buyer_phone = forms.CharField(label=_("Buyer phone"), max_length=40, required=False)
    buyer_bank = forms.CharField(label=_("Buyer bank and account"), max_length=200, required=False)


class InvoiceIssueForm(M2CForm):
    official_number = forms.CharField(label=_("Official invoice number"), max_length=40)
    issued_on = DateField(label=_("Invoice date"))


class CreditNoteForm(M2CForm):
    amount = MoneyAmountField(label=_("Amount (empty: the whole open amount)"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    issued_on = DateField(label=_("Date"), required=False)


class DisputeForm(M2CForm):
    amount = MoneyAmountField(label=_("Disputed amount"))
    category = forms.ChoiceField(label=_("Category"), choices=DisputeCategory.choices)
    reason = forms.CharField(label=_("What the customer disputes"), max_length=300)
    opened_on = DateField(label=_("Opened on"), required=False)


class DisputeFilterForm(M2CForm):
    search = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *DisputeStatus.choices],
                               required=False)


class DisputeNoteForm(M2CForm):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DisputeProposeForm(M2CForm):
    credit = MoneyAmountField(label=_("Credit for the customer (0 if none)"), required=False)
    proposal = forms.CharField(label=_("Proposed resolution"), max_length=300)


class DisputeResolveForm(M2CForm):
    resolution = forms.CharField(label=_("Resolution (empty: as proposed)"), max_length=300, required=False)
    on = DateField(label=_("Resolved on"), required=False)


class DisputeEscalateForm(M2CForm):
    reason = forms.CharField(label=_("Why it escalates"), max_length=300, required=False)


class DisputeDecisionForm(M2CForm):
    decision = forms.CharField(label=_("Escalation decision"), max_length=300)


class PlatformImportForm(M2CForm):
    file = forms.FileField(label=_("Tax platform export (XLSX or CSV)"))


class ReceiptFilterForm(M2CForm):
    search = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *ReceiptStatus.choices],
                               required=False)
    unmatched = forms.BooleanField(label=_("Not fully applied"), required=False)


class ReceiptForm(M2CForm):
    amount = MoneyAmountField(label=_("Amount"))
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY")
    received_on = DateField(label=_("Received on"))
    payer_name = forms.CharField(label=_("Payer"), max_length=255)
    bank_ref = forms.CharField(label=_("Bank reference"), max_length=80, required=False)
    remittance = forms.CharField(label=_("Remittance text"), max_length=500, required=False)


class StatementForm(M2CForm):
    file = forms.FileField(label=_("Bank statement (CSV, XLSX, camt.053 or MT940)"))


class AllocateForm(M2CForm):
    invoice = forms.ChoiceField(label=_("Invoice"))
    amount = MoneyAmountField(label=_("Amount (empty: as much as possible)"), required=False)
    fx_rate = DecimalField(label=_("Exchange rate (if currencies differ)"), required=False, decimal_places=8)
    third_party = forms.BooleanField(label=_("Third-party payment: the payer pays for the invoice's buyer"),
                                     required=False)

    def __init__(self, *args, invoices=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # No invoice is preselected: the first one on the list was usually another customer's, and a click on
        # "apply" without looking applied the money to it.
        self.fields["invoice"].choices = [("", "—"), *[
            (str(i.pk), f"{i} · {i.customer.legal_name} · {format_money(i.open_amount, i.currency)}")
            for i in invoices]]


class RefundForm(M2CForm):
    amount = MoneyAmountField(label=_("Amount (empty: all unapplied)"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReceivablesFilterForm(M2CForm):
    """The receivables page: what the aging is grouped by, the day it is taken on, the KPI period and a region."""

    by = forms.ChoiceField(label=_("Group by"), required=False, choices=[
        ("customer", _("Customer")), ("region", _("Region")), ("owner", _("Contract owner"))])
    on = DateField(label=_("As of"), required=False)
    start = DateField(label=_("KPI period from"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        from m2c.core.selectors import org_unit_list

        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions"))] + [
            (str(u.pk), str(u)) for u in org_unit_list(type="region").order_by("path")]


class MilestoneForm(M2CForm):
    """One payment term: a percent of the contract value or a fixed amount, its trigger and scope."""

    name = forms.CharField(label=pgettext_lazy("record", "Name"), max_length=120)
    percent = DecimalField(label=_("Percent of contract value"), max_digits=7, decimal_places=4, required=False,
                           min_value=0, max_value=100)
    amount = MoneyAmountField(label=_("or a fixed amount"), required=False, currency_field="=CNY")
    trigger = forms.ChoiceField(label=_("Trigger"), choices=Trigger.choices)
    trigger_event = forms.ChoiceField(label=_("Days count from"), required=False, choices=[
        ("", "—"), ("SIGNATURE", _("Contract signature")), ("DELIVERY", _("Delivery")),
        ("PAC", _("Preliminary acceptance (PAC)")), ("FAC", _("Final acceptance (FAC)"))])
    offset_days = forms.IntegerField(label=_("Days after the event"), min_value=0, max_value=3650, initial=0,
                                     required=False)
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    payment_days = forms.IntegerField(label=_("Payment days"), min_value=0, max_value=3650, initial=30)
    period = forms.ChoiceField(label=_("Period (periodic trigger)"), required=False,
                               choices=[("", "—"), *Period.choices])
    periods = forms.IntegerField(label=_("Number of periods"), min_value=1, max_value=120, required=False)
    starts_on = DateField(label=_("First period starts on (empty: signature date)"), required=False)

    def __init__(self, *args, currency: str = "CNY", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].set_currency(currency)

    def row(self) -> dict:
        return dict(self.cleaned_data)
