"""Every write of the billing app: one function per business command."""

from .cash import (  # noqa: F401
    receipt_allocate,
    receipt_record,
    refund_decide,
    refund_request,
)
from .cash_batch import receipts_allocate_many  # noqa: F401
from .disputes import (  # noqa: F401
    dispute_close,
    dispute_escalate,
    dispute_escalation_decide,
    dispute_investigate,
    dispute_open,
    dispute_propose,
    dispute_resolve,
    invoice_dispute_open,
    invoice_dispute_resolve,
)
from .invoices import (  # noqa: F401
    credit_note_issue,
    invoice_cancel_request,
    invoice_issue,
    invoice_request,
    split_tax,
)
from .milestones import milestone_plan, milestone_save, milestones_release, periodic_release  # noqa: F401
