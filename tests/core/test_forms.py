"""The shared form parts: wire formats in every language, money with its currency's decimals, and a
guard that every form of the app uses them (a new form that does not fails here, before a browser)."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from decimal import Decimal

import pytest
from django import forms
from django.utils import timezone, translation

import m2c
from m2c.core import forms as core_forms


class SampleForm(core_forms.M2CForm):
    when = core_forms.DateField(required=False)
    at = core_forms.TimeField(required=False)
    stamp = core_forms.DateTimeField(required=False)
    currency = forms.CharField(required=False)
    amount = core_forms.MoneyAmountField(required=False)
    fixed = core_forms.MoneyAmountField(currency_field="=KWD", required=False)
    quantity = core_forms.DecimalField(max_digits=14, decimal_places=4, required=False)


INITIAL = {"when": dt.date(2027, 3, 23), "at": dt.time(17, 5), "stamp": timezone.make_aware(dt.datetime(2027, 3, 23, 9, 30)),
           "currency": "CNY", "amount": Decimal("2800000.0000"), "fixed": Decimal("1.5000"),
           "quantity": Decimal("12.5000")}


def _values(form: forms.Form) -> dict[str, str]:
    return {name: form[name].value() if name == "currency" else form[name].field.widget.format_value(form[name].value())
            for name in form.fields}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_values_are_rendered_in_wire_formats_in_every_language(language):
    with translation.override(language):
        form = SampleForm(initial=INITIAL)
        html = str(form)
        assert 'type="date"' in html and 'value="2027-03-23"' in html
        assert 'type="time"' in html and 'value="17:05"' in html
        assert 'type="datetime-local"' in html and 'value="2027-03-23T09:30"' in html
        # the currency can change on the form: the browser leaves decimals to the server
        assert 'value="2800000.00"' in html and 'step="any"' in html and 'data-decimals="2"' in html
        assert 'value="1.500"' in html and 'step="0.001"' in html  # a fixed KWD amount has 3 decimals
        assert 'value="12.5"' in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_form_saved_unchanged_gives_back_what_it_showed(language):
    with translation.override(language):
        shown = SampleForm(initial=INITIAL)
        posted = SampleForm(data=_values(shown), initial=INITIAL)
        assert posted.is_valid(), posted.errors
        assert posted.changed_data == []
        assert posted.cleaned_data["when"] == INITIAL["when"]
        assert posted.cleaned_data["amount"] == INITIAL["amount"]
        assert posted.cleaned_data["quantity"] == INITIAL["quantity"]


def test_a_chinese_typed_date_is_still_read():
    with translation.override("zh-hans"):
        form = SampleForm(data={"when": "2027/03/23", "currency": "CNY"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["when"] == dt.date(2027, 3, 23)


def test_money_decimals_follow_the_submitted_currency():
    with translation.override("zh-hans"):
        yen = SampleForm(data={"currency": "JPY", "amount": "5000.5"})
        assert not yen.is_valid()
        assert "0" in yen.errors["amount"][0]
        assert SampleForm(data={"currency": "JPY", "amount": "5000"}).is_valid()
        cny = SampleForm(data={"currency": "CNY", "amount": "10.005"})
        assert not cny.is_valid()
        # A form for one currency leaves the next form's decimals alone (validators are shared copies).
        assert SampleForm(data={"currency": "CNY", "amount": "10.05"}).is_valid()


def test_a_significant_digit_is_never_rounded_away_on_display():
    assert core_forms.wire_decimal(Decimal("10.1250"), 2) == "10.1250"
    assert core_forms.wire_decimal(Decimal("10.1200"), 2) == "10.12"
    assert core_forms.wire_decimal(Decimal("1E+3")) == "1000"
    assert core_forms.wire_decimal(None) == ""


def _form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(m2c.__path__, "m2c."):
        if module.name.endswith(".forms") or module.name.endswith("forms"):
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    stack = list(forms.BaseForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("m2c.") and cls not in found:
            found.append(cls)
    return found


WIRE = {forms.DateField: core_forms.DateField, forms.TimeField: core_forms.TimeField,
        forms.DateTimeField: core_forms.DateTimeField, forms.DecimalField: core_forms.DecimalField,
        forms.FloatField: core_forms.DecimalField}


def test_every_form_of_the_app_uses_the_shared_date_number_and_money_fields():
    classes = _form_classes()
    names = {cls.__name__ for cls in classes}
    assert {"LeadForm", "OpportunityForm", "CustomerForm", "QuoteLineForm"} <= names
    wrong = []
    for cls in classes:
        for name, field in cls.base_fields.items():
            for plain, shared in WIRE.items():
                if isinstance(field, plain) and not isinstance(field, shared):
                    wrong.append(f"{cls.__module__}.{cls.__name__}.{name}: use m2c.core.forms.{shared.__name__}")
    assert wrong == []
