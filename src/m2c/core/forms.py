"""Shared form parts: every date, time, number and money input of the app is rendered here.

Browsers read ``<input type="date">`` only as ``YYYY-MM-DD``, ``datetime-local`` only as
``YYYY-MM-DDTHH:MM`` and ``type="number"`` only with a dot and no grouping, whatever the page's
language. Django localises form values by default, so a Chinese page rendered ``2027/03/23`` (the
browser shows an empty date, and saving the form erased it) and ``2800000.0000`` for a 2-decimal
amount (the browser then refused to submit). The widgets below always write the wire format and the
fields always accept it, so a form saved unchanged saves what it showed, in every language.

A money amount's decimals are its currency's minor units (CNY 2, JPY 0, KWD 3): ``MoneyAmountField``
names the form field holding the currency and ``M2CForm`` sets decimals, step and rendering from it.
``tests/core/test_forms.py`` fails on any form field of the app that bypasses these parts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core import validators
from django.utils import formats

from .errors import DomainError
from .money import minor_units

DATE_WIRE = "%Y-%m-%d"
TIME_WIRE = "%H:%M"
DATETIME_WIRE = "%Y-%m-%dT%H:%M"


def wire_decimal(value: Any, places: int | None = None) -> str:
    """A Decimal as an HTML number input reads it: a dot, no grouping, no exponent.

    With ``places``, trailing zeros beyond them are dropped (``2800000.0000`` → ``2800000.00`` for
    CNY) but a significant digit never is: rounding on display would change the record on save.
    """
    if value in (None, ""):
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return ""
    if places is not None:
        quantum = Decimal(1).scaleb(-places)
        shortened = number.quantize(quantum) if number == number.quantize(quantum) else number
        return f"{shortened:f}"
    return f"{number.normalize():f}"


# --- widgets -----------------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    """``<input type="date">`` with its value in ISO 8601 in every language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATE_WIRE)

    def format_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.strftime(DATE_WIRE)
        return super().format_value(value)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=TIME_WIRE)

    def format_value(self, value: Any) -> Any:
        if isinstance(value, dt.time):
            return value.strftime(TIME_WIRE)
        return super().format_value(value)


class DateTimeInput(forms.DateTimeInput):
    """``<input type="datetime-local">``: local wall time of the active time zone, ``T``-separated."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_WIRE)

    def format_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            from django.utils import timezone

            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime(DATETIME_WIRE)
        return super().format_value(value)


class NumberInput(forms.NumberInput):
    """``<input type="number">`` whose value is never localised; ``places`` trims trailing zeros."""

    def __init__(self, attrs: dict[str, Any] | None = None, places: int | None = None) -> None:
        super().__init__(attrs=attrs)
        self.places = places

    def format_value(self, value: Any) -> Any:
        return wire_decimal(value, self.places) or None


# --- fields ------------------------------------------------------------------------------------------


class _WireFormats:
    """Input formats read when a value is parsed: the wire format first, then the active language's own
    (a date typed or pasted by hand as 2027/03/23 is still read)."""

    def __init__(self, wire: str, key: str) -> None:
        self.wire, self.key = wire, key

    def __iter__(self) -> Any:
        return iter([self.wire, *[f for f in formats.get_format(self.key) if f != self.wire]])


class DateField(forms.DateField):
    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", _WireFormats(DATE_WIRE, "DATE_INPUT_FORMATS"))
        kwargs["localize"] = False
        super().__init__(**kwargs)


class TimeField(forms.TimeField):
    widget = TimeInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", _WireFormats(TIME_WIRE, "TIME_INPUT_FORMATS"))
        kwargs["localize"] = False
        super().__init__(**kwargs)


class DateTimeField(forms.DateTimeField):
    widget = DateTimeInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", _WireFormats(DATETIME_WIRE, "DATETIME_INPUT_FORMATS"))
        kwargs["localize"] = False
        super().__init__(**kwargs)


class DecimalField(forms.DecimalField):
    """A plain number (quantity, percentage, unit price) with a fixed number of decimals."""

    widget = NumberInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs["localize"] = False
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        """Trailing zeros past the allowed decimals are dropped (``0.0000`` is ``0.00``): that loses
        nothing, and a disabled field or a stored 4-place value must still validate."""
        number = super().to_python(value)
        if number is not None and self.decimal_places is not None and number.is_finite():
            quantum = Decimal(1).scaleb(-self.decimal_places)
            try:
                if number == number.quantize(quantum):
                    number = number.quantize(quantum)
            except InvalidOperation:
                pass  # too many digits: the max_digits validator says so beside the field
        return number


class MoneyAmountField(DecimalField):
    """The amount of a money value; its decimals follow the currency named by ``currency_field``.

    ``currency_field`` is the name of the form field holding the ISO code, or a fixed code such as
    ``"=CNY"`` when the form has no currency choice. ``M2CForm`` applies it once data and initial are
    known; until then the amount has 2 decimals.
    """

    def __init__(self, *, currency_field: str = "currency", **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        self.currency_field = currency_field
        super().__init__(**kwargs)

    def set_currency(self, currency: str, *, fixed: bool = True) -> None:
        """Decimals, rendering and browser step for ``currency``.

        When the user can still change the currency on the same form, the browser gets ``step="any"``:
        a step of the old currency would block the new one's decimals before the server could judge.
        """
        places = minor_units(currency)
        self.decimal_places = places
        self.widget.places = places
        self.widget.attrs["step"] = (str(Decimal(1).scaleb(-places)).lower() if places else "1") if fixed else "any"
        self.widget.attrs["data-currency"] = currency
        self.widget.attrs["data-decimals"] = str(places)
        # Validators are shared between the copies of a form's fields: replace, never mutate.
        self.validators = [
            validators.DecimalValidator(self.max_digits, places) if isinstance(v, validators.DecimalValidator) else v
            for v in self.validators
        ]


# --- forms -------------------------------------------------------------------------------------------


def style_fields(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (kept when a form already set one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class DomainErrorFormMixin:
    """Puts a service's DomainError beside the fields it names, and marks bad fields invalid."""

    def add_error(self, field: Any, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        names = [field] if isinstance(field, str) else list(getattr(error, "error_dict", {}) or [])
        for name in names:
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()

    def add_domain_error(self, exc: DomainError) -> None:
        placed = False
        for item in exc.errors:
            name = (item.get("field") or "").split(".")[0]
            if name in self.fields:  # type: ignore[attr-defined]
                self.add_error(name, item.get("reason"))  # type: ignore[attr-defined]
                placed = True
        if not placed:
            if exc.field in self.fields:  # type: ignore[attr-defined]
                self.add_error(exc.field, exc.detail)  # type: ignore[attr-defined]
            else:
                self.add_error(None, exc.detail)  # type: ignore[attr-defined]


class M2CForm(DomainErrorFormMixin, forms.Form):
    """The base of the app's forms: styled widgets, DomainErrors beside their fields, money decimals."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.apply_currencies()

    def apply_currencies(self) -> None:
        """Give every money amount its currency's decimals (the submitted currency wins over initial)."""
        for field in self.fields.values():
            if isinstance(field, MoneyAmountField):
                source = field.currency_field
                fixed = source.startswith("=") or source not in self.fields or self.fields[source].disabled
                field.set_currency(self._currency_for(source), fixed=fixed)

    def _currency_for(self, source: str) -> str:
        if source.startswith("="):
            return source[1:]
        value: Any = None
        if self.is_bound:
            value = self.data.get(self.add_prefix(source))
        if not value:
            value = self.initial.get(source)
            if value is None and source in self.fields:
                value = self.fields[source].initial
        text = str(value or "CNY").strip().upper()
        return text if len(text) == 3 and text.isalpha() else "CNY"
