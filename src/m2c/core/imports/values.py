"""Cell values as real exports write them: amounts in 万/亿, placeholders, yes/no words, dates.

A parser returns the value, or raises :class:`CellWarning` when an *optional* cell cannot be read: the
row is kept, the cell left blank and the warning shown on the row, so one unreadable cell never rejects
a whole row.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

# Words that stand for "no value" in exported files and hand-made sheets.
PLACEHOLDERS = frozenset({
    "面议", "待定", "未知", "不详", "暂无", "无", "空", "待确认", "保密", "请选择", "—", "-", "--", "/", "n/a", "na",
    "none", "null", "nil", "tbd", "tba", "unknown", "select", "-select-", "--select--", "please select", "?",
})

TRUE_WORDS = frozenset({"1", "y", "yes", "true", "t", "x", "✓", "✔", "是", "对", "有", "同意", "已确认", "确认", "√"})
FALSE_WORDS = frozenset({"0", "n", "no", "false", "f", "否", "不", "无", "不同意", "未确认", "×", "✗"})

_UNITS = (("亿元", Decimal(100_000_000)), ("亿", Decimal(100_000_000)), ("万元", Decimal(10_000)),
          ("万", Decimal(10_000)), ("千元", Decimal(1000)), ("千", Decimal(1000)), ("元", Decimal(1)),
          ("mio", Decimal(1_000_000)), ("mn", Decimal(1_000_000)), ("m", Decimal(1_000_000)), ("k", Decimal(1000)))
_APPROX = ("约", "大约", "大概", "预计", "左右", "以上", "以内", "approx.", "approx", "about", "~", "≈", "ca.")
_CURRENCY_MARKS = ("人民币", "rmb", "cny", "usd", "eur", "hkd", "sgd", "¥", "￥", "$", "€", "us$")
MAX_AMOUNT = Decimal(10) ** 15


class CellWarning(ValueError):
    """An optional cell could not be read; the row goes on without it."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def is_placeholder(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip().casefold() in PLACEHOLDERS


def parse_amount(value: Any) -> Decimal | None:
    """``80万元`` → 800000, ``约100万`` → 1000000, ``1.2亿`` → 120000000, ``¥1,500`` → 1500.

    A blank or placeholder (``面议``, ``Select``) is None; anything else unreadable is a CellWarning.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellWarning(_("“%(v)s” is not an amount; left blank.") % {"v": value})
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if not text or is_placeholder(text):
            return None
        folded = text.casefold().replace(",", "").replace("，", "").replace(" ", "")
        for mark in _APPROX:
            folded = folded.replace(mark, "")
        for mark in _CURRENCY_MARKS:
            folded = folded.replace(mark, "")
        multiplier = Decimal(1)
        for unit, factor in _UNITS:
            if folded.endswith(unit):
                folded, multiplier = folded[: -len(unit)], factor
                break
        try:
            amount = Decimal(folded) * multiplier
        except (InvalidOperation, ValueError):
            raise CellWarning(_("“%(v)s” is not an amount; left blank.") % {"v": text[:40]}) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise CellWarning(_("“%(v)s” is out of range for an amount; left blank.") % {"v": str(value)[:40]})
    return amount.quantize(Decimal("0.0001"))


def parse_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    if not text or is_placeholder(text):
        return None
    raise CellWarning(_("“%(v)s” is not yes or no; left blank.") % {"v": str(value)[:40]})


_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?$")


def parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and 20000 < float(value) < 80000:  # an Excel serial day number
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text or is_placeholder(text):
        return None
    text = text.split(" ")[0].split("T")[0]
    match = _DATE_RE.match(text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3] or 1))
        except ValueError:
            pass
    raise CellWarning(_("“%(v)s” is not a date (use YYYY-MM-DD); left blank.") % {"v": str(value)[:40]})
