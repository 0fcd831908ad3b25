"""Closing a contract (domain.md 6.6, 11.5, S13): the evaluation is drafted while the contract is FULFILLED
(actual cost, post-mortem) and frozen with its computed figures when ATCC GO closes the contract."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import FieldErrors, ValidationFailed
from m2c.core.money import to_decimal
from m2c.core.roles import Actor, authenticated

from .. import events
from ..models import Contract, ContractEvaluation
from ..selectors import evaluation_figures
from ..states import ContractStatus
from ._common import require_status, require_work


def _record(evaluation: ContractEvaluation, contract: Contract, actor: Actor) -> None:
    core_events.record(events.EVALUATION_SAVED, contract, actor=actor, payload={
        "margin_atb_pct": str(evaluation.margin_atb_pct) if evaluation.margin_atb_pct is not None else None,
        "margin_actual_pct": str(evaluation.margin_actual_pct) if evaluation.margin_actual_pct is not None else None,
        "days_to_90pct_collected": evaluation.days_to_90pct_collected, "change_count": evaluation.change_count,
        "final": evaluation.final,
    })


def _fill(evaluation: ContractEvaluation, contract: Contract) -> None:
    figures = evaluation_figures(contract, actual_cost=evaluation.actual_cost)
    evaluation.revenue = figures["revenue"]
    evaluation.collected = figures["collected"]
    evaluation.margin_atb_pct = figures["margin_atb_pct"]
    evaluation.margin_actual_pct = figures["margin_actual_pct"]
    evaluation.days_to_90pct_collected = figures["days_to_90pct_collected"]
    evaluation.change_count = figures["change_count"]


@transaction.atomic
def contract_evaluation_save(*, contract: Contract, actor: Actor, actual_cost: Any, post_mortem: str) -> ContractEvaluation:
    """Write (or rewrite) the evaluation of a fulfilled contract before its ATCC: the actual cost and the
    post-mortem; the figures are computed from billing, cash and the deal's ATB."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    require_work(locked, actor)
    require_status(locked, (ContractStatus.FULFILLED,), _("The evaluation"))
    errors = FieldErrors()
    cost = None
    try:
        cost = to_decimal(actual_cost, field="actual_cost")
        if cost < 0 or cost >= Decimal(10) ** 14:
            errors.add("actual_cost", _("Give the actual cost, zero or more."))
    except ValidationFailed as exc:
        errors.add("actual_cost", exc.detail)
    text = (post_mortem or "").strip()
    if not text:
        errors.add("post_mortem", _("Write the post-mortem: what went well, what did not, lessons learned."))
    errors.raise_if_any()
    evaluation = ContractEvaluation.objects.filter(contract=locked).first() or ContractEvaluation(
        contract=locked, currency=locked.currency)
    evaluation.actual_cost = cost.quantize(Decimal("0.01"))
    evaluation.post_mortem = text[:20000]
    evaluation.evaluated_at = timezone.now()
    evaluation.evaluated_by = authenticated(actor)
    _fill(evaluation, locked)
    evaluation.save()
    _record(evaluation, locked, actor)
    return evaluation


def evaluation_finalise(contract: Contract, *, actor: Actor) -> ContractEvaluation | None:
    """Freeze the evaluation with the figures of the day the contract closes."""
    evaluation = ContractEvaluation.objects.select_for_update().filter(contract=contract).first()
    if evaluation is None:
        return None
    _fill(evaluation, contract)
    evaluation.final = True
    evaluation.evaluated_at = timezone.now()
    evaluation.save()
    _record(evaluation, contract, actor)
    return evaluation
