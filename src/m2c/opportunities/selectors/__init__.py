"""Reads of the opportunities app for views, API and other apps; scoping applied here."""

from .board import (  # noqa: F401
    BOARD_STAGES,
    CARD_FIELDS,
    SUMMARY_DIMS,
    SUMMARY_FILTERS,
    Column,
    Money3,
    _grouped,  # the summary engine, tested on its own
    board,
)
from .config import (  # noqa: F401
    body_get,
    body_list,
    checklist_list,
    matrix_get,
    matrix_list,
    membership_get,
    price_list_by_code,
    price_list_get,
    price_list_list,
    product_by_code,
    product_get,
    product_list,
    program_list,
)
from .contracting import (  # noqa: F401, E402
    WonDeal,
    closure_facts,
    contract_review_get,
    contract_reviews,
    latest_contract_review,
    won_deal,
)
from .deals import (  # noqa: F401
    OPPORTUNITY_SCOPE,
    ORDERINGS,
    Filters,
    active_team_ids,
    open_direct_opportunities,
    open_opportunities_of_customers,
    opportunity_get,
    opportunity_list,
    opportunity_queryset,
    visible_ids,
)
from .gates import (  # noqa: F401
    bid_get,
    condition_get,
    condition_list,
    condition_queryset,
    conditions_of,
    inbox,
    inbox_count,
    opportunity_after_command,
    quote_get,
    quote_line_get,
    quote_queryset,
    record_get,
    review_after_command,
    review_get,
    review_queryset,
    reviews_of,
    reviews_requested_by,
)
from .reports import (  # noqa: F401
    GROUPINGS,
    campaign_outcomes,
    forecast_report,
    pipeline_report,
    win_loss_report,
)
