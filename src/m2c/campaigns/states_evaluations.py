"""The evaluation's small life cycle, as data (``core.state_machine``; domain.md 11.1).

An evaluation is created DUE by the worker at T+30, T+90 or T+180 and recorded once by marketing
(DUE → RECORDED) with its review and the snapshot of the live figures. A recorded evaluation is final:
a second recording, or going back to due, is refused as an illegal transition (409).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core.errors import ValidationFailed
from m2c.core.state_machine import StateMachine, t

from . import events
from .models import CampaignEvaluation
from .states import PLANNERS

EvaluationStatus = CampaignEvaluation.Status


def _reviewed(evaluation: Any, context: dict[str, Any]) -> None:
    """DUE → RECORDED: the written review is there (the service puts it in ``changes``)."""
    if not str(context.get("review") or "").strip():
        raise ValidationFailed(_("Write what the campaign achieved and what to change."), field="review")


EVALUATION_MACHINE = StateMachine(
    name=gettext_lazy("Campaign evaluation"),  # type: ignore[arg-type]
    transitions=[t(EvaluationStatus.DUE, EvaluationStatus.RECORDED, guards=[_reviewed], roles=PLANNERS,
                   event=events.EVALUATION_RECORDED)],
    terminal=frozenset({EvaluationStatus.RECORDED}),
    labels=dict(EvaluationStatus.choices),
)
