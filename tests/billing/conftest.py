"""Fixtures for the billing tests: the S7–S9 contract (10.0M, Campus North 60% / South 40%) signed on day 0,
200 days ago, with the 30/60/10 payment terms of S7. ``day(n)`` is the date of day n."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from m2c.billing import services
from m2c.contracts import services as contract_services
from m2c.contracts.models import Contract
from tests.contracts.conftest import deal, rates, win  # noqa: F401 - fixtures reused
from tests.factories import UserFactory

M = Decimal(1_000_000)
TERMS = [
    {"name": "Advance", "percent": "30", "trigger": "SIGNATURE", "scope": "CONTRACT", "payment_days": 30},
    {"name": "PAC", "percent": "60", "trigger": "PAC", "scope": "PER_SITE", "payment_days": 45},
    {"name": "FAC", "percent": "10", "trigger": "FAC", "scope": "CONTRACT", "payment_days": 45},
]


@pytest.fixture
def signed(deal: Any, users: Any) -> SimpleNamespace:  # noqa: F811
    _opp, _quote, contract = win(deal)
    day0 = timezone.localdate() - dt.timedelta(days=200)
    Contract.objects.filter(pk=contract.pk).update(signed_on=day0)
    contract.refresh_from_db()
    finance2 = UserFactory(username="fin.wang", roles=["finance"], org_unit=users.finance.org_unit)
    ns = SimpleNamespace(contract=contract, deal=deal, users=users, finance=users.finance, finance2=finance2,
                         day0=day0)
    ns.day = lambda n: day0 + dt.timedelta(days=n)
    return ns


@pytest.fixture
def planned(signed: SimpleNamespace) -> SimpleNamespace:
    services.milestone_plan(contract=signed.contract, actor=signed.finance, rows=TERMS)
    return signed


def handover(s: SimpleNamespace) -> Contract:
    return contract_services.contract_handover(contract=s.contract, actor=s.deal.ar, pm=s.deal.fr,
                                               handover_on=s.day(3))


def pac(s: SimpleNamespace, site: Any, n: int) -> Any:
    return contract_services.certificate_record(contract=s.contract, actor=s.deal.ar, type="PAC", sites=[site.pk],
                                                signed_on=s.day(n), signatory="王处长")


def invoice(s: SimpleNamespace, n: int, official: str, items: Any = None) -> Any:
    inv = services.invoice_request(contract=s.contract, actor=s.deal.ar, items=items)
    return services.invoice_issue(invoice=inv, actor=s.finance, official_number=official, issued_on=s.day(n))


def pay(s: SimpleNamespace, inv: Any, amount: str, n: int, ref: str) -> Any:
    receipt = services.receipt_record(actor=s.finance, amount_=amount, received_on=s.day(n),
                                      payer_name=s.deal.customer.legal_name, bank_ref=ref)
    services.receipt_allocate(receipt=receipt, invoice=inv, actor=s.finance, on=s.day(n))
    receipt.refresh_from_db()
    inv.refresh_from_db()
    return receipt
