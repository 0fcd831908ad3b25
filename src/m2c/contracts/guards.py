"""Guards of the contract's transition table: each reads the locked contract and the call's context and
raises a ``DomainError`` to refuse (the state machine then writes nothing)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed


def _refuse(detail: str, code: str, **extra: Any) -> InvalidTransition:
    return InvalidTransition(detail, code=code, extra=extra)


def _decided(contract: Any, gate: str) -> Any:
    from m2c.opportunities import selectors as opportunity_selectors

    return opportunity_selectors.latest_contract_review(contract_id=contract.pk, gate_type=gate)


def reason_given(contract: Any, context: dict[str, Any]) -> None:
    if not str(context.get("reason") or "").strip():
        raise ValidationFailed(_("Give a reason."), field="reason")


def atc_submitted(contract: Any, context: dict[str, Any]) -> None:
    if contract.atc_review_id is None:
        raise _refuse(_("Submit the ATC review of this contract version first."), "gate_not_submitted", gate="ATC")


def atc_passed(contract: Any, context: dict[str, Any]) -> None:
    review = contract.atc_review
    if review is None or not review.passed:
        raise _refuse(_("ATC has not been passed for this contract version."), "gate_not_passed", gate="ATC")


def signature_recorded(contract: Any, context: dict[str, Any]) -> None:
    if context.get("signed_on") is None:
        raise ValidationFailed(_("Give the signature date."), field="signed_on")


def handover_done(contract: Any, context: dict[str, Any]) -> None:
    if not hasattr(contract, "delivery_project"):
        raise _refuse(_("Hold the handover meeting first: it creates the delivery project and names the PM."),
                      "handover_missing")


def po_confirmed_if_required(contract: Any, context: dict[str, Any]) -> None:
    from .states import PurchaseOrderStatus

    if contract.po_required and not contract.purchase_orders.filter(status=PurchaseOrderStatus.CONFIRMED).exists():
        raise _refuse(_("This contract needs a confirmed customer PO before execution."), "po_missing")


def fully_accepted(contract: Any, context: dict[str, Any]) -> None:
    from .selectors import acceptance_coverage

    coverage = acceptance_coverage(contract)
    if coverage["final_pct"] < 100:
        raise _refuse(
            _("Final acceptance covers %(pct)s%% of the contract's value; all of it must be accepted.")
            % {"pct": f"{coverage['final_pct']:.2f}"},
            "not_fully_accepted", final_pct=str(coverage["final_pct"]),
        )


def atcc_passed(contract: Any, context: dict[str, Any]) -> None:
    review = _decided(contract, "ATCC")
    if review is None or not review.passed:
        raise _refuse(_("ATCC has not been passed: the contract closes only on an ATCC GO."), "gate_not_passed",
                      gate="ATCC")


def atac_passed(contract: Any, context: dict[str, Any]) -> None:
    from m2c.opportunities import selectors as opportunity_selectors

    from .models import ChangeRequest

    # An ATAC that approved a change request is not a termination's approval.
    change_reviews = ChangeRequest.objects.filter(contract=contract, review__isnull=False).values_list("review_id",
                                                                                                     flat=True)
    review = next((r for r in opportunity_selectors.contract_reviews(contract_id=contract.pk)
                   if r.gate_type == "ATAC" and r.status == "DECIDED" and r.pk not in set(change_reviews)), None)
    if review is None or not review.passed:
        raise _refuse(_("Terminating a contract needs an ATAC GO."), "gate_not_passed", gate="ATAC")


def change_approval(change: Any, context: dict[str, Any]) -> None:
    """Above the ATAC threshold a change is approved by an ATAC GO; below it by the contract owner's manager
    or an authorised role, never by whoever requested it."""
    if change.needs_atac:
        review = change.review
        if review is None or not review.passed:
            raise _refuse(_("This change is above the ATAC threshold: it is approved by an ATAC GO."),
                          "gate_not_passed", gate="ATAC")
        return
    actor = context.get("actor")
    if actor is None:
        return
    from .selectors import may_approve_change

    if actor.pk == change.requested_by_id:
        raise PermissionDenied(_("Whoever requested a change cannot approve it."))
    if not may_approve_change(change.contract, actor):
        raise PermissionDenied(_("Only the contract owner's manager or an authorised approver can approve a change "
                                 "below the ATAC threshold."))


def closure_ready(contract: Any, context: dict[str, Any]) -> None:
    """ATCC checklist (domain.md 4.3): all accepted, AR zero (or written off), disputes and risks closed,
    post-mortem written."""
    from .selectors import closure_checks

    failing = [c for c in closure_checks(contract) if not c["ok"]]
    if failing:
        raise _refuse(" ".join(str(c["detail"]) for c in failing), "closure_not_ready",
                      checks=[c["code"] for c in failing])
