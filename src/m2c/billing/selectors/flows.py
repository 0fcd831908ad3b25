"""The five flows of a contract (issue 10 item 9): contract, delivery, acceptance, invoicing, cash.

Each flow is a total in the contract currency, to the fen; the gaps between neighbours are what the
contract page asks about: delivered not accepted, accepted not invoiced, invoiced not paid. Delivery and
acceptance come from the contracts app's selector; billable, invoiced and paid from billing's own tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F, Sum

from m2c.contracts.selectors import delivery_and_acceptance

from ..models import BillingItem, Invoice
from ..states import LIVE_INVOICE_STATUSES
from .receivables import unbilled

if TYPE_CHECKING:
    from m2c.contracts.models import Contract

FEN = Decimal("0.01")


@dataclass(frozen=True)
class FiveFlows:
    currency: str
    contract: Decimal   # the contract's value (current version)
    delivered: Decimal  # sites delivered, by their share of value
    accepted: Decimal   # sites under PAC, FAC or service acceptance
    billable: Decimal   # billing items released by evidence (invoiced or not)
    invoiced: Decimal   # issued invoices less red-letter credit notes
    paid: Decimal       # cash allocated to those invoices
    disputed: Decimal   # open disputes on those invoices
    unbilled: Decimal   # billable items on no requested or issued invoice

    @property
    def not_delivered(self) -> Decimal:
        return self.contract - self.delivered

    @property
    def delivered_not_accepted(self) -> Decimal:
        return max(self.delivered - self.accepted, Decimal(0))

    @property
    def accepted_not_invoiced(self) -> Decimal:
        return max(self.accepted - self.invoiced, Decimal(0))

    @property
    def invoiced_not_paid(self) -> Decimal:
        return self.invoiced - self.paid

    def flows(self) -> list[tuple[str, Decimal]]:
        return [("contract", self.contract), ("delivery", self.delivered), ("acceptance", self.accepted),
                ("invoicing", self.invoiced), ("cash", self.paid)]

    def gaps(self) -> list[tuple[str, Decimal]]:
        return [("delivered_not_accepted", self.delivered_not_accepted),
                ("accepted_not_invoiced", self.accepted_not_invoiced),
                ("invoiced_not_paid", self.invoiced_not_paid)]


def five_flows(contract: Contract) -> FiveFlows:
    """The five flows of ``contract`` today (the caller has checked the user may see it)."""
    da = delivery_and_acceptance(contract)
    billable = BillingItem.objects.filter(contract=contract).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    live = Invoice.objects.filter(contract=contract, status__in=LIVE_INVOICE_STATUSES).aggregate(
        invoiced=Sum(F("total") - F("credited")), paid=Sum("paid"), disputed=Sum("disputed"))
    def fen(value: Decimal | None) -> Decimal:
        return (value or Decimal(0)).quantize(FEN)

    return FiveFlows(currency=contract.currency, contract=fen(contract.total_value), delivered=fen(da["delivered"]),
                     accepted=fen(da["accepted"]), billable=fen(billable), invoiced=fen(live["invoiced"]),
                     paid=fen(live["paid"]), disputed=fen(live["disputed"]), unbilled=fen(unbilled(contract.pk)))
