"""A contract's value per product category (产品大类), for rules that count only some of what a contract sells
(a partner's specialty rebate, domain.md 8.3).

A contract line is copied from the approved quote version's line at the same position; that quote line names the
catalogue product, whose offering line names the category. A line with no catalogue product, or added later by a
change request, has no category (``""``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from m2c.opportunities.models import QuoteLine

from ..models import Contract, ContractLine

CENT = Decimal("0.01")


def value_by_product_category(contract: Contract | Any) -> dict[str, Decimal]:
    """Category → the value of the contract's lines in it, to the fen (``""``: lines of no known category).

    Two queries: the contract's lines, and the categories of its quote version's lines by position."""
    if isinstance(contract, Contract):
        contract_id, quote_id = contract.pk, contract.quote_id
    else:
        contract_id = contract
        quote_id = Contract.objects.filter(pk=contract_id).values_list("quote_id", flat=True).first()
    categories: dict[int, str] = {}
    if quote_id:
        rows = (QuoteLine.objects.filter(quote_id=quote_id, product__isnull=False)
                .values_list("position", "product__offering_line__product_category").order_by("position"))
        for position, category in rows:
            categories.setdefault(position, category or "")
    values: dict[str, Decimal] = {}
    for position, amount in ContractLine.objects.filter(contract_id=contract_id).values_list("position", "amount"):
        key = categories.get(position, "")
        values[key] = values.get(key, Decimal(0)) + amount
    return {key: value.quantize(CENT, ROUND_HALF_UP) for key, value in values.items()}
