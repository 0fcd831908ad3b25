"""Money: a ``Decimal`` amount with an ISO 4217 currency code.

Never a float, and never two currencies added together: converting goes through ``core.fx``.
Rounding to a currency's minor unit happens only at document totals, with ``ROUNDING`` below.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .errors import CurrencyMismatch, ValidationFailed

ROUNDING = ROUND_HALF_UP

# Minor units of the currencies a Chinese enterprise seller meets; others default to 2.
MINOR_UNITS = {"JPY": 0, "KRW": 0, "VND": 0, "IDR": 2, "CLP": 0, "KWD": 3, "BHD": 3, "OMR": 3}


def minor_units(currency: str) -> int:
    return MINOR_UNITS.get(currency, 2)


def to_decimal(value: Any, *, field: str = "amount") -> Decimal:
    """Turn an int, str or Decimal into a Decimal; a float is refused because it is already inexact."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationFailed(_("Amounts must be given as decimal strings, not floating point."), field=field)
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip().replace(",", ""))
        except (InvalidOperation, ValueError):
            raise ValidationFailed(_("“%(value)s” is not a number.") % {"value": value}, field=field) from None
    if not result.is_finite():
        raise ValidationFailed(_("The amount must be a finite number."), field=field)
    return result


def normalise_currency(code: Any, *, field: str = "currency") -> str:
    text = str(code or "").strip().upper()
    if len(text) != 3 or not text.isalpha() or not text.isascii():
        raise ValidationFailed(_("A currency is a three-letter ISO 4217 code such as CNY."), field=field)
    return text


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __init__(self, amount: Any, currency: str) -> None:
        object.__setattr__(self, "amount", to_decimal(amount))
        object.__setattr__(self, "currency", normalise_currency(currency))

    # --- construction ----------------------------------------------------------------------------

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def sum(cls, items: Any, currency: str) -> Money:
        """Sum an iterable of Money, all in ``currency`` (which names the result when it is empty)."""
        total = cls.zero(currency)
        for item in items:
            total = total + item
        return total

    # --- arithmetic ------------------------------------------------------------------------------

    def _check(self, other: Any) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                _("Cannot combine %(a)s and %(b)s without converting one of them.")
                % {"a": self.currency, "b": other.currency},
                field="currency",
            )
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._check(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._check(other).amount, self.currency)

    def __mul__(self, factor: Any) -> Money:
        if isinstance(factor, Money):
            raise TypeError("cannot multiply Money by Money")
        return Money(self.amount * to_decimal(factor, field="factor"), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Any) -> Money:
        if isinstance(divisor, Money):
            raise TypeError("use ratio() to divide Money by Money")
        return Money(self.amount / to_decimal(divisor, field="divisor"), self.currency)

    def ratio(self, other: Money) -> Decimal:
        """self / other as a plain Decimal (same currency required)."""
        return self.amount / self._check(other).amount

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __bool__(self) -> bool:
        return bool(self.amount)

    # --- comparison ------------------------------------------------------------------------------

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._check(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._check(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._check(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._check(other).amount

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.currency == other.currency and self.amount == other.amount

    def __hash__(self) -> int:
        return hash((self.amount.normalize(), self.currency))

    # --- presentation ----------------------------------------------------------------------------

    def rounded(self) -> Money:
        """Round to the currency's minor unit (document totals only)."""
        quantum = Decimal(1).scaleb(-minor_units(self.currency))
        return Money(self.amount.quantize(quantum, rounding=ROUNDING), self.currency)

    def __str__(self) -> str:
        return f"{self.rounded().amount:,} {self.currency}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"

    def as_dict(self) -> dict[str, str]:
        return {"amount": str(self.amount), "currency": self.currency}
