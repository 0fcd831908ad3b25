"""Hypothesis property: for any sequence of evidence, billing, payment, credit-note and dispute commands,
the five flows of the contract reconcile to the fen with the records they summarise. Each example runs in
a savepoint rolled back afterwards."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from m2c.billing import selectors, services
from m2c.billing.models import BillingItem, Invoice
from m2c.billing.states import LIVE_INVOICE_STATUSES
from m2c.contracts import services as contract_services
from m2c.core.errors import DomainError

PROPS = settings(max_examples=20, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
OPS = st.sampled_from(["north", "south", "fac", "ship", "request", "issue", "pay", "credit", "dispute", "resolve",
                      "request", "issue", "pay"])


class Rollback(Exception):
    pass


def _reconciles(c) -> None:
    f = selectors.five_flows(c)
    live = Invoice.objects.filter(contract=c, status__in=LIVE_INVOICE_STATUSES)
    open_amount = sum((i.open_amount for i in live), Decimal(0))
    items = BillingItem.objects.filter(contract=c)
    free = items.filter(billable_on__lte=timezone.localdate()).exclude(
        invoice__status__in=[*LIVE_INVOICE_STATUSES, "DRAFT"]).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    assert f.contract == c.total_value
    assert f.contract >= f.delivered >= f.accepted >= 0
    assert 0 <= f.paid <= f.invoiced <= f.billable <= f.contract
    assert f.billable == (items.aggregate(s=Sum("amount"))["s"] or Decimal(0))
    assert f.invoiced_not_paid == open_amount
    assert f.unbilled == free
    assert f.paid == sum((i.paid for i in live), Decimal(0))
    assert min(amount for _k, amount in f.gaps()) >= 0
    assert all(v == v.quantize(Decimal("0.01")) for _k, v in f.flows())


@pytest.mark.django_db
def test_the_five_flows_reconcile_whatever_the_sequence(planned):
    c = contract_services.contract_handover(contract=planned.contract, actor=planned.deal.ar, pm=planned.deal.fr,
                                            handover_on=planned.day(3))
    north, south = c.sites.all()

    @PROPS
    @given(ops=st.lists(st.tuples(OPS, st.integers(1, 400_000_000)), min_size=1, max_size=10))
    def run(ops):
        official = iter(range(10**17, 10**17 + 100))
        try:
            with transaction.atomic():
                for op, cents in ops:
                    amount = str(Decimal(cents) / 100)
                    issued = list(Invoice.objects.filter(contract=c, status__in=("ISSUED", "PARTIALLY_PAID")))
                    try:
                        if op in ("north", "south"):
                            contract_services.certificate_record(
                                contract=c, actor=planned.deal.ar, type="PAC", signed_on=planned.day(60),
                                signatory="王处长", sites=[(north if op == "north" else south).pk])
                        elif op == "fac":
                            contract_services.certificate_record(contract=c, actor=planned.deal.ar, type="FAC",
                                                                 whole_contract=True, signed_on=planned.day(90),
                                                                 signatory="王处长")
                        elif op == "ship":
                            contract_services.shipment_record(contract=c, actor=planned.deal.ar, description="AP",
                                                              site=south.pk, shipped_on=planned.day(20),
                                                              delivered_on=planned.day(25))
                        elif op == "request":
                            services.invoice_request(contract=c, actor=planned.deal.ar)
                        elif op == "issue":
                            for draft in Invoice.objects.filter(contract=c, status="DRAFT"):
                                services.invoice_issue(invoice=draft, actor=planned.finance,
                                                       official_number=str(next(official)), issued_on=planned.day(100))
                        elif op == "pay" and issued:
                            receipt = services.receipt_record(actor=planned.finance, amount_=amount,
                                                              received_on=planned.day(120), payer_name="申江大学")
                            services.receipt_allocate(receipt=receipt, invoice=issued[0], actor=planned.finance,
                                                      on=planned.day(120))
                        elif op == "credit" and issued:
                            services.credit_note_issue(invoice=issued[0], actor=planned.finance, amount_=amount,
                                                       reason="property", issued_on=planned.day(130))
                        elif op == "dispute" and issued:
                            services.invoice_dispute_open(invoice=issued[0], actor=planned.deal.ar, amount_=amount,
                                                          reason="property", opened_on=planned.day(130))
                        elif op == "resolve":
                            for inv in Invoice.objects.filter(contract=c, status="DISPUTED"):
                                services.invoice_dispute_resolve(invoice=inv, actor=planned.finance, credit="0",
                                                                 reason="rejected", on=planned.day(140))
                    except DomainError:
                        pass
                    _reconciles(c)
                raise Rollback
        except Rollback:
            pass

    run()
