"""The segment and target-list pages: render, post their forms through the services, refuse outsiders."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from m2c.insight import services
from m2c.insight.models import Segment, TargetList
from tests.factories import CustomerFactory


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def segment(org, users, lines):
    s = services.segment_create(actor=users.marketing, code="edu-east", name="华东高校园区网", industry="education",
                                region=org.east, offering_line=lines.campus, expected_revenue="20000000",
                                gross_margin_pct="30")
    services.segment_rate(actor=users.marketing, segment=s, scores={
        "market_size": 4, "growth": 5, "profit_potential": 2, "strategic_value": 3, "differentiation": 3,
        "cost_advantage": 3})
    services.segment_size(actor=users.marketing, segment=s, period="2026", tam="900000000", sam="300000000")
    return s


def test_span_page_draws_one_bubble_spec_per_rated_segment(users, segment):
    r = client_for(users.marketing).get("/insight/segments/")
    assert r.status_code == 200
    charts = json.loads(r.content.decode().split('id="page-charts" type="application/json">')[1].split("</script>")[0])
    points = charts["span-chart"]["points"]
    assert [(p["name"], p["x"], p["y"], p["quadrant"]) for p in points] == [("华东高校园区网", "3.00", "3.40", "grow")]
    assert points[0]["url"] == f"/insight/segments/{segment.pk}/"


def test_segment_page_forms_go_through_the_services(users, segment):
    c = client_for(users.marketing)
    assert c.get(f"/insight/segments/{segment.pk}/").status_code == 200
    r = c.post(f"/insight/segments/{segment.pk}/", {"action": "appeals", "appeals-price": "3.5",
                                                     "appeals-performance": "4"})
    assert r.status_code == 302
    r = c.post(f"/insight/segments/{segment.pk}/", {"action": "ratings", "ratings-c_differentiation": "1",
                                                     "ratings-c_cost_advantage": "1"})
    assert r.status_code == 302
    page = c.get(f"/insight/segments/{segment.pk}/").content.decode()
    assert 'id="appeals-radar"' in page and 'id="span-position">1.00' in page
    r = c.post(f"/insight/segments/{segment.pk}/", {"action": "sizing", "sizing-period": "2027",
                                                     "sizing-currency": "CNY", "sizing-tam": "100", "sizing-sam": "200",
                                                     "sizing-growth_pct": "0", "sizing-share_pct": "0"})
    assert r.status_code == 422 and "The SAM cannot exceed the TAM." in r.content.decode()
    r = c.post(f"/insight/segments/{segment.pk}/", {"action": "prioritise"})
    segment.refresh_from_db()
    assert segment.status == "PRIORITISED"


def test_create_and_edit_pages(org, users, lines):
    c = client_for(users.marketing)
    r = c.post("/insight/segments/new/", {"code": "gov-east", "name": "华东政务园区网", "industry": "government",
                                          "region": org.east.pk, "offering_line": lines.campus.pk, "currency": "CNY",
                                          "expected_revenue": "5000000", "gross_margin_pct": "22"})
    assert r.status_code == 302, r.content.decode()[:2000]
    s = Segment.objects.get(code="gov-east")
    r = c.post(f"/insight/segments/{s.pk}/edit/", {"name": "华东政务网", "currency": "CNY", "expected_revenue": "6000000",
                                                   "gross_margin_pct": "22", "description": "政府客户"})
    assert r.status_code == 302
    s.refresh_from_db()
    assert (s.name, s.expected_revenue, s.description) == ("华东政务网", 6000000, "政府客户")
    customer = CustomerFactory(org_unit=org.shanghai, industry="government")
    r = c.post(f"/insight/target-lists/new/?segment={s.pk}", {"segment": s.pk, "name": "政务目标客户",
                                                              "industries": ["government"], "region": org.east.pk,
                                                              "installed_base": "any", "no_open_opportunity": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    t = TargetList.objects.get(name="政务目标客户")
    assert c.post(f"/insight/target-lists/{t.pk}/", {"action": "refresh"}).status_code == 302
    page = c.get(f"/insight/target-lists/{t.pk}/").content.decode()
    assert page.count('href="/customers/') == 2 and f'href="/customers/{customer.pk}/"' in page  # nav + member
    assert c.get("/insight/target-lists/").status_code == 200
    assert c.get(f"/insight/target-lists/{t.pk}/edit/").status_code == 200


def test_outsiders_and_non_planners(users, segment):
    north = client_for(users.ar_north)
    assert north.get(f"/insight/segments/{segment.pk}/").status_code == 404
    assert "华东高校园区网" not in north.get("/insight/segments/").content.decode()
    finance = client_for(users.finance)
    assert finance.get(f"/insight/segments/{segment.pk}/").status_code == 200
    assert finance.post(f"/insight/segments/{segment.pk}/", {"action": "prioritise"}).status_code == 403
    assert finance.get("/insight/segments/new/").status_code == 403
