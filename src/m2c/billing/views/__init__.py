"""Billing pages: invoices and receipts (lists, record pages, their forms and one-click matching)."""

from .disputes import dispute_command, dispute_detail, dispute_list  # noqa: F401
from .flows import contract_flows, workbench  # noqa: F401
from .invoices import (  # noqa: F401
    contract_billing,
    invoice_command,
    invoice_detail,
    invoice_export,
    invoice_list,
    invoice_pdf,
    platform_import,
)
from .milestones import milestone_edit  # noqa: F401
from .receipts import (  # noqa: F401
    receipt_allocate,
    receipt_confirm,
    receipt_detail,
    receipt_list,
    receipt_refund,
    receipt_refund_decide,
    statement_upload,
)
from .receivables import receivables, receivables_export  # noqa: F401
