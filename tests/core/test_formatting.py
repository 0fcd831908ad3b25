"""Money and numbers shown one way: grouping, currency decimals, 万/亿, and amounts in Chinese capitals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from m2c.core.formatting import (
    chinese_capitals,
    format_compact,
    format_money,
    format_number,
    format_percent,
    round_money,
)


@pytest.mark.parametrize(("amount", "expected"), [
    # the examples
    ("1234567.89", "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ("1000001.00", "人民币壹佰万零壹元整"),
    ("10.05", "人民币拾元零伍分"),
    # whole amounts end with 整
    ("0", "人民币零元整"),
    ("1", "人民币壹元整"),
    ("10", "人民币拾元整"),
    ("15", "人民币拾伍元整"),
    ("20", "人民币贰拾元整"),
    ("100", "人民币壹佰元整"),
    ("110", "人民币壹佰壹拾元整"),
    ("101", "人民币壹佰零壹元整"),
    ("1010", "人民币壹仟零壹拾元整"),
    ("1001", "人民币壹仟零壹元整"),
    ("10000", "人民币壹万元整"),
    ("10001", "人民币壹万零壹元整"),
    ("10010", "人民币壹万零壹拾元整"),
    ("10100", "人民币壹万零壹佰元整"),
    ("11000", "人民币壹万壹仟元整"),
    ("100000", "人民币拾万元整"),
    ("100010", "人民币拾万零壹拾元整"),
    ("2800000", "人民币贰佰捌拾万元整"),
    ("100000000", "人民币壹亿元整"),
    ("100000001", "人民币壹亿零壹元整"),
    ("101000000", "人民币壹亿零壹佰万元整"),
    ("110000000", "人民币壹亿壹仟万元整"),
    ("100001000", "人民币壹亿零壹仟元整"),
    ("1000010000", "人民币拾亿零壹万元整"),
    ("1000100000000", "人民币壹万零壹亿元整"),
    # 角 and 分
    ("0.05", "人民币伍分"),
    ("0.5", "人民币伍角整"),
    ("0.56", "人民币伍角陆分"),
    ("100.05", "人民币壹佰元零伍分"),
    ("100.50", "人民币壹佰元伍角整"),
    ("1000.06", "人民币壹仟元零陆分"),
    ("1000000.1", "人民币壹佰万元壹角整"),
    # rounded half up to the fen first
    ("0.005", "人民币壹分"),
    ("9.995", "人民币拾元整"),
    ("-12.3", "人民币负拾贰元叁角整"),
])
def test_chinese_capitals(amount, expected):
    assert chinese_capitals(Decimal(amount)) == expected


def test_chinese_capitals_other_currencies_and_without_prefix():
    assert chinese_capitals(Decimal("1200"), "USD") == "美元壹仟贰佰元整"
    assert chinese_capitals(Decimal("1200.4"), "JPY") == "日元壹仟贰佰元整"  # no minor unit
    assert chinese_capitals(Decimal("3"), with_currency=False) == "叁元整"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        format_money(0.1, "CNY")
    with pytest.raises(TypeError):
        chinese_capitals(0.1)


_DIGITS = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=True))


def _read_capitals(text: str) -> Decimal:
    """An independent reader of capitals, to check the writer on random amounts."""
    text = text.removeprefix("人民币").removesuffix("整")
    total, section, digit = Decimal(0), 0, 0
    yuan_part, _, cents_part = text.partition("元")
    if not _:
        yuan_part, cents_part = "", text
    if yuan_part.startswith("拾"):
        yuan_part = "壹" + yuan_part
    big = 0
    for char in yuan_part:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in "拾佰仟":
            section += digit * {"拾": 10, "佰": 100, "仟": 1000}[char]
            digit = 0
        elif char == "万":
            big += (section + digit) * 10_000
            section = digit = 0
        elif char == "亿":
            big = (big + section + digit) * 100_000_000
            section = digit = 0
    total = Decimal(big + section + digit)
    digit = 0
    for char in cents_part:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char == "角":
            total += Decimal(digit) / 10
        elif char == "分":
            total += Decimal(digit) / 100
    return total


@given(st.decimals(min_value=0, max_value=Decimal("99999999999.99"), places=2))
def test_capitals_read_back_to_the_amount(amount):
    text = chinese_capitals(amount)
    assert _read_capitals(text) == amount
    assert "零零" not in text and not text.removeprefix("人民币").startswith("零") or amount == 0
    assert text.endswith("整") != text.endswith("分")


@pytest.mark.parametrize(("value", "places", "expected"), [
    (Decimal("1234567.5"), None, "1,234,567.5"),
    (Decimal("1234567.5"), 2, "1,234,567.50"),
    (Decimal("2800000.0000"), None, "2,800,000"),
    (Decimal("0.125"), 2, "0.13"),  # half up, not half even
    (Decimal("-0.001"), 2, "0.00"),
    (7, 0, "7"),
    (None, None, "—"),
    ("x", None, "—"),
])
def test_format_number(value, places, expected):
    assert format_number(value, places) == expected


def test_format_money_uses_the_currency_minor_unit():
    assert format_money(Decimal("2800000.0000"), "CNY") == "2,800,000.00 CNY"
    assert format_money(Decimal("1234.5"), "JPY") == "1,235 JPY"
    assert format_money(Decimal("1.2345"), "KWD") == "1.235 KWD"
    assert format_money(Decimal("1.005"), "CNY", with_currency=False) == "1.01"
    assert format_money(None, "CNY") == "—"
    assert round_money("2.675", "CNY") == Decimal("2.68")


@pytest.mark.parametrize(("amount", "zh", "en"), [
    ("2800000", "280万", "2.8M"),
    ("125000000", "1.25亿", "125M"),
    ("1000000000", "10亿", "1B"),
    ("12345", "1.23万", "12.35k"),
    ("9999", "9,999", "10k"),
    ("999", "999", "999"),
    ("99999999.99", "1亿", "100M"),
    ("999999.999", "100万", "1M"),
    ("-2800000", "-280万", "-2.8M"),
])
def test_format_compact_in_both_languages(amount, zh, en):
    assert format_compact(Decimal(amount), language="zh-hans") == zh
    assert format_compact(Decimal(amount), language="en") == en


def test_format_percent():
    assert format_percent(Decimal("12.345")) == "12.3%"
    assert format_percent(Decimal("10.00")) == "10%"
    assert format_percent(None) == "—"


def test_template_filters_follow_the_active_language():
    template = Template("{% load m2c_format %}{{ a|money:'CNY' }}|{{ a|compact:'CNY' }}|{{ a|capitals:'CNY' }}|"
                        "{{ n|number }}|{{ n|number:2 }}|{{ p|percent }}")
    context = Context({"a": Decimal("2800000.0000"), "n": Decimal("1234.5"), "p": Decimal("7.25")})
    with translation.override("zh-hans"):
        assert template.render(context) == "2,800,000.00 CNY|280万 CNY|人民币贰佰捌拾万元整|1,234.5|1,234.50|7.3%"
    with translation.override("en"):
        assert template.render(context).split("|")[1] == "2.8M CNY"
