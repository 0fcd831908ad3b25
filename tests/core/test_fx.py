import datetime as dt
from decimal import Decimal

import pytest

from m2c.core import fx
from m2c.core.errors import ValidationFailed
from m2c.core.models import FxRate
from m2c.core.money import Money


@pytest.fixture
def rates(db):
    FxRate.objects.create(currency_id="USD", quote_currency_id="CNY", rate=Decimal("7.20"), valid_on=dt.date(2026, 1, 1))
    FxRate.objects.create(currency_id="USD", quote_currency_id="CNY", rate=Decimal("7.10"), valid_on=dt.date(2026, 6, 1))
    FxRate.objects.create(currency_id="EUR", quote_currency_id="CNY", rate=Decimal("8.00"), valid_on=dt.date(2026, 1, 1))


def test_uses_the_latest_rate_on_or_before_the_date(rates):
    assert fx.convert(Money("100", "USD"), "CNY", dt.date(2026, 5, 31)) == Money("720", "CNY")
    assert fx.convert(Money("100", "USD"), "CNY", dt.date(2026, 6, 1)) == Money("710", "CNY")


def test_converts_with_the_inverse_rate(rates):
    assert fx.convert(Money("720", "CNY"), "USD", dt.date(2026, 2, 1)) == Money("100", "USD")


def test_crosses_through_the_reporting_currency(rates):
    # 1 USD = 7.10 CNY, 1 EUR = 8.00 CNY, so 80 USD = 71 EUR.
    result = fx.convert(Money("80", "USD"), "EUR", dt.date(2026, 7, 1))
    assert result.currency == "EUR"
    assert result.rounded() == Money("71.00", "EUR")


def test_a_missing_rate_is_an_error_never_one_to_one(rates):
    with pytest.raises(ValidationFailed) as exc:
        fx.convert(Money("1", "USD"), "CNY", dt.date(2025, 12, 31))
    assert exc.value.code == "fx_rate_missing"
    with pytest.raises(ValidationFailed):
        fx.to_reporting(Money("1", "JPY"), dt.date(2026, 7, 1))


def test_same_currency_needs_no_rate(db):
    assert fx.to_reporting(Money("5", "CNY")) == Money("5", "CNY")


def test_rate_table_lists_currencies_with_a_rate(rates):
    table = fx.rate_table(dt.date(2026, 7, 1))
    assert table["CNY"] == Decimal(1)
    assert table["USD"] == Decimal("7.10")
    assert "JPY" not in table


def test_rate_table_agrees_with_rate_for_every_currency(rates, django_assert_max_num_queries):
    FxRate.objects.create(currency_id="JPY", quote_currency_id="CNY", rate=Decimal("0.047"), valid_on=dt.date(2026, 3, 1))
    day = dt.date(2026, 7, 1)
    with django_assert_max_num_queries(2):
        table = fx.rate_table(day)
    for code, value in table.items():
        assert value == fx.rate(code, "CNY", day)
    euro_table = fx.rate_table(day, to="EUR")
    assert euro_table["USD"] == fx.rate("USD", "EUR", day)
    assert euro_table["EUR"] == Decimal(1)
