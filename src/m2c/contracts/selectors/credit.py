"""The customer's credit exposure (domain.md 4.3 ATC, S7, S12).

Exposure = open receivables + the unbilled value of the customer's signed contracts + the deal under
review, all in the reporting currency at the day's FX rate. Available credit = limit − exposure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from m2c.core import fx
from m2c.core.money import Money

from . import seams
from .contracts import exposed_contracts


@dataclass
class Exposure:
    currency: str
    on: dt.date
    limit: Decimal
    hold: bool
    open_receivables: Decimal
    unbilled: Decimal
    deal: Decimal
    contracts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def used(self) -> Decimal:
        """What is already used before the deal under review."""
        return self.open_receivables + self.unbilled

    @property
    def total(self) -> Decimal:
        return self.used + self.deal

    @property
    def available(self) -> Decimal:
        return self.limit - self.used

    @property
    def within_limit(self) -> bool:
        return not self.hold and self.total <= self.limit


def credit_exposure(*, customer: Any, deal: Money | None = None, on: dt.date | None = None,
                    exclude_contract: Any = None) -> Exposure:
    """The exposure of ``customer`` on ``on`` (today in Shanghai by default), with ``deal`` under review."""
    day = on or timezone.localdate()
    currency = fx.reporting_currency()
    contracts = list(exposed_contracts(customer.pk).exclude(pk=exclude_contract).order_by("signed_on", "number"))
    billed = seams.billed_by_contract([c.pk for c in contracts])
    rows, unbilled = [], Decimal(0)
    for contract in contracts:
        left = max(contract.total_value - billed.get(contract.pk, Decimal(0)), Decimal(0))
        reporting = fx.to_reporting(Money(left, contract.currency), day).amount
        unbilled += reporting
        rows.append({"contract": contract, "unbilled": Money(left, contract.currency), "unbilled_reporting": reporting})
    return Exposure(
        currency=currency, on=day,
        limit=fx.to_reporting(Money(customer.credit_limit, customer.credit_currency), day).amount,
        hold=bool(customer.credit_hold),
        open_receivables=seams.open_receivables(customer.pk, day),
        unbilled=unbilled,
        deal=fx.to_reporting(deal, day).amount if deal is not None else Decimal(0),
        contracts=rows,
    )
