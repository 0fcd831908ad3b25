"""Seams the billing app fills: what has been billed on each contract and the customer's open receivables.

Until billing exists nothing is billed and nothing is receivable, so the unbilled value of a contract is
its whole value and open receivables are zero. The billing app calls :func:`provide` from its
``AppConfig.ready`` with its own selectors; the credit exposure and the contract page then read them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# billed(contract_ids) → {contract id: amount billed, in the contract's currency}
_BILLED: list[Callable[[list[Any]], dict[Any, Decimal]]] = []
# open_receivables(customer_id, on) → open receivables of the customer, in the reporting currency
_RECEIVABLES: list[Callable[[Any, dt.date], Decimal]] = []
# contract_cash(contract_id) → ContractCash of the contract (invoiced, credited, open AR, dated collections)
_CASH: list[Callable[[Any], ContractCash]] = []
# open_disputes(contract_id) → number of the contract's disputes not yet closed (0 until disputes exist)
_DISPUTES: list[Callable[[Any], int]] = []


@dataclass
class ContractCash:
    """A contract's cash figures in its currency: what was invoiced, credited back, is still open, and each
    collection (allocation) with its date, oldest first."""

    invoiced: Decimal = Decimal(0)
    credited: Decimal = Decimal(0)
    open_ar: Decimal = Decimal(0)
    written_off: Decimal = Decimal(0)
    collections: list[tuple[dt.date, Decimal]] = field(default_factory=list)

    @property
    def collected(self) -> Decimal:
        return sum((amount for _day, amount in self.collections), Decimal(0))


def provide(*, billed: Callable[[list[Any]], dict[Any, Decimal]] | None = None,
            open_receivables: Callable[[Any, dt.date], Decimal] | None = None,
            contract_cash: Callable[[Any], ContractCash] | None = None,
            open_disputes: Callable[[Any], int] | None = None) -> None:
    """Install the billing app's readers (once each; a second call replaces the first)."""
    if billed is not None:
        _BILLED[:] = [billed]
    if open_receivables is not None:
        _RECEIVABLES[:] = [open_receivables]
    if contract_cash is not None:
        _CASH[:] = [contract_cash]
    if open_disputes is not None:
        _DISPUTES[:] = [open_disputes]


def contract_cash(contract_id: Any) -> ContractCash:
    if not _CASH:
        return ContractCash()
    return _CASH[0](contract_id)


def open_disputes(contract_id: Any) -> int:
    """Open disputes of the contract. Until billing's disputes are merged nothing provides it: 0."""
    if not _DISPUTES:
        return 0
    return _DISPUTES[0](contract_id)


def billed_by_contract(contract_ids: Iterable[Any]) -> dict[Any, Decimal]:
    ids = list(contract_ids)
    if not _BILLED or not ids:
        return {}
    return _BILLED[0](ids)


def open_receivables(customer_id: Any, on: dt.date) -> Decimal:
    if not _RECEIVABLES:
        return Decimal(0)
    return _RECEIVABLES[0](customer_id, on)
