"""Reads of the billing app for views, the API and other apps; scoping applied here."""

from .disputes import (  # noqa: F401
    collection_cases,
    customer_emails_of,
    dispute_get,
    dispute_list,
    dispute_queryset,
    dunning_history,
    open_disputes,
)
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
