"""Hypothesis properties of billing: allocations never exceed a receipt or an invoice's open amount, and
what is invoiced never exceeds what is billable, whatever sequence of commands is tried. A refused
command changes nothing. Each example runs in a savepoint rolled back afterwards."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from m2c.billing import services
from m2c.billing.models import BillingItem, BillingMilestone, Invoice, Receipt
from m2c.billing.states import LIVE_INVOICE_STATUSES
from m2c.contracts import services as contract_services
from m2c.core.errors import DomainError

from .test_scenarios import s9

PROPS = settings(max_examples=25, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


class Rollback(Exception):
    pass


def _cents(n: int) -> str:
    return str(Decimal(n) / 100)


def _check_cash() -> None:
    for r in Receipt.objects.all():
        allocated = r.allocations.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        assert allocated == r.allocated <= r.amount - r.refunded
    for inv in Invoice.objects.all():
        paid = inv.allocations.aggregate(s=Sum("invoice_amount"))["s"] or Decimal(0)
        assert paid == inv.paid and 0 <= inv.open_amount <= inv.total
        expected = "PAID" if inv.open_amount == 0 and inv.paid > 0 else None
        if expected:
            assert inv.status == expected


allocation_ops = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2),
                                    st.one_of(st.none(), st.integers(-100, 400_000_000))), min_size=1, max_size=8)


@pytest.mark.django_db
def test_allocations_never_exceed_a_receipt_or_an_invoice_open_amount(planned):
    invoices = list(s9(planned))

    @PROPS
    @given(receipts=st.lists(st.integers(1, 500_000_000), min_size=3, max_size=3), ops=allocation_ops,
           credit=st.one_of(st.none(), st.integers(1, 300_000_000)))
    def run(receipts, ops, credit):
        try:
            with transaction.atomic():
                made = [services.receipt_record(actor=planned.finance, amount_=_cents(c), received_on=planned.day(150),
                                                payer_name="申江大学") for c in receipts]
                if credit is not None:
                    try:
                        services.credit_note_issue(invoice=invoices[1], actor=planned.finance, amount_=_cents(credit),
                                                   reason="property", issued_on=planned.day(150))
                    except DomainError:
                        pass
                for r, i, cents in ops:
                    before = (Receipt.objects.get(pk=made[r].pk).allocated, Invoice.objects.get(pk=invoices[i].pk).paid)
                    try:
                        services.receipt_allocate(receipt=made[r], invoice=invoices[i], actor=planned.finance,
                                                  amount_=None if cents is None else _cents(cents), on=planned.day(150))
                    except DomainError:
                        after = (Receipt.objects.get(pk=made[r].pk).allocated,
                                 Invoice.objects.get(pk=invoices[i].pk).paid)
                        assert after == before  # a refused allocation changes nothing
                    _check_cash()
                raise Rollback
        except Rollback:
            pass

    run()


@pytest.mark.django_db
def test_invoiced_never_exceeds_billable(planned):
    c = contract_services.contract_handover(contract=planned.contract, actor=planned.deal.ar, pm=planned.deal.fr,
                                            handover_on=planned.day(3))
    sites = list(c.sites.all())

    @PROPS
    @given(evidence=st.lists(st.sampled_from(["north", "south", "fac"]), unique=True),
           ops=st.lists(st.tuples(st.sampled_from(["request", "issue", "cancel", "credit"]),
                                  st.lists(st.integers(0, 5), max_size=4)), max_size=8))
    def run(evidence, ops):
        try:
            with transaction.atomic():
                for what in sorted(evidence, key=lambda e: e == "fac"):  # FAC fulfils the contract: last
                    kwargs = {"whole_contract": True} if what == "fac" else {
                        "sites": [sites[0].pk if what == "north" else sites[1].pk]}
                    contract_services.certificate_record(contract=c, actor=planned.deal.ar,
                                                         type="FAC" if what == "fac" else "PAC",
                                                         signed_on=planned.day(60), signatory="王处长", **kwargs)
                official = iter(range(10**19, 10**19 + 100))
                for op, picks in ops:
                    items = list(BillingItem.objects.filter(contract=c).order_by("milestone__seq", "site__position"))
                    drafts = list(Invoice.objects.filter(contract=c, status="DRAFT"))
                    issued = list(Invoice.objects.filter(contract=c, status="ISSUED"))
                    try:
                        if op == "request":
                            chosen = [items[p].pk for p in picks if p < len(items)] or None
                            services.invoice_request(contract=c, actor=planned.deal.ar, items=chosen)
                        elif op == "issue" and drafts:
                            services.invoice_issue(invoice=drafts[0], actor=planned.finance,
                                                   official_number=str(next(official)), issued_on=planned.day(70))
                        elif op == "cancel" and drafts:
                            services.invoice_cancel_request(invoice=drafts[0], actor=planned.finance)
                        elif op == "credit" and issued:
                            services.credit_note_issue(invoice=issued[0], actor=planned.finance, reason="property",
                                                       issued_on=planned.day(70))
                    except DomainError:
                        pass
                    for m in BillingMilestone.objects.filter(contract=c):
                        billable = m.items.aggregate(s=Sum("amount"))["s"] or Decimal(0)
                        invoiced = (m.items.filter(invoice__status__in=[*LIVE_INVOICE_STATUSES, "DRAFT"])
                                    .aggregate(s=Sum("amount"))["s"] or Decimal(0))
                        assert invoiced <= billable <= m.amount
                    on_invoices = (Invoice.objects.filter(contract=c, status__in=[*LIVE_INVOICE_STATUSES, "DRAFT"])
                                   .aggregate(s=Sum("total"))["s"] or Decimal(0))
                    assert on_invoices <= BillingItem.objects.filter(contract=c).aggregate(s=Sum("amount"))["s"]
                raise Rollback
        except Rollback:
            pass

    run()


dispute_ops = st.lists(st.tuples(st.sampled_from(["open", "walk", "pay", "credit"]), st.integers(0, 3),
                                 st.integers(1, 200_000_000)), min_size=1, max_size=10)


@pytest.mark.django_db
def test_an_invoice_disputed_amount_is_always_the_sum_of_its_contested_disputes(planned):
    """Whatever mix of disputes opened and walked, payments and credit notes: ``Invoice.disputed`` is the sum
    of the contested disputes, never more than what is open, and a refused command changes nothing."""
    from m2c.billing.models import Dispute
    from m2c.billing.states import CONTESTED_DISPUTE_STATUSES

    _inv1, inv2, _inv3 = s9(planned)
    steps = {"OPEN": "investigate", "INVESTIGATING": "propose", "PROPOSED": "resolve", "RESOLVED": "close"}

    def snapshot():
        inv = Invoice.objects.get(pk=inv2.pk)
        return (inv.status, inv.paid, inv.credited, inv.disputed,
                sorted(Dispute.objects.values_list("status", "proposed_credit")))

    @PROPS
    @given(ops=dispute_ops)
    def run(ops):
        try:
            with transaction.atomic():
                for op, which, cents in ops:
                    before = snapshot()
                    disputes = list(Dispute.objects.order_by("created_at", "pk"))
                    try:
                        if op == "open":
                            services.dispute_open(invoice=inv2, actor=planned.finance, amount_=_cents(cents),
                                                  reason="property", opened_on=planned.day(120))
                        elif op == "pay":
                            receipt = services.receipt_record(actor=planned.finance, amount_=_cents(cents),
                                                              received_on=planned.day(130), payer_name="申江大学")
                            services.receipt_allocate(receipt=receipt, invoice=inv2, actor=planned.finance,
                                                      amount_=_cents(cents), on=planned.day(130))
                        elif op == "credit":
                            services.credit_note_issue(invoice=inv2, actor=planned.finance, amount_=_cents(cents),
                                                       reason="property", issued_on=planned.day(130))
                        elif disputes:
                            d = disputes[which % len(disputes)]
                            step = steps.get(d.status)
                            if step == "investigate":
                                services.dispute_investigate(dispute=d, actor=planned.finance)
                            elif step == "propose":
                                services.dispute_propose(dispute=d, actor=planned.finance, proposal="p",
                                                         credit=_cents(cents % (int(d.amount * 100) + 1)))
                            elif step == "resolve":
                                services.dispute_resolve(dispute=d, actor=planned.finance, on=planned.day(140))
                            elif step == "close":
                                services.dispute_close(dispute=d, actor=planned.finance)
                    except DomainError:
                        assert snapshot() == before  # a refused command changes nothing
                    inv = Invoice.objects.get(pk=inv2.pk)
                    held = sum(Dispute.objects.filter(status__in=CONTESTED_DISPUTE_STATUSES)
                               .values_list("amount", flat=True), Decimal(0))
                    assert inv.disputed == held and 0 <= inv.open_amount <= inv.total
                    assert (inv.status == "DISPUTED") == (held > 0) or inv.status in ("PAID", "CANCELLED")
                raise Rollback
        except Rollback:
            pass

    run()
