from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from m2c.core.errors import CurrencyMismatch, ValidationFailed
from m2c.core.money import Money

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False, allow_infinity=False)


def test_adds_and_subtracts_in_one_currency():
    assert Money("10.50", "CNY") + Money("0.25", "CNY") == Money("10.75", "CNY")
    assert Money("10", "CNY") - Money("12.5", "CNY") == Money("-2.5", "CNY")


def test_refuses_to_add_two_currencies():
    with pytest.raises(CurrencyMismatch) as exc:
        Money("1", "CNY") + Money("1", "USD")
    assert exc.value.code == "currency_mismatch"
    assert exc.value.status == 422


def test_refuses_to_compare_two_currencies():
    with pytest.raises(CurrencyMismatch):
        assert Money("1", "CNY") < Money("1", "USD")


def test_refuses_floats():
    with pytest.raises(ValidationFailed) as exc:
        Money(0.1, "CNY")
    assert exc.value.field == "amount"
    with pytest.raises(ValidationFailed):
        Money("1", "CNY") * 1.1


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "Infinity"])
def test_refuses_non_numbers(bad):
    with pytest.raises(ValidationFailed):
        Money(bad, "CNY")


@pytest.mark.parametrize("code", ["cn", "CNYY", "12X", "人民币"])
def test_refuses_bad_currency_codes(code):
    with pytest.raises(ValidationFailed) as exc:
        Money("1", code)
    assert exc.value.field == "currency"


def test_currency_code_is_upper_cased():
    assert Money("1", "cny").currency == "CNY"


def test_rounds_to_the_minor_unit_half_up():
    assert Money("10.005", "CNY").rounded() == Money("10.01", "CNY")
    assert Money("10.004", "CNY").rounded() == Money("10.00", "CNY")
    assert Money("1234.5", "JPY").rounded() == Money("1235", "JPY")


def test_multiplies_by_a_decimal_share_exactly():
    assert Money("10000000", "CNY") * Decimal("0.30") == Money("3000000", "CNY")
    assert Money("6000000", "CNY") * Decimal("0.6") == Money("3600000", "CNY")


def test_sum_of_an_empty_list_is_zero_in_the_given_currency():
    assert Money.sum([], "USD") == Money("0", "USD")
    assert Money.sum([Money("1", "USD"), Money("2", "USD")], "USD") == Money("3", "USD")


def test_str_is_rounded_and_grouped():
    assert str(Money("1234567.891", "CNY")) == "1,234,567.89 CNY"


@given(amounts, amounts)
def test_addition_then_subtraction_returns_the_original(a, b):
    x, y = Money(a, "CNY"), Money(b, "CNY")
    assert (x + y) - y == x


@given(amounts, amounts, amounts)
def test_addition_is_associative(a, b, c):
    x, y, z = Money(a, "EUR"), Money(b, "EUR"), Money(c, "EUR")
    assert (x + y) + z == x + (y + z)


@given(amounts)
def test_rounding_never_moves_more_than_half_a_minor_unit(a):
    m = Money(a, "CNY")
    assert abs(m.rounded().amount - m.amount) <= Decimal("0.005")
