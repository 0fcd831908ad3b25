"""A registered deal is won: its partner's incentives accrue by themselves (domain.md 8.2 rule 7, 8.3, 11.11).

When the contract of a won opportunity carrying ``registered_partner_id`` is registered, contracts records
``contracts.contract.created`` with the registered partner; this reaction (subscribed in ``apps.py``, in the
same transaction) accrues every applicable policy on the contract: active, its period covering the signature
day, in the contract's currency, and

- a sales rebate with no product category (on the whole contract), or with a category the contract sells;
- a specialty rebate in a category the contract sells;
- a deal-registration reward when the partner's registration converted to this opportunity (with no category,
  or one the contract sells).

A category-scoped policy accrues on the contract's lines in that category only (their catalogue products'
offering lines, read through contracts' ``value_by_product_category``); a contract selling nothing in the
category accrues nothing under it. The accruals start ACCRUED and become payable only through the daily
sweep, once every invoice of the contract is PAID, their base then restated on the cash collected
(``incentives``). A blacklisted partner accrues nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from m2c.contracts import selectors as contract_selectors

from ..models import DealRegistration, IncentiveAccrual, IncentivePolicy, Partner
from ..states import PartnerStatus
from ..states_channel import IncentiveKind
from .incentives import accrual_record


def applicable_policies(*, categories: Iterable[str], currency: str, on: dt.date,
                        registered: bool) -> list[IncentivePolicy]:
    """The active policies a registered deal selling in ``categories``, signed ``on`` in ``currency``, accrues
    under."""
    sold = sorted({c for c in categories if c})
    kinds = Q(kind=IncentiveKind.SALES_REBATE, product_category="")
    kinds |= Q(kind__in=[IncentiveKind.SALES_REBATE, IncentiveKind.SPECIALTY_REBATE], product_category__in=sold)
    if registered:
        kinds |= Q(kind=IncentiveKind.DEAL_REGISTRATION_REWARD) & (Q(product_category="") | Q(product_category__in=sold))
    return list(IncentivePolicy.objects.filter(kinds, active=True, currency=currency, period_start__lte=on,
                                               period_end__gte=on).order_by("period_start", "code"))


def accrue_registered_deal(*, contract_id: Any, partner_id: Any, on: dt.date | None = None) -> list[IncentiveAccrual]:
    """Accrue the registered partner's incentives on the contract, each on the contract's value in the policy's
    scope (idempotent: a policy accrues once per contract)."""
    partner = Partner.objects.filter(pk=partner_id).first()
    contract = contract_selectors.contract_by_id(contract_id)
    if partner is None or contract is None or partner.status == PartnerStatus.BLACKLISTED or contract.total_value <= 0:
        return []
    registration = None
    if contract.opportunity_id:
        registration = (DealRegistration.objects.filter(partner=partner, opportunity_id=contract.opportunity_id)
                        .select_related("offering_line").order_by("-submitted_at").first())
    by_category = {c: v for c, v in contract_selectors.value_by_product_category(contract).items() if c and v > 0}
    day = on or contract.signed_on or timezone.localdate()
    done = set(IncentiveAccrual.objects.filter(contract_id=contract.pk).values_list("policy_id", flat=True))
    accruals = []
    for policy in applicable_policies(categories=by_category, currency=contract.currency, on=day,
                                      registered=registration is not None):
        if policy.pk in done:
            continue
        base = by_category[policy.product_category] if policy.product_category else contract.total_value
        accruals.append(accrual_record(actor=None, policy=policy, partner=partner, contract=contract,
                                       base=base, registration=registration))
    return accruals


def on_contract_created(event: Any) -> None:
    """``contracts.contract.created``: a contract whose deal a partner registered accrues its incentives."""
    partner_id = (event.payload or {}).get("registered_partner")
    if partner_id:
        accrue_registered_deal(contract_id=event.subject_id, partner_id=partner_id)
