"""The demo has contracts at every stage and billing in every state the pages show (five flows, workbench).

Forty customers: at 30 the demo has no fulfilled contract and no draft invoice. ``load_demo`` drives every
deal through the services (~7 s of CPU), so the loaded demo is kept as a copy (tests/demo_data.py, keyed by
the app's source and the day) for the next run to restore; a copy replaces the whole database, so the test
is transactional.
"""

from __future__ import annotations

from django.utils import timezone

from m2c.billing import selectors
from m2c.billing.models import Invoice
from m2c.contracts.models import Contract
from tests import demo_data


def test_demo_contracts_and_invoices_at_every_stage(transactional_db):
    demo_data.load(customers=40)
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
