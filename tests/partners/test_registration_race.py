"""Two partners register the same customer at the same moment (PostgreSQL, two connections in two
threads): the partial unique index on the (customer, offering line) key lets exactly one win; the other is
REJECTED as a conflict naming the winner."""

from __future__ import annotations

import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)

from m2c.partners.models import DealRegistration
from tests.racing import race

from .conftest import register

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite runs one write transaction at a time"),
]


@pytest.mark.parametrize("name", ["上海市第一人民医院", "宁波市鄞州区第二医院"])  # a known customer, a new one
def test_two_registrations_for_the_same_customer_at_once_exactly_one_wins(channel, name):
    outcomes = race(
        lambda: register(channel, channel.p1, channel.p1_user, name=name),
        lambda: register(channel, channel.p2, channel.p2_user, name=name.replace("市", "")),
    )
    assert all(isinstance(o, DealRegistration) for o in outcomes), outcomes
    regs = list(DealRegistration.objects.order_by("status"))
    assert [r.status for r in regs] == ["REJECTED", "UNDER_REVIEW"]
    assert regs[0].rejection == "conflict" and regs[0].conflict_with_id == regs[1].pk
    assert regs[0].customer_id == regs[1].customer_id
