"""Gate conditions (domain.md 4.2): closed by their owner, waived by the deciding body, reminded when due."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from m2c.core import events as core_events
from m2c.core.notifications import message, notify
from m2c.core.roles import Actor, authenticated

from .. import events
from ..models import GateCondition, OpportunitySettings
from ..states import CONDITION_MACHINE, ConditionStatus, DecisionLevel, level_rank
from ._common import link


@transaction.atomic
def condition_close(*, condition: GateCondition, actor: Actor, note: str) -> GateCondition:
    """OPEN → CLOSED by its owner, the AR or the deciding body, saying how it was met."""
    return CONDITION_MACHINE.apply(
        condition, ConditionStatus.CLOSED, actor=actor, reason=note, context={"actor": actor, "note": note},
        changes={"closed_at": timezone.now(), "closed_by": authenticated(actor), "closing_note": (note or "").strip()},
    )


@transaction.atomic
def condition_waive(*, condition: GateCondition, actor: Actor, reason: str) -> GateCondition:
    """OPEN → WAIVED by a member of the body that set it."""
    return CONDITION_MACHINE.apply(
        condition, ConditionStatus.WAIVED, actor=actor, reason=reason, context={"actor": actor, "reason": reason},
        changes={"closed_at": timezone.now(), "closed_by": authenticated(actor), "closing_note": (reason or "").strip()},
    )


def condition_remind_due(*, today: dt.date | None = None) -> int:
    """Remind owners of open conditions due within the configured days or overdue, once a day each."""
    day = today or timezone.localdate()
    conf = OpportunitySettings.current()
    horizon = day + dt.timedelta(days=conf.condition_reminder_days)
    sent = 0
    due = (GateCondition.objects.filter(status=ConditionStatus.OPEN, due_date__lte=horizon)
           .exclude(reminded_on=day).values_list("pk", flat=True))
    for pk in list(due):
        with transaction.atomic():
            condition = GateCondition.objects.select_for_update(of=("self",)).select_related("owner", "review", "opportunity").get(pk=pk)
            if condition.status != ConditionStatus.OPEN or condition.reminded_on == day:
                continue
            overdue = condition.due_date < day
            title = message(gettext_noop("Overdue gate condition: %(text)s") if overdue
                            else gettext_noop("Gate condition due soon: %(text)s"), text=condition.text[:120])
            notify(condition.owner, title=title,
                   body=message(gettext_noop("Due %(due)s, set by %(gate)s of %(name)s."),
                                due=condition.due_date, gate=condition.review.gate_type,
                                name=condition.opportunity.name if condition.opportunity_id else ""),
                   url=link("opportunities:review", condition.review_id), kind="opportunities.condition",
                   subject=condition)
            GateCondition.objects.filter(pk=pk).update(reminded_on=day)
            core_events.record(events.CONDITION_REMINDED, condition, payload={"due": str(condition.due_date),
                                                                               "overdue": overdue})
            sent += 1
    return sent


def required_level_label(level: str) -> str:
    return str(DecisionLevel(level).label) if level in DecisionLevel.values else level


def higher_or_equal(a: str, b: str) -> bool:
    return level_rank(a) >= level_rank(b)
