"""Fixtures for the billing tests: the S7–S9 contract (10.0M, Campus North 60% / South 40%) signed on day 0,
200 days ago, with the 30/60/10 payment terms of S7. ``day(n)`` is the date of day n.

The chain is built once per module when the module's tests allow it (see tests/shared_data.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from m2c.billing import services
from m2c.contracts import services as contract_services
from m2c.contracts.models import Contract
from tests.shared_data import (  # noqa: F401 - fixtures and helpers the billing tests use
    TERMS,
    M,
    _s7_fresh,
    _s7_module,
    deal,
    lines,
    org,
    planned,
    pytest_runtest_teardown,
    rates,
    s7_days_ago,
    signed,
    users,
    win,
    won,
)


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
