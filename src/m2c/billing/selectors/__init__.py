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
from .flows import FiveFlows, five_flows  # noqa: F401
from .invoices import (  # noqa: F401
    InvoiceFilters,
    invoice_get,
    invoice_list,
    invoice_queryset,
    milestones_of,
    sees_all_cash,
)
from .kpis import (  # noqa: F401
    BILLING_SLA_WORKING_DAYS,
    CashKpis,
    billing_item_queryset,
    billing_timeliness,
    cash_kpis,
    collection_rate,
    dso_trend,
    overdue_ratio,
    unbilled_by_currency,
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
    AGING_DIMENSIONS,
    BUCKET_LABELS,
    BUCKETS,
    aging,
    aging_report,
    aging_rows,
    billed_by_contract,
    bucket_of,
    dso,
    dso_count_back,
    in_region,
    open_receivables_reporting,
    receivable_on,
    revenue_between,
    unbilled,
)
from .workbench import Workbench, workbench  # noqa: F401
