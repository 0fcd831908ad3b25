"""The demo has contracts at every stage and billing in every state the pages show (five flows, workbench)."""

from __future__ import annotations

from django.utils import timezone

from m2c.billing import selectors
from m2c.billing.models import Invoice
from m2c.contracts.models import Contract
from m2c.demo import load_demo


def test_demo_contracts_and_invoices_at_every_stage(db):
    load_demo(customers=40, progress=False)
    statuses = set(Contract.objects.values_list("status", flat=True))
    assert {"SIGNED", "IN_EXECUTION", "FULFILLED"} <= statuses
    invoices = set(Invoice.objects.values_list("status", flat=True))
    assert {"DRAFT", "PARTIALLY_PAID", "PAID", "DISPUTED"} <= invoices
    bench = selectors.workbench()
    assert bench.to_invoice.count and bench.overdue.count and bench.disputed.count and bench.unmatched.count
    assert any(i.is_overdue(timezone.localdate()) for i in Invoice.objects.all())
    executing = Contract.objects.filter(status="IN_EXECUTION").first()
    flows = selectors.five_flows(executing)
    assert flows.contract >= flows.delivered >= flows.accepted and flows.invoiced >= flows.paid
