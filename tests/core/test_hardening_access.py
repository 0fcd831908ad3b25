"""Access gaps closed (issue 14, item 10): moving customers between org units, campaign-center marketers
and their region's leads, the campaign results page, and the public form's campaign tags."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client

from m2c.core.models import Event, OrgUnit, Role
from m2c.customers.models import Customer
from m2c.leads.models import Lead
from tests.factories import CustomerFactory, OrgUnitFactory, UserFactory
from tests.leads.conftest import capture, roadshow, rules  # noqa: F401  (fixtures)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_ar_cannot_move_a_customer_out_of_their_scope_and_nothing_changes(api, org, users):
    customer = CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai, ar_owner=users.ar)
    client = api(users.ar)
    events = Event.objects.count()
    response = client.patch(f"/customers/{customer.pk}", {"org_unit": "ro-beijing"})
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "org_unit"
    customer.refresh_from_db()
    assert (customer.org_unit, customer.version, Event.objects.count()) == (org.shanghai, 1, events)
    # Nor out of every unit.
    assert api(users.ar).patch(f"/customers/{customer.pk}", {"org_unit": None}).status_code == 403
    assert Customer.objects.get(pk=customer.pk).org_unit == org.shanghai


def test_a_move_inside_the_scope_answers_with_the_moved_customer(api, org, users):
    customer = CustomerFactory(legal_name="杭州华信物流有限公司", normalized_name="杭州华信物流", org_unit=org.east)
    # Marketing of East China may move the customer to an office below its region…
    response = api(users.marketing).patch(f"/customers/{customer.pk}", {"org_unit": "ro-shanghai"})
    assert response.status_code == 200 and response.json()["org_unit"]["code"] == "ro-shanghai"
    # …but not to another region; an administrator may move it anywhere.
    assert api(users.marketing).patch(f"/customers/{customer.pk}", {"org_unit": "north"}).status_code == 403
    response = api(users.admin).patch(f"/customers/{customer.pk}", {"org_unit": "ro-beijing"})
    assert response.status_code == 200 and response.json()["org_unit"]["code"] == "ro-beijing"
    assert Customer.objects.get(pk=customer.pk).org_unit == org.beijing


def test_the_web_form_refuses_a_move_out_of_scope_with_a_message(org, users):
    customer = CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai, ar_owner=users.ar)
    client = _client(users.ar)
    page = client.get(f"/customers/{customer.pk}/edit/")
    assert page.status_code == 200
    data = {"legal_name": customer.legal_name, "country": "CN", "industry": "education", "tier": "general",
            "org_unit": str(org.beijing.pk), "version": str(customer.version), "credit_currency": "CNY",
            "credit_limit": "0", "credit_rating": "unrated", "compliance_status": "ok"}
    response = client.post(f"/customers/{customer.pk}/edit/", data)
    assert response.status_code in (200, 422)
    assert Customer.objects.get(pk=customer.pk).org_unit == org.shanghai


def test_a_campaign_center_marketer_sees_the_leads_of_its_region(org, users, capture):  # noqa: F811
    center = OrgUnitFactory(code="east-campaign", type=OrgUnit.Type.CAMPAIGN_CENTER, parent=org.east)
    marketer = UserFactory(username="mkt.center", roles=[Role.MARKETING], org_unit=center)
    lead = capture(customer_name="申江大学", contact_phone="13800138000", region="ro-shanghai")
    north = capture(customer_name="北京燕园大学", contact_phone="13900139000", region="north")
    client = _client(marketer)
    listing = client.get("/leads/").content.decode()
    assert "申江大学" in listing and "北京燕园大学" not in listing
    assert client.get(f"/leads/{lead.pk}/").status_code == 200
    assert client.get(f"/leads/{north.pk}/").status_code == 404


def test_the_campaign_results_page_is_for_marketing_and_readers_of_everything(users, roadshow):  # noqa: F811
    url = f"/leads/campaigns/{roadshow.code}/"
    for user in (users.partner, users.ar, users.sr, users.finance):
        assert _client(user).get(url).status_code == 404, user.username
    for user in (users.marketing, users.executive, users.admin):
        assert _client(user).get(url).status_code == 200, user.username


def test_the_public_form_caps_campaign_tags_as_the_api_does(db, roadshow, rules, lines):  # noqa: F811
    cache.clear()
    tags = {f"utm_tag{i}": "x" * 500 for i in range(30)}
    tags["utm_" + "k" * 60] = "long key"
    client = Client()
    page = client.get(f"/leads/form/{roadshow.code}/", tags).content.decode()
    assert page.count('type="hidden" name="utm_') == 10 and "x" * 201 not in page and "k" * 60 not in page
    form = {"customer_name": "申江大学", "contact_name": "王老师", "contact_email": "wang@shenjiang.edu.cn",
            "offering_lines": ["campus"], "consent": "on", **tags}
    assert client.post(f"/leads/form/{roadshow.code}/", form).status_code == 302
    utm = Lead.objects.get().utm
    assert len(utm) == 10 and all(len(k) <= 40 and len(v) <= 200 for k, v in utm.items())
