"""The segment table walked through its verb services: every undeclared move is refused and writes nothing."""

from __future__ import annotations

import pytest

from m2c.core.errors import InvalidTransition
from m2c.core.models import Event
from m2c.insight import services
from m2c.insight.models import Segment
from m2c.insight.states import SEGMENT_MACHINE, SegmentStatus

S = SegmentStatus


def test_every_segment_verb_is_refused_where_the_table_has_no_row(org, users, lines):
    segment = services.segment_create(actor=users.marketing, code="edu-east", name="华东高校", industry="education",
                                      region=org.east, offering_line=lines.campus)
    verbs = {S.PRIORITISED: services.segment_prioritise, S.CANDIDATE: services.segment_deprioritise,
             S.RETIRED: services.segment_retire}
    walked = allowed = 0
    for target, verb in verbs.items():
        for source in S.values:
            Segment.objects.filter(pk=segment.pk).update(status=source)
            row = Segment.objects.get(pk=segment.pk)
            if SEGMENT_MACHINE.find(source, target) is not None:
                verb(actor=users.marketing, segment=row)  # no gate minimum by default: the move is made
                assert Segment.objects.get(pk=segment.pk).status == target
                allowed += 1
                continue
            before = (Segment.objects.filter(pk=segment.pk).values().get(), Event.objects.count())
            with pytest.raises(InvalidTransition):
                verb(actor=users.marketing, segment=row)
            assert (Segment.objects.filter(pk=segment.pk).values().get(), Event.objects.count()) == before
            walked += 1
    assert (walked, allowed) == (5, 4)
