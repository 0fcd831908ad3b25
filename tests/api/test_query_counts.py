"""Query-count pins on the API's list endpoints: a page of twenty rows costs what a page of one does.

Each resource is listed once with one row and once with twenty, each row carrying the relations its
serialiser shows (org unit, owner, customer, offering lines). The counts must be equal (no N+1), and the
one-row count is pinned, so a new per-request query is a decision someone makes, not an accident. The
administrator sees everything; an AR's list adds the scoping of the user's region, also pinned.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from m2c.core.money import Money
from m2c.insight import services as insight_services
from m2c.leads import services as lead_services
from m2c.opportunities.defaults import ensure_defaults
from tests.factories import CustomerFactory
from tests.opportunities.factories import opportunity

pytestmark = pytest.mark.django_db

Builder = Callable[[SimpleNamespace, int, int], None]

# Twenty distinct names: rows told apart by a number alone are taken for one customer by identity resolution.
NAMES = ["东海", "北辰", "南岭", "西湖", "云岭", "青峰", "金陵", "华亭", "松江", "星海", "白鹭", "紫荆", "梧桐", "银杏",
         "翠竹", "龙门", "凤凰", "麒麟", "鸿雁", "曙光"]


def _customers(ctx: SimpleNamespace, start: int, n: int) -> None:
    for i in range(start, start + n):
        CustomerFactory(legal_name=f"{NAMES[i]}实验学校", org_unit=ctx.org.shanghai, customer_group=ctx.org.education,
                        ar_owner=ctx.users.ar, industry="education")


def _leads(ctx: SimpleNamespace, start: int, n: int) -> None:
    items = [{"customer_name": f"{NAMES[i]}船舶有限公司", "contact_name": f"联系人{i}", "contact_phone": f"1380013{i:04d}",
              "offering_lines": ["campus", "wlan"], "region": "ro-shanghai", "budget_status": "planned",
              "pain_confirmed": True} for i in range(start, start + n)]
    results = lead_services.lead_create_bulk(actor=ctx.users.marketing, items=items)
    assert [r["result"] for r in results] == ["created"] * n


def _opportunities(ctx: SimpleNamespace, start: int, n: int) -> None:
    ensure_defaults()
    for i in range(start, start + n):
        customer = CustomerFactory(legal_name=f"{NAMES[i]}人民医院", org_unit=ctx.org.shanghai, ar_owner=ctx.users.ar)
        opportunity(owner=ctx.users.ar, customer=customer, lines=[ctx.lines.campus, ctx.lines.wlan],
                    name=f"{NAMES[i]}医院园区网", amount="1000000")


def _requirements(ctx: SimpleNamespace, start: int, n: int) -> None:
    customer = CustomerFactory(legal_name=f"{NAMES[start]}音乐学院", org_unit=ctx.org.shanghai, ar_owner=ctx.users.ar)
    for i in range(start, start + n):
        insight_services.requirement_create(
            actor=ctx.users.ar, title=f"需求 {i}", description="支持 Wi-Fi 7 漫游", source_type="insight",
            customer=customer, offering_line=ctx.lines.campus, business_value=Money(Decimal(100_000), "CNY"),
        )


INDUSTRIES = ["education", "government", "finance", "healthcare", "manufacturing", "energy", "transport", "telecom",
              "retail", "internet"]


def _segments(ctx: SimpleNamespace, start: int, n: int) -> None:
    for i in range(start, start + n):
        segment = insight_services.segment_create(
            actor=ctx.users.marketing, code=f"seg-{i}", name=f"{NAMES[i]}细分市场", industry=INDUSTRIES[i % 10],
            region=ctx.org.shanghai, offering_line=[ctx.lines.campus, ctx.lines.wlan][i // 10])
        insight_services.segment_rate(actor=ctx.users.marketing, segment=segment, scores={"growth": 3, "cost_advantage": 4})
        insight_services.segment_size(actor=ctx.users.marketing, segment=segment, period="2026", tam="100", sam="50")


def _target_lists(ctx: SimpleNamespace, start: int, n: int) -> None:
    segment = insight_services.segment_create(
        actor=ctx.users.marketing, code=f"seg-t{start}", name=f"{NAMES[start]}目标市场", industry=INDUSTRIES[start % 10],
        region=ctx.org.shanghai, offering_line=ctx.lines.dc)
    for i in range(start, start + n):
        insight_services.target_list_create(actor=ctx.users.marketing, name=f"{NAMES[i]}名单", segment=segment,
                                            org_unit=ctx.org.shanghai)


# resource: (path, builder, pinned queries for the administrator, for an AR of Shanghai)
LISTS: dict[str, tuple[str, Builder, int, int]] = {
    "customers": ("/customers", _customers, 2, 4),
    "leads": ("/leads", _leads, 4, 5),
    "opportunities": ("/opportunities", _opportunities, 3, 5),
    "requirements": ("/requirements", _requirements, 2, 4),
    "segments": ("/segments", _segments, 6, 8),
    "target-lists": ("/target-lists", _target_lists, 2, 4),
}


@pytest.mark.parametrize("who", ["admin", "ar"])
@pytest.mark.parametrize("resource", sorted(LISTS))
def test_a_list_of_twenty_costs_the_queries_of_a_list_of_one(
    resource: str, who: str, api: Any, org: Any, users: Any, lines: Any, django_assert_num_queries: Any,
    django_assert_max_num_queries: Any,
) -> None:
    path, build, *pins = LISTS[resource]
    pin = pins[0] if who == "admin" else pins[1]
    ctx = SimpleNamespace(org=org, users=users, lines=lines)
    client = api(getattr(users, who))
    build(ctx, 0, 1)
    client.get(path)  # the first request of a token may record its use; that is not the list's cost
    with django_assert_max_num_queries(pin) as one:
        response = client.get(path)
    assert response.status_code == 200 and response.json()["count"] == 1, response.content
    build(ctx, 1, 19)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(path)
    assert response.status_code == 200 and response.json()["count"] == 20, response.content
    assert len(response.json()["items"]) == 20
