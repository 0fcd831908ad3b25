"""Seams the billing app fills: what has been billed on each contract and the customer's open receivables.

Until billing exists nothing is billed and nothing is receivable, so the unbilled value of a contract is
its whole value and open receivables are zero. The billing app calls :func:`provide` from its
``AppConfig.ready`` with its own selectors; the credit exposure and the contract page then read them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

# billed(contract_ids) → {contract id: amount billed, in the contract's currency}
_BILLED: list[Callable[[list[Any]], dict[Any, Decimal]]] = []
# open_receivables(customer_id, on) → open receivables of the customer, in the reporting currency
_RECEIVABLES: list[Callable[[Any, dt.date], Decimal]] = []


def provide(*, billed: Callable[[list[Any]], dict[Any, Decimal]] | None = None,
            open_receivables: Callable[[Any, dt.date], Decimal] | None = None) -> None:
    """Install the billing app's readers (once each; a second call replaces the first)."""
    if billed is not None:
        _BILLED[:] = [billed]
    if open_receivables is not None:
        _RECEIVABLES[:] = [open_receivables]


def billed_by_contract(contract_ids: Iterable[Any]) -> dict[Any, Decimal]:
    ids = list(contract_ids)
    if not _BILLED or not ids:
        return {}
    return _BILLED[0](ids)


def open_receivables(customer_id: Any, on: dt.date) -> Decimal:
    if not _RECEIVABLES:
        return Decimal(0)
    return _RECEIVABLES[0](customer_id, on)
