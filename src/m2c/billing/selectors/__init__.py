"""Reads of the billing app for views, the API and other apps; scoping applied here."""

from .flows import FiveFlows, five_flows  # noqa: F401
from .invoices import (  # noqa: F401
    InvoiceFilters,
    invoice_get,
    invoice_list,
    invoice_queryset,
    milestones_of,
    sees_all_cash,
)
from .receipts import (  # noqa: F401
    CONFIDENT,
    ReceiptFilters,
    Suggestion,
    receipt_get,
    receipt_list,
    receipt_queryset,
    receipt_suggestions,
)
from .receivables import (  # noqa: F401
    aging,
    billed_by_contract,
    bucket_of,
    dso,
    dso_count_back,
    open_receivables_reporting,
    receivable_on,
    revenue_between,
    unbilled,
)
from .workbench import Workbench, workbench  # noqa: F401
