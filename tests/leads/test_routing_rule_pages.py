"""The routing-rules page: administrators add, change, reorder and switch rules in Chinese; the next lead
is routed by the new table; every other role is refused and changes nothing."""

import pytest
from django.test import Client

from m2c.core.models import Event
from m2c.leads import services
from m2c.leads.models import RoutingRule

pytestmark = pytest.mark.django_db


def _client(user, language="zh-hans"):
    client = Client()
    client.cookies["m2c_language"] = language
    client.force_login(user)
    return client


def _rule(**fields):
    fields.setdefault("target", "named_ar")
    return RoutingRule.objects.create(**fields)


def test_an_administrator_creates_a_rule_in_chinese_and_reads_it_back(users, org, lines):
    client = _client(users.admin)
    assert "新建规则" in client.get("/leads/routing/").content.decode()
    response = client.post("/leads/routing/new/", {
        "name": "华东教育行业 → 上海代表处轮转", "priority": "", "active": "on", "region": org.east.pk,
        "customer_group": org.education.pk, "industry": "education", "offering_line": lines.campus.pk, "tier": "",
        "min_score": "40", "target": "round_robin", "target_user": "", "target_unit": org.shanghai.pk, "capacity": "25"})
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = RoutingRule.objects.get(name="华东教育行业 → 上海代表处轮转")
    assert (rule.region, rule.customer_group, rule.industry, rule.offering_line, rule.min_score, rule.target,
            rule.target_unit, rule.capacity, rule.active) == (org.east, org.education, "education", lines.campus, 40,
                                                              "round_robin", org.shanghai, 25, True)
    assert rule.priority == 10
    assert Event.objects.get(event_type="leads.routing_rule.created").actor == users.admin
    page = client.get("/leads/routing/").content.decode()
    assert "华东教育行业 → 上海代表处轮转" in page and "轮转" in page


def test_a_rule_that_routes_to_a_person_must_name_one(users):
    client = _client(users.admin)
    response = client.post("/leads/routing/new/", {"name": "指定人员", "min_score": "0", "target": "user"})
    assert response.status_code == 422
    assert 'data-field="target_user"' in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_an_administrator_edits_reorders_and_disables_rules(users, org):
    first = _rule(priority=10, name="重点客户 → 客户经理", tier="named")
    second = _rule(priority=20, name="华东 → 上海队列", region=org.east, target="queue", target_unit=org.shanghai)
    client = _client(users.admin)
    response = client.post(f"/leads/routing/{second.pk}/", {
        "name": "华东 → 上海代表处队列", "priority": "20", "active": "on", "region": org.east.pk, "customer_group": "",
        "industry": "", "offering_line": "", "tier": "", "min_score": "0", "target": "queue", "target_user": "",
        "target_unit": org.shanghai.pk, "capacity": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    second.refresh_from_db()
    assert second.name == "华东 → 上海代表处队列"
    client.post(f"/leads/routing/{second.pk}/move/up/")
    assert list(RoutingRule.objects.order_by("priority").values_list("pk", flat=True)) == [second.pk, first.pk]
    client.post(f"/leads/routing/{first.pk}/toggle/")
    first.refresh_from_db()
    assert first.active is False
    kinds = list(Event.objects.filter(subject_type="leads.routingrule").order_by("id").values_list("event_type", flat=True))
    assert kinds == ["leads.routing_rule.updated", "leads.routing_rule.moved", "leads.routing_rule.updated"]


def test_moving_rules_that_share_a_priority_renumbers_them_first(users):
    _a, _b, c = (_rule(priority=100, name=name) for name in ("A 重点客户", "B 华东", "C 兜底"))
    services.routing_rule_move(rule=c, actor=users.admin, direction="up")
    order = list(RoutingRule.objects.order_by("priority").values_list("name", flat=True))
    assert order == ["A 重点客户", "C 兜底", "B 华东"]
    assert sorted(RoutingRule.objects.values_list("priority", flat=True)) == [10, 20, 30]


@pytest.mark.parametrize("role", ["marketing", "ar", "executive", "partner"])
def test_every_other_role_is_refused_and_changes_nothing(users, org, role):
    rule = _rule(priority=10, name="重点客户 → 客户经理", tier="named")
    client = _client(getattr(users, role))
    for url in ("/leads/routing/", "/leads/routing/new/", f"/leads/routing/{rule.pk}/"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "改名", "target": "named_ar", "min_score": "0"}).status_code == 403, url
    assert client.post(f"/leads/routing/{rule.pk}/move/down/").status_code == 403
    assert client.post(f"/leads/routing/{rule.pk}/toggle/").status_code == 403
    rule.refresh_from_db()
    assert (rule.name, rule.active, RoutingRule.objects.count(), Event.objects.count()) == ("重点客户 → 客户经理", True, 1, 0)
