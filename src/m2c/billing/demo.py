"""Demo billing: the demo contracts get 30/60/10 payment terms; what is billable is requested, most of it
issued, some paid, one receipt left unmatched with the invoice number in its remittance text (so the
matching suggestions show), one over-payment unapplied, some disputed; invoices are dated when their items
became billable, so the unpaid ones of older deals are overdue. Idempotent: contracts with milestones are skipped."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

TERMS = [
    {"name": "预付款 Advance", "percent": "30", "trigger": "SIGNATURE", "scope": "CONTRACT", "payment_days": 30},
    {"name": "初验 PAC", "percent": "60", "trigger": "PAC", "scope": "PER_SITE", "payment_days": 45},
    {"name": "终验 FAC", "percent": "10", "trigger": "FAC", "scope": "CONTRACT", "payment_days": 45},
]


def load(progress: bool = True) -> str:
    from m2c.contracts.selectors import contracts_in_states
    from m2c.core.errors import DomainError

    from . import services
    from .models import BillingMilestone, Invoice

    today = timezone.localdate()
    contracts = list(contracts_in_states(("SIGNED", "IN_EXECUTION", "FULFILLED"),
                                         exclude_ids=BillingMilestone.objects.values("contract_id")))
    invoices = disputed = 0
    for index, contract in enumerate(contracts):
        rows = TERMS if contract.sites.exists() else [dict(t, scope="CONTRACT") for t in TERMS]
        services.milestone_plan(contract=contract, actor=None, rows=rows)
        if index % 5 == 4:
            continue  # billable, not yet requested: shows as unbilled
        # A pending request covers the first billable item only: the rest waits on the workbench.
        first = services.invoices.billable_items(contract)[:1] if index % 5 == 3 else None
        try:
            inv = services.invoice_request(contract=contract, actor=None, items=[i.pk for i in first] if first else None,
                                           vat_type="SPECIAL" if contract.customer.credit_code else "NORMAL")
        except DomainError:  # a demo contract with nothing billable is simply left as it is
            continue
        invoices += 1
        if index % 5 == 3:
            continue  # a pending request, for the batch export
        number = f"2631{today:%y%m%d}{index:010d}"
        # Dated when its items became billable, so older deals have invoices that fell due.
        issued_on = max(item.billable_on for item in inv.items.all())
        paid_on = min(issued_on + timedelta(days=20), today)
        services.invoice_issue(invoice=inv, actor=None, official_number=number, issued_on=issued_on)
        payer = contract.customer.legal_name
        if index % 10 == 2:
            # The customer disputes a tenth (held out of dunning until resolved) and pays the rest, quoting
            # the invoice number: the receipt waits for finance to confirm the suggestion.
            tenth = (inv.total / 10).quantize(Decimal("0.01"))
            services.invoice_dispute_open(invoice=Invoice.objects.get(pk=inv.pk), actor=None, amount_=tenth,
                                          reason="客户对部分到货数量有异议")
            services.receipt_record(actor=None, amount_=inv.total - tenth, received_on=paid_on, payer_name=payer,
                                    bank_ref=f"DEMO-{number}", remittance=f"付 {number} 扣除争议部分")
            disputed += 1
        elif index % 5 == 0:
            receipt = services.receipt_record(actor=None, amount_=inv.total, received_on=paid_on, payer_name=payer,
                                              bank_ref=f"DEMO-{number}", remittance=f"货款 发票号 {number}")
            services.receipt_allocate(receipt=receipt, invoice=Invoice.objects.get(pk=inv.pk), actor=None,
                                      on=paid_on)
        elif index % 5 == 1:
            half = (inv.total / 2).quantize(inv.total)
            receipt = services.receipt_record(actor=None, amount_=half, received_on=paid_on, payer_name=payer,
                                              bank_ref=f"DEMO-{number}")
            services.receipt_allocate(receipt=receipt, invoice=Invoice.objects.get(pk=inv.pk), actor=None,
                                      on=paid_on)
        else:
            services.receipt_record(actor=None, amount_=inv.total, received_on=paid_on, payer_name=payer,
                                    bank_ref=f"DEMO-{number}", remittance=f"付 {number}")
            if not disputed:  # at least one customer contests an invoice: the dispute pages have a record
                services.dispute_open(invoice=Invoice.objects.get(pk=inv.pk), actor=None, category="QUALITY",
                                      amount_=(inv.total / 10).quantize(Decimal("0.01")),
                                      reason="部分无线接入点到货破损")
                disputed += 1
    return f"billing +{len(contracts)} contracts planned, +{invoices} invoices ({disputed} disputed)"
