"""Dated exchange rates and conversion to the reporting currency.

The rate used for a date is the latest one valid on or before it. A pair without a direct rate is
converted through the reporting currency (e.g. USD→EUR via CNY). A missing rate is an error, never a
silent 1:1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ValidationFailed
from .models import FxRate
from .money import Money


def reporting_currency() -> str:
    return settings.REPORTING_CURRENCY


def _direct_rate(currency: str, quote: str, on: dt.date) -> Decimal | None:
    row = (
        FxRate.objects.filter(currency_id=currency, quote_currency_id=quote, valid_on__lte=on)
        .order_by("-valid_on")
        .values_list("rate", flat=True)
        .first()
    )
    if row is not None:
        return row
    inverse = (
        FxRate.objects.filter(currency_id=quote, quote_currency_id=currency, valid_on__lte=on)
        .order_by("-valid_on")
        .values_list("rate", flat=True)
        .first()
    )
    if inverse is not None:
        return Decimal(1) / inverse
    return None


def rate(currency: str, quote: str, on: dt.date | None = None) -> Decimal:
    """Units of ``quote`` for one unit of ``currency`` on ``on`` (default today)."""
    if currency == quote:
        return Decimal(1)
    day = on or timezone.localdate()
    direct = _direct_rate(currency, quote, day)
    if direct is not None:
        return direct
    pivot = reporting_currency()
    if pivot not in (currency, quote):
        first = _direct_rate(currency, pivot, day)
        second = _direct_rate(pivot, quote, day)
        if first is not None and second is not None:
            return first * second
    raise ValidationFailed(
        _("No exchange rate from %(from)s to %(to)s on or before %(day)s.") % {"from": currency, "to": quote, "day": day},
        code="fx_rate_missing",
        field="currency",
    )


def convert(money: Money, to: str, on: dt.date | None = None) -> Money:
    return Money(money.amount * rate(money.currency, to, on), to)


def to_reporting(money: Money, on: dt.date | None = None) -> Money:
    return convert(money, reporting_currency(), on)


def rate_table(on: dt.date | None = None, to: str | None = None) -> dict[str, Decimal]:
    """Every active currency's rate to ``to`` (default the reporting currency), for bulk reports.

    Reports that roll up thousands of rows use this once instead of converting row by row. Two
    queries in all: the active currencies and the latest rate of each pair on or before the day.
    """
    from .models import Currency

    target = to or reporting_currency()
    day = on or timezone.localdate()
    latest: dict[tuple[str, str], Decimal] = {}
    rows = FxRate.objects.filter(valid_on__lte=day).order_by("-valid_on").values_list(
        "currency_id", "quote_currency_id", "rate"
    )
    for currency, quote, value in rows.iterator(chunk_size=2000):
        latest.setdefault((currency, quote), value)

    def direct(a: str, b: str) -> Decimal | None:
        if a == b:
            return Decimal(1)
        if (a, b) in latest:
            return latest[(a, b)]
        if (b, a) in latest:
            return Decimal(1) / latest[(b, a)]
        return None

    pivot = reporting_currency()
    table: dict[str, Decimal] = {}
    for code in Currency.objects.filter(active=True).values_list("code", flat=True):
        value = direct(code, target)
        if value is None and pivot not in (code, target):
            first, second = direct(code, pivot), direct(pivot, target)
            value = first * second if first is not None and second is not None else None
        if value is not None:
            table[code] = value
    return table
