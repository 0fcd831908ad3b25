"""Reads of the contracts app for views, API, guards and other apps; scoping applied here."""

from .categories import value_by_product_category  # noqa: F401
from .changes import (  # noqa: F401
    atac_threshold,
    change_count,
    change_get,
    change_list,
    closure_checks,
    days_to_collected,
    evaluation_figures,
    may_approve_change,
    needs_atac,
)
from .contracts import (  # noqa: F401
    CONTRACT_SCOPE,
    ContractFilters,
    acceptance_coverage,
    contract_by_id,
    contract_for_opportunity,
    contract_get,
    contract_list,
    contract_lock,
    contract_margins_of_opportunities,
    contract_queryset,
    contracts_in_states,
    contracts_of_campaign,
    contracts_of_opportunities,
    contracts_of_partner,
    reads_no_contracts,
    site_progress,
    site_value,
    values_by_contract,
)
from .credit import Exposure, credit_exposure  # noqa: F401
from .flows import delivery_and_acceptance  # noqa: F401
from .links import ChangeLink, ContractLink, ReviewSubject, contract_link_for_opportunity, review_subject  # noqa: F401
from .seams import (  # noqa: F401
    ContractCash,
    billed_by_contract,
    contract_cash,
    open_disputes,
    open_receivables,
    provide,
)
