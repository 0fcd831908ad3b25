"""The requirement table (domain.md 11.12) walked through its verb services: undeclared moves are refused.

``tests/opportunities/test_states.py`` walks the table itself; here every verb service is tried from
every status whose row does not lead to the verb's target, by an analyst who may do everything else,
and each refusal must leave the row and the event log as they were.
"""

from __future__ import annotations

from typing import Any

import pytest

from m2c.core.errors import InvalidTransition
from m2c.core.models import Event, Role
from m2c.insight import services
from m2c.insight.models import Requirement
from m2c.insight.states import REQUIREMENT_MACHINE, RequirementStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
R = RequirementStatus


def _verbs(analyst: Any, other: Requirement) -> dict[str, Any]:
    def dispose(disposition: str, **extra: Any) -> Any:
        return lambda rr: services.requirement_dispose(requirement=rr, actor=analyst, disposition=disposition, **extra)

    return {
        R.ANALYSING: lambda rr: services.requirement_start_analysis(requirement=rr, actor=analyst),
        R.ACCEPTED_CURRENT: dispose(R.ACCEPTED_CURRENT, target_release="R1"),
        R.ACCEPTED_ROADMAP: dispose(R.ACCEPTED_ROADMAP, target_release="R9"),
        R.REJECTED: dispose(R.REJECTED, note="不在产品范围"),
        R.DUPLICATE: dispose(R.DUPLICATE, duplicate_of=other, note="重复"),
        R.IMPLEMENTED: lambda rr: services.requirement_implement(requirement=rr, actor=analyst, note="done"),
        R.VERIFIED: lambda rr: services.requirement_verify(requirement=rr, actor=analyst, note="ok"),
        R.CLOSED: lambda rr: services.requirement_close(requirement=rr, actor=analyst, note="closed"),
    }


def _state(rr: Requirement) -> tuple[dict[str, Any], int]:
    return Requirement.objects.filter(pk=rr.pk).values().get(), Event.objects.count()


def test_every_verb_is_refused_from_every_status_its_row_does_not_start_from(users: Any, org: Any) -> None:
    analyst = UserFactory(username="mi.analyst", roles=[Role.MARKETING], org_unit=org.east)
    fields = {"actor": users.ar, "description": "需要更长的电池续航", "source_type": "insight"}
    rr = services.requirement_create(title="电池续航", **fields)
    other = services.requirement_create(title="电池续航（重复）", **fields)
    walked = 0
    for target, verb in _verbs(analyst, other).items():
        for source in R.values:
            if REQUIREMENT_MACHINE.find(source, target) is not None:
                continue
            Requirement.objects.filter(pk=rr.pk).update(status=source)
            before = _state(rr)
            with pytest.raises(InvalidTransition) as exc:
                verb(Requirement.objects.get(pk=rr.pk))
            assert exc.value.status == 409
            assert _state(rr) == before, (source, target)
            walked += 1
    # 8 verbs × 9 statuses, less the 9 declared rows.
    assert walked == 8 * 9 - 9


def test_each_verb_moves_along_its_row_with_one_event(users: Any, org: Any) -> None:
    analyst = UserFactory(username="mi.analyst", roles=[Role.MARKETING], org_unit=org.east)
    fields = {"actor": users.ar, "description": "需要更长的电池续航", "source_type": "insight"}
    rr = services.requirement_create(title="电池续航", **fields)
    verbs = _verbs(analyst, rr)
    for target in (R.ANALYSING, R.ACCEPTED_ROADMAP, R.IMPLEMENTED, R.VERIFIED, R.CLOSED):
        count = Event.objects.filter(subject_id=str(rr.pk)).count()
        rr = verbs[target](Requirement.objects.get(pk=rr.pk))
        assert Requirement.objects.get(pk=rr.pk).status == target
        latest = Event.objects.filter(subject_id=str(rr.pk)).order_by("pk")
        assert latest.count() == count + 1 and latest.last().to_state == target
    assert REQUIREMENT_MACHINE.targets(R.CLOSED) == []
