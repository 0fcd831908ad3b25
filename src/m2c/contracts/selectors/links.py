"""What other apps show of a contract: the opportunity page links to the contract its win created."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .contracts import contract_queryset


@dataclass(frozen=True)
class ContractLink:
    id: Any
    number: str
    status: str
    status_label: str
    visible: bool  # whether the user may open the contract page


def contract_link_for_opportunity(*, opportunity_id: Any, user: Any) -> ContractLink | None:
    """The contract created from ``opportunity_id``, if any; ``visible`` says whether ``user`` may open it
    (a user who sees the deal but not the contract gets its number and state, without the link)."""
    from ..models import Contract

    contract = Contract.objects.filter(opportunity_id=opportunity_id).only("id", "number", "status").first()
    if contract is None:
        return None
    visible = contract_queryset(user).filter(pk=contract.pk).exists()
    return ContractLink(id=contract.pk, number=contract.number, status=contract.status,
                        status_label=str(contract.get_status_display()), visible=visible)
