"""ATAC and ATCC reviews of a contract, put to the decision bodies through the opportunities app's gate
machinery (authority matrix, checklists, conditions); the contract reacts to the decision event."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from m2c.core import events as core_events
from m2c.core.errors import ValidationFailed
from m2c.core.money import Money, to_decimal
from m2c.core.roles import Actor
from m2c.opportunities import services as opportunity_services

from .. import events
from ..models import Contract
from ..states import ContractStatus
from ._common import require_status, require_work


@transaction.atomic
def contract_review_open(*, contract: Contract, actor: Actor, gate_type: str, delta: Any = None,
                         summary: str = "", margin_pct: Decimal | None = None) -> Any:
    """Open an ATAC review (an amendment or termination worth ``delta``, with the margin ``margin_pct`` the
    change carries when it is known) or an ATCC review (closure of a fulfilled contract). Answer, submit and
    decide it on the review page like any gate."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    require_work(locked, actor)
    if locked.opportunity_id is None:
        raise ValidationFailed(_("Only a contract from a won deal has a decision body to review it."), field="gate_type")
    if gate_type == "ATCC":
        require_status(locked, (ContractStatus.FULFILLED,), _("ATCC"))
        value = locked.total_money
    elif gate_type == "ATAC":
        require_status(locked, (ContractStatus.SIGNED, ContractStatus.IN_EXECUTION, ContractStatus.CHANGE_PENDING,
                                ContractStatus.SUSPENDED), _("ATAC"))
        amount = to_decimal(delta if delta not in (None, "") else 0, field="delta")
        value = Money(abs(amount), locked.currency)
    else:
        raise ValidationFailed(_("A contract goes through ATAC and ATCC."), field="gate_type")
    review = opportunity_services.contract_review_create(
        contract_id=locked.pk, opportunity=locked.opportunity, actor=actor, gate_type=gate_type, value=value,
        summary=summary, margin_pct=margin_pct if gate_type == "ATAC" else None,
    )
    core_events.record(events.REVIEW_OPENED, locked, actor=actor, payload={"review": str(review.pk), "gate": gate_type})
    return review
