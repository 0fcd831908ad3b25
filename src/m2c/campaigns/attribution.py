"""Campaign ROI down to cash (domain.md 10.3, S14): what a campaign produced, read live.

Two attribution models, named on every figure:

- **sourced** (the default): a contract belongs wholly to the campaign that sourced its opportunity;
- **influenced**: a contract's cash is shared among the campaigns that touched its opportunity, in touch
  order: one touch takes all, two split 50/50, three or more give 40 % to the first, 40 % to the last
  and 20 % spread over those between.

Cash is what was applied to the contracts' invoices by the day asked (billing), converted into the
campaign's currency at that day's rate; the ROI is (attributed cash − actual spend) ÷ actual spend.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from m2c.core import fx
from m2c.core.money import Money

from .models import Campaign

SOURCED = "sourced"
INFLUENCED = "influenced"
MODELS = (SOURCED, INFLUENCED)
HALF, FIRST_LAST, MIDDLE = Decimal("0.5"), Decimal("0.4"), Decimal("0.2")


def influenced_shares(touches: list[Any]) -> dict[Any, Decimal]:
    """Campaign → share of one contract's credit, from its touches in time order (a campaign touching twice
    collects both positions' shares)."""
    shares: dict[Any, Decimal] = {}
    if not touches:
        return shares
    n = len(touches)
    if n == 1:
        weights = [Decimal(1)]
    elif n == 2:
        weights = [HALF, HALF]
    else:
        middle = MIDDLE / (n - 2)
        weights = [FIRST_LAST, *([middle] * (n - 2)), FIRST_LAST]
    for campaign_id, weight in zip(touches, weights, strict=True):
        shares[campaign_id] = shares.get(campaign_id, Decimal(0)) + weight
    return shares


def influenced_share(n: int, mine: int, first: bool, last: bool) -> Decimal:
    """One campaign's share of a contract whose opportunity has ``n`` touches, ``mine`` of them this
    campaign's, ``first`` / ``last`` saying whether it holds the first / the last touch: the same figure,
    digit for digit, as ``influenced_shares(sequence)[campaign]`` (the weights are added in touch order)."""
    if n <= 0 or mine <= 0:
        return Decimal(0)
    if n == 1:
        weights = [Decimal(1)]
    elif n == 2:
        weights = [HALF] * mine
    else:
        weights = [FIRST_LAST] * first + [MIDDLE / (n - 2)] * (mine - first - last) + [FIRST_LAST] * last
    share = Decimal(0)
    for weight in weights:
        share = share + weight
    return share


def _contracts(campaign: Campaign, model: str) -> list[tuple[dict[str, Any], Decimal]]:
    """(contract, the campaign's share of it) under ``model``.

    Influenced: the contracts of the opportunities the campaign touched (the touched ids handed to the
    contracts app as a subquery), and per opportunity the touch counts and positions the leads app
    computes in the database (:func:`leads.selectors.touch_positions`), never the touches themselves."""
    from m2c.contracts import selectors as contract_selectors

    if model == SOURCED:
        return [(c, Decimal(1)) for c in contract_selectors.contracts_of_campaign(campaign.pk)]
    from m2c.leads import selectors as lead_selectors

    contracts = contract_selectors.contracts_of_opportunities(lead_selectors.touched_opportunities(campaign=campaign))
    if not contracts:
        return []
    positions = lead_selectors.touch_positions(campaign=campaign)
    found = []
    for contract in contracts:
        share = influenced_share(*positions.get(contract["opportunity_id"], (0, 0, False, False)))
        if share:
            found.append((contract, share))
    return found


def cash_roi(campaign: Campaign, *, on: dt.date | None = None, model: str = SOURCED) -> dict[str, Any]:
    """Attributed cash collected by ``on`` and the cash ROI to date, in the campaign's currency."""
    from m2c.billing.selectors.collected import collected_by_contract

    if model not in MODELS:
        raise ValueError(model)
    on = on or timezone.localdate()
    attributed = _contracts(campaign, model)
    collected = collected_by_contract([c["id"] for c, _share in attributed], on=on)
    cash = Money.zero(campaign.currency)
    rows = []
    for contract, share in attributed:
        amount, currency = collected.get(contract["id"], (Decimal(0), contract["currency"]))
        part = Money((amount * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), currency)
        converted = fx.convert(part, campaign.currency, on) if currency != campaign.currency else part
        cash = cash + converted
        rows.append({"contract": contract["id"], "share": share, "collected": Money(amount, currency),
                     "attributed": converted})
    spend = campaign.actual_spend
    roi = ((cash.amount - spend) / spend).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) if spend else None
    return {"model": model, "on": on, "cash": cash, "spend": Money(spend, campaign.currency), "roi": roi,
            "contracts": rows}
