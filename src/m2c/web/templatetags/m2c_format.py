"""Template filters for money and numbers, shared by every app: ``{% load m2c_format %}``.

``{{ amount|money:currency }}``  2,800,000.00 CNY      ``{{ amount|compact:currency }}``  280万 CNY / 2.8M CNY
``{{ amount|capitals:currency }}``  人民币贰佰捌拾万元整  ``{{ value|number }}`` / ``{{ value|number:2 }}``  1,234.50
``{{ value|percent }}``  12.3%

They are thin wrappers of ``m2c.core.formatting``; see there for the rules.
"""

from __future__ import annotations

from typing import Any

from django import template

from m2c.core import formatting

register = template.Library()


def _decimal_or_none(value: Any) -> Any:
    # Templates sometimes hand over floats from aggregates; they are shown, never computed with.
    if isinstance(value, float):
        return formatting.as_decimal(repr(value))
    return value


@register.filter
def money(value: Any, currency: str = "") -> str:
    return formatting.format_money(_decimal_or_none(value), currency or "")


@register.filter
def compact(value: Any, currency: str = "") -> str:
    return formatting.format_compact(_decimal_or_none(value), currency or "")


@register.filter
def capitals(value: Any, currency: str = "CNY") -> str:
    number = formatting.as_decimal(_decimal_or_none(value))
    return formatting.chinese_capitals(number, currency or "CNY") if number is not None else formatting.DASH


@register.filter
def number(value: Any, places: Any = None) -> str:
    digits = int(places) if places not in (None, "") else None
    return formatting.format_number(_decimal_or_none(value), digits)


@register.filter
def percent(value: Any, places: Any = 1) -> str:
    return formatting.format_percent(_decimal_or_none(value), int(places))


@register.filter
def percent_of(value: Any, pct: Any) -> Any:
    """``{{ amount|percent_of:probability|money }}``: the share of an amount, as a Decimal (weighted pipeline)."""
    amount, share = formatting.as_decimal(_decimal_or_none(value)), formatting.as_decimal(_decimal_or_none(pct))
    if amount is None or share is None:
        return None
    return amount * share / 100
