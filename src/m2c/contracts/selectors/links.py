"""What other apps show of a contract: the opportunity page links to the contract its win created, the
review page of an ATAC/ATCC review to the contract, change request and closure it decides on."""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class ChangeLink:
    id: Any
    number: str
    kind_label: str
    status_label: str
    reason: str
    delta: Any
    currency: str


@dataclass(frozen=True)
class ReviewSubject:
    """What an ATAC or ATCC review decides on, as the review page shows it: the contract (``contract.visible``
    says whether the reader may open its page), the change request under an ATAC review, and for ATCC the
    closure checklist as verified now and the evaluation (draft, or final once ATCC GO closed the contract)."""

    contract: ContractLink
    change: ChangeLink | None = None
    closure_checks: list[dict[str, Any]] = field(default_factory=list)
    evaluation: Any = None


def review_subject(*, review_id: Any, contract_id: Any, gate_type: str, user: Any) -> ReviewSubject | None:
    """The contract and change request a contract review (``contract_id``) is held on; None for a deal's gate.
    The reader has already been allowed to see the review (its deal or its decision body): the facts it
    decides on are shown, the links only lead where ``user`` may go."""
    from ..models import ChangeRequest, Contract, ContractEvaluation
    from .changes import closure_checks

    if contract_id is None:
        return None
    contract = Contract.objects.filter(pk=contract_id).first()
    if contract is None:
        return None
    visible = contract_queryset(user).filter(pk=contract.pk).exists()
    link = ContractLink(id=contract.pk, number=contract.number, status=contract.status,
                        status_label=str(contract.get_status_display()), visible=visible)
    change = None
    if gate_type == "ATAC":
        row = ChangeRequest.objects.filter(review_id=review_id).first()
        if row is not None:
            change = ChangeLink(id=row.pk, number=row.number, kind_label=str(row.get_kind_display()),
                                status_label=str(row.get_status_display()), reason=row.reason,
                                delta=row.delta_value, currency=row.currency)
    if gate_type != "ATCC":
        return ReviewSubject(contract=link, change=change)
    evaluation = ContractEvaluation.objects.filter(contract=contract).first()
    checks = [] if evaluation is not None and evaluation.final else closure_checks(contract)
    return ReviewSubject(contract=link, closure_checks=checks, evaluation=evaluation)
