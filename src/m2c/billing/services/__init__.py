"""Every write of the billing app: one function per business command."""

from .cash import (  # noqa: F401
    receipt_allocate,
    receipt_record,
    refund_decide,
    refund_request,
)
from .invoices import (  # noqa: F401
    credit_note_issue,
    invoice_cancel_request,
    invoice_dispute_open,
    invoice_dispute_resolve,
    invoice_issue,
    invoice_request,
    split_tax,
)
from .milestones import milestone_plan, milestone_save, milestones_release, periodic_release  # noqa: F401
