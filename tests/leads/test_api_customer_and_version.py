"""Issue 9 item 9: ``customer_id`` on capture is honoured within the caller's scope; PATCH takes ``version``."""

import pytest

from m2c.core.models import Event
from m2c.leads.models import Lead
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _post(api_or_client, user=None, **data):
    data.setdefault("offering_lines", ["campus"])
    data.setdefault("contact_phone", "13800138000")
    client = api_or_client(user) if user is not None else api_or_client
    return client.post("/leads", data)


def test_a_visible_customer_id_links_the_lead_to_that_customer(api, users, rules, lines, org):
    # The lead names the customer by id only; a differently spelled name must not win over the id.
    customer = CustomerFactory(legal_name="华东理工测试学院", normalized_name="华东理工测试学院", org_unit=org.shanghai)
    response = _post(api, users.marketing, customer_id=str(customer.pk), customer_name="完全别的名字")
    assert response.status_code == 201, response.content
    lead = Lead.objects.get(pk=response.json()["id"])
    assert lead.customer_id == customer.pk
    captured = Event.objects.get(subject_id=str(lead.pk), event_type="leads.lead.captured")
    assert captured.payload["customer_match"] == {"score": 100, "keys": ["customer"]}


def test_an_invisible_customer_id_is_refused_and_stores_nothing(api, users, rules, lines, org):
    north = CustomerFactory(legal_name="北方机密客户", normalized_name="北方机密客户", org_unit=org.beijing)
    client = api(users.marketing)  # its token is created (with its event) before the count
    before = (Lead.objects.count(), Event.objects.count())
    response = _post(client, customer_id=str(north.pk), customer_name="北方机密客户")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "customer_not_found"
    assert "北方机密客户" not in response.content.decode()
    assert (Lead.objects.count(), Event.objects.count()) == before


def test_a_partner_cannot_link_any_stored_customer(api, users, rules, lines, org):
    customer = CustomerFactory(legal_name="上海伙伴客户", normalized_name="上海伙伴客户", org_unit=org.shanghai)
    assert _post(api, users.partner, customer_id=str(customer.pk)).status_code == 404
    assert not Lead.objects.exists()


def test_an_unknown_customer_id_is_refused(api, users, rules, lines):
    response = _post(api, users.marketing, customer_id="0b9a6f3e-1111-4b6c-9d7e-2f1e8b0a5c11")
    assert response.status_code == 404


def test_bulk_rejects_only_the_item_with_an_invisible_customer(api, users, rules, lines, org):
    north = CustomerFactory(legal_name="北方机密客户", normalized_name="北方机密客户", org_unit=org.beijing)
    items = [{"customer_name": "甲公司", "contact_phone": "13800138001", "offering_lines": ["campus"]},
             {"customer_id": str(north.pk), "contact_phone": "13800138002", "offering_lines": ["campus"]}]
    body = api(users.marketing).post("/leads/bulk", {"items": items}).json()
    assert [i["result"] for i in body["items"]] == ["created", "rejected"]
    assert body["items"][1]["errors"][0]["field"] == "customer_id"
    assert Lead.objects.count() == 1


def test_patch_with_the_current_version_saves_and_a_stale_version_is_409(api, users, rules, lines, capture):
    lead = capture(customer_name="版本测试公司", contact_phone="13800138000")
    client = api(users.marketing)
    read = client.get(f"/leads/{lead.pk}").json()
    first = client.patch(f"/leads/{lead.pk}", {"title": "第一次修改", "version": read["version"]})
    assert first.status_code == 200, first.content
    assert first.json()["version"] == read["version"] + 1
    stale = client.patch(f"/leads/{lead.pk}", {"title": "过期的修改", "version": read["version"]})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    lead.refresh_from_db()
    assert lead.title == "第一次修改"
    assert not Event.objects.filter(subject_id=str(lead.pk), event_type="leads.lead.updated", payload__changes__title__1="过期的修改").exists()


def test_patch_without_version_still_saves(api, users, rules, lines, capture):
    lead = capture(customer_name="版本测试公司", contact_phone="13800138000")
    response = api(users.marketing).patch(f"/leads/{lead.pk}", {"title": "不带版本"})
    assert response.status_code == 200
    assert response.json()["title"] == "不带版本"
