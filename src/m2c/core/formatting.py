"""Money and numbers as people read them: one set of helpers for pages, PDFs, exports and charts.

- ``format_number``: ``1234567.5`` → ``1,234,567.50`` (a dot and comma grouping in both languages:
  it is what Chinese business documents use).
- ``format_money``: the amount rounded to its currency's minor unit, grouped, with the ISO code.
- ``format_compact``: for summaries (cards, totals, chart labels): ``280万`` / ``1.25亿`` for a
  Chinese reader, ``2.8M`` / ``125M`` for an English one.
- ``chinese_capitals``: the amount in Chinese capitals (大写) as documents and cheques write it:
  ``人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分``, ``壹佰万零壹元整``.

Every value is a ``Decimal`` (a float is refused, as in ``core.money``). Rounding goes through
``ROUNDING`` in ``core.money``, the one place the rounding mode is named.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language

from .money import ROUNDING, minor_units

DASH = "—"


def as_decimal(value: Any) -> Decimal | None:
    """A Decimal from a Decimal, int or decimal string; ``None`` for blanks and non-numbers.

    A float is refused (``TypeError``): it is already inexact, and showing it would hide the bug.
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, float):
        raise TypeError("format Decimals, not floats")
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def round_to(value: Decimal, places: int) -> Decimal:
    """Round half up (``ROUNDING``) to ``places`` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)


def round_money(amount: Any, currency: str) -> Decimal:
    """The amount rounded to the currency's minor unit (2 for CNY, 0 for JPY, 3 for KWD)."""
    number = as_decimal(amount)
    if number is None:
        raise ValueError(f"not an amount: {amount!r}")
    return round_to(number, minor_units(currency))


def format_number(value: Any, places: int | None = None, *, grouping: bool = True) -> str:
    """``1234567.5`` → ``1,234,567.5``; with ``places`` the value is rounded (half up) to them."""
    number = as_decimal(value)
    if number is None:
        return DASH
    if places is not None:
        number = round_to(number, places)
    elif number == number.to_integral():
        number = number.quantize(Decimal(1))
    if number == 0:
        number = abs(number)  # never "-0.00"
    return f"{number:,f}" if grouping else f"{number:f}"


def format_money(amount: Any, currency: str = "", *, with_currency: bool = True) -> str:
    """``2800000`` CNY → ``2,800,000.00 CNY``: rounded to the currency's minor unit, grouped."""
    number = as_decimal(amount)
    if number is None:
        return DASH
    text = format_number(number, minor_units(currency) if currency else 2)
    return f"{text} {currency}" if with_currency and currency else text


def format_percent(value: Any, places: int = 1) -> str:
    """``12.345`` → ``12.3%`` (trailing zeros dropped: ``10.0`` → ``10%``)."""
    number = as_decimal(value)
    if number is None:
        return DASH
    text = f"{round_to(number, places):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def _chinese(language: str | None) -> bool:
    return (language or get_language() or "").lower().startswith("zh")


def _short(value: Decimal, places: int) -> str:
    text = f"{round_to(value, places):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


COMPACT_ZH = ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))
COMPACT_EN = ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "k"))


def format_compact(amount: Any, currency: str = "", *, language: str | None = None) -> str:
    """A short amount for summaries: ``2800000`` → ``280万`` (zh) / ``2.8M`` (en); small amounts in full.

    Chinese readers count in 万 (10⁴) and 亿 (10⁸); English readers in thousands, millions and
    billions. At most two decimals are kept (``1.25亿``); they are dropped when zero (``280万``).
    """
    number = as_decimal(amount)
    if number is None:
        return DASH
    sign = "-" if number < 0 else ""
    number = abs(number)
    text = ""
    for size, unit in COMPACT_ZH if _chinese(language) else COMPACT_EN:
        if number >= size:
            text = _short(number / size, 2) + unit
            break
    if not text:
        text = format_number(round_to(number, 0))
    elif text in ("10000万", "1000k", "1000M"):  # 9999.996万 rounds to the next unit
        text = {"10000万": "1亿", "1000k": "1M", "1000M": "1B"}[text]
    return f"{sign}{text} {currency}".strip() if currency else f"{sign}{text}"


# --- Chinese capitals (大写) ------------------------------------------------------------------------

CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CAPITAL_UNITS = ("", "拾", "佰", "仟")
CURRENCY_NAMES_ZH = {"CNY": "人民币", "USD": "美元", "EUR": "欧元", "HKD": "港币", "JPY": "日元", "GBP": "英镑",
                     "MOP": "澳门元", "TWD": "新台币", "SGD": "新加坡元", "AUD": "澳大利亚元", "CAD": "加拿大元",
                     "CHF": "瑞士法郎", "KRW": "韩元", "RUB": "卢布"}


def _section(number: int) -> str:
    """1..9999 in capitals: zeros inside collapse to one 零, trailing zeros are silent (1010 → 壹仟零壹拾)."""
    text, pending_zero = "", False
    digits = str(number)
    for position, digit in enumerate(digits):
        if digit == "0":
            pending_zero = True
            continue
        if pending_zero:
            text += "零"
            pending_zero = False
        text += CAPITAL_DIGITS[int(digit)] + CAPITAL_UNITS[len(digits) - 1 - position]
    return text


def _integer(number: int) -> str:
    """A positive integer in capitals with 万 and 亿 (亿 repeats for larger amounts: 壹万亿)."""
    for size, unit, low_digits in ((10**8, "亿", 8), (10**4, "万", 4)):
        if number >= size:
            high, low = divmod(number, size)
            text = _integer(high) + unit
            if low:
                # A gap of zeros before the lower part is read as one 零: 壹佰万零壹, 壹亿零壹佰万.
                if low < 10 ** (low_digits - 1):
                    text += "零"
                text += _integer(low)
            return text
    return _section(number)


def chinese_capitals(amount: Any, currency: str = "CNY", *, with_currency: bool = True) -> str:
    """The amount in Chinese capitals as documents write it (中文大写金额).

    ``1234567.89`` → ``人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分``; ``1000001`` → ``壹佰万零壹元整``;
    ``10.05`` → ``拾元零伍分``; ``0.5`` → ``伍角整``. The amount is first rounded to the currency's
    minor unit. 整 closes an amount that ends at 元 or 角 so nothing can be appended; a leading
    壹拾 is written 拾, as in ``拾万元整``.
    """
    number = as_decimal(amount)
    if number is None:
        raise ValueError(f"not an amount: {amount!r}")
    places = min(minor_units(currency or "CNY"), 2)
    number = round_to(number, places)
    sign = "负" if number < 0 else ""
    number = abs(number)
    yuan = int(number)
    cents = int(round_to((number - yuan) * 100, 0))
    jiao, fen = divmod(cents, 10)

    text = _integer(yuan) if yuan else ""
    if text.startswith("壹拾"):
        text = text[1:]
    if yuan:
        text += "元"
    if jiao:
        text += CAPITAL_DIGITS[jiao] + "角"
    if fen:
        if yuan and not jiao:
            text += "零"
        text += CAPITAL_DIGITS[fen] + "分"
    if not yuan and not cents:
        text = "零元"
    if not fen:
        text += "整"
    prefix = CURRENCY_NAMES_ZH.get(currency, currency) if with_currency and currency else ""
    return f"{prefix}{sign}{text}"
