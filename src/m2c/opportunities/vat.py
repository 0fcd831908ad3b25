"""Value-added tax shown on quotes (and later invoices): the rate and the tax included in each line.

Chinese B2B quotations state tax-inclusive prices (含税价) and show the VAT each line contains. The
rates are those of a general VAT taxpayer: 13% on goods and software licences, 6% on services and
subscriptions (modern and IT services). The tax in a line is ``net × rate / (100 + rate)``, rounded to
the currency's minor unit per line (the way a VAT invoice computes it); the total tax is the sum of the
lines. Quotes in another currency than CNY are export sales, zero-rated.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from m2c.core.formatting import round_money

from .models import Product

RATES = {
    Product.Kind.HARDWARE: Decimal(13),
    Product.Kind.SOFTWARE: Decimal(13),
    Product.Kind.SERVICE: Decimal(6),
    Product.Kind.SUBSCRIPTION: Decimal(6),
}
DEFAULT_RATE = Decimal(13)  # a line without a product is priced as goods
TAXED_CURRENCY = "CNY"


@dataclass(frozen=True)
class LineTax:
    line: Any
    rate: Decimal
    net: Decimal  # the line's amount, tax included
    tax: Decimal
    net_of_tax: Decimal


def rate_for(line: Any, currency: str) -> Decimal:
    if currency != TAXED_CURRENCY:
        return Decimal(0)
    kind = line.product.kind if line.product_id else None
    return RATES.get(kind, DEFAULT_RATE)


def line_tax(line: Any, currency: str) -> LineTax:
    rate = rate_for(line, currency)
    net = round_money(line.net_amount, currency)
    tax = round_money(net * rate / (100 + rate), currency) if rate else Decimal(0) * net
    return LineTax(line=line, rate=rate, net=net, tax=tax, net_of_tax=net - tax)


def quote_taxes(quote: Any, lines: Any = None) -> tuple[list[LineTax], Decimal]:
    """Each line's tax and the quote's total tax, in the quote's currency."""
    rows = [line_tax(line, quote.currency)
            for line in (lines if lines is not None else quote.lines.select_related("product").order_by("position"))]
    return rows, sum((row.tax for row in rows), Decimal(0))
