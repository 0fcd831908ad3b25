"""How the contracts app reacts to other apps' events, inside the transaction that records them."""

from __future__ import annotations

from typing import Any

from m2c.opportunities import selectors as opportunity_selectors

from ..models import Contract
from ..states import ContractStatus
from .changes import on_atac_decided
from .contracts import contract_close, contract_create_from_won


def on_opportunity_won(event: Any) -> None:
    """A deal won on its ATC-approved quote version becomes a signed contract."""
    payload = event.payload or {}
    contract_create_from_won(opportunity_id=event.subject_id, quote_id=payload.get("quote"),
                             atc_review_id=payload.get("atc_review"), actor=event.actor)


def on_review_decided(event: Any) -> None:
    """An ATCC GO on a fulfilled contract closes it; an ATAC decision on a change request decides the change."""
    if event.subject_type != "opportunities.gatereview":
        return
    review = opportunity_selectors.contract_review_get(review_id=event.subject_id)
    if review is None or review.contract_id is None:
        return
    if review.gate_type == "ATAC":
        on_atac_decided(review)
        return
    if review.gate_type != "ATCC" or not review.passed:
        return
    contract = Contract.objects.filter(pk=review.contract_id).first()
    if contract is not None and contract.status == ContractStatus.FULFILLED:
        contract_close(contract=contract, actor=None, reason=review.rationale or "ATCC GO")
