"""Demo billing: the demo contracts get 30/60/10 payment terms; what is billable is requested, most of it
issued, some paid, one receipt left unmatched with the invoice number in its remittance text (so the
matching suggestions show), one over-payment unapplied, one invoice partly disputed. Idempotent: contracts with milestones are skipped."""

from __future__ import annotations

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
    invoices = disputes = 0
    for index, contract in enumerate(contracts):
        rows = TERMS if contract.sites.exists() else [dict(t, scope="CONTRACT") for t in TERMS]
        services.milestone_plan(contract=contract, actor=None, rows=rows)
        if index % 5 == 4:
            continue  # billable, not yet requested: shows as unbilled
        try:
            inv = services.invoice_request(contract=contract, actor=None,
                                           vat_type="SPECIAL" if contract.customer.credit_code else "NORMAL")
        except DomainError:  # a demo contract with nothing billable is simply left as it is
            continue
        invoices += 1
        if index % 5 == 3:
            continue  # a pending request, for the batch export
        number = f"2631{today:%y%m%d}{index:010d}"
        services.invoice_issue(invoice=inv, actor=None, official_number=number, issued_on=today)
        payer = contract.customer.legal_name
        if index % 5 == 0:
            receipt = services.receipt_record(actor=None, amount_=inv.total, received_on=today, payer_name=payer,
                                              bank_ref=f"DEMO-{number}", remittance=f"货款 发票号 {number}")
            services.receipt_allocate(receipt=receipt, invoice=Invoice.objects.get(pk=inv.pk), actor=None)
        elif index % 5 == 1:
            half = (inv.total / 2).quantize(inv.total)
            receipt = services.receipt_record(actor=None, amount_=half, received_on=today, payer_name=payer,
                                              bank_ref=f"DEMO-{number}")
            services.receipt_allocate(receipt=receipt, invoice=Invoice.objects.get(pk=inv.pk), actor=None)
        else:
            services.receipt_record(actor=None, amount_=inv.total, received_on=today, payer_name=payer,
                                    bank_ref=f"DEMO-{number}", remittance=f"付 {number}")
            if not disputes:  # one customer contests a tenth of an invoice: the dispute pages have a record
                services.dispute_open(invoice=Invoice.objects.get(pk=inv.pk), actor=None, category="QUALITY",
                                      amount_=(inv.total / 10).quantize(Decimal("0.01")),
                                      reason="部分无线接入点到货破损")
                disputes += 1
    return f"billing +{len(contracts)} contracts planned, +{invoices} invoices, +{disputes} disputes"
