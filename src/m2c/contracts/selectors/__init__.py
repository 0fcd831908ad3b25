"""Reads of the contracts app for views, API, guards and other apps; scoping applied here."""

from .contracts import (  # noqa: F401
    CONTRACT_SCOPE,
    ContractFilters,
    acceptance_coverage,
    contract_by_id,
    contract_for_opportunity,
    contract_get,
    contract_list,
    contract_lock,
    contract_queryset,
    contracts_in_states,
    site_progress,
    site_value,
)
from .credit import Exposure, credit_exposure  # noqa: F401
from .flows import delivery_and_acceptance  # noqa: F401
from .links import ContractLink, contract_link_for_opportunity  # noqa: F401
from .seams import billed_by_contract, open_receivables, provide  # noqa: F401
