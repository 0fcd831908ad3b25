import pytest

from m2c.core.models import ApiToken, Event
from m2c.customers.models import Contact, Customer
from tests.factories import ContactFactory, CustomerFactory, OrgUnitFactory

HUAWEI = "914403001922038216"


@pytest.fixture
def east_customers(org, users):
    return [
        CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai, ar_owner=users.ar, tier="named"),
        CustomerFactory(legal_name="上海华信燃气有限公司", normalized_name="上海华信燃气", org_unit=org.shanghai, industry="energy"),
        CustomerFactory(legal_name="杭州华信物流有限公司", normalized_name="杭州华信物流", org_unit=org.east, industry="transport"),
    ]


@pytest.fixture
def north_customer(org):
    return CustomerFactory(legal_name="北京燕园大学", normalized_name="北京燕园大学", org_unit=org.beijing)


def _names(response):
    return [c["legal_name"] for c in response.json()["items"]]


def test_list_is_paginated_and_counted(api, east_customers, north_customer):
    response = api().get("/customers", {"page_size": 2})
    body = response.json()
    assert response.status_code == 200
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (4, 1, 2, 2)
    assert len(body["items"]) == 2
    page2 = api().get("/customers", {"page_size": 2, "page": 2}).json()
    assert len(page2["items"]) == 2
    assert not set(_names(response)) & {c["legal_name"] for c in page2["items"]}


def test_search_matches_a_name_fragment_in_any_width_or_case(api, east_customers):
    assert sorted(_names(api().get("/customers", {"search": "华信"}))) == ["上海华信燃气有限公司", "杭州华信物流有限公司"]
    assert _names(api().get("/customers", {"search": "申 江"})) == ["申江大学"]


def test_search_matches_a_credit_code_prefix(api, users, org):
    CustomerFactory(legal_name="华为技术有限公司", normalized_name="华为技术", credit_code=HUAWEI, org_unit=org.shanghai)
    assert _names(api().get("/customers", {"search": "91440300"})) == ["华为技术有限公司"]


def test_filters_combine(api, east_customers, north_customer):
    assert _names(api().get("/customers", {"org_unit": "north"})) == ["北京燕园大学"]
    assert len(_names(api().get("/customers", {"org_unit": "east"}))) == 3
    assert _names(api().get("/customers", {"tier": "named"})) == ["申江大学"]
    assert _names(api().get("/customers", {"industry": "energy", "org_unit": "east"})) == ["上海华信燃气有限公司"]
    assert _names(api().get("/customers", {"ar_owner": "ar.li"})) == ["申江大学"]


def test_a_user_of_another_region_sees_nothing(api, users, east_customers, north_customer):
    north = api(users.ar_north)
    assert _names(north.get("/customers")) == ["北京燕园大学"]
    assert north.get(f"/customers/{east_customers[0].pk}").status_code == 404
    assert north.get(f"/customers/{east_customers[0].pk}/contacts").status_code == 404
    assert north.get(f"/customers/{east_customers[0].pk}/events").status_code == 404
    contact = ContactFactory(customer=east_customers[0])
    assert north.get(f"/contacts/{contact.pk}").status_code == 404
    assert north.patch(f"/customers/{east_customers[0].pk}", {"city": "x"}).status_code == 404


def test_a_partner_user_sees_no_customers(api, users, east_customers):
    assert api(users.partner).get("/customers").json()["count"] == 0


def test_an_executive_sees_every_region(api, users, east_customers, north_customer):
    assert api(users.executive).get("/customers").json()["count"] == 4


def test_detail_returns_money_as_decimal_strings(api, east_customers):
    body = api().get(f"/customers/{east_customers[0].pk}").json()
    assert body["legal_name"] == "申江大学"
    assert body["credit_limit"] == {"amount": "0.0000", "currency": "CNY"}
    assert body["org_unit"]["code"] == "ro-shanghai"
    assert body["ar_owner"]["username"] == "ar.li"


def test_create_returns_201_and_the_record(api, users, org):
    response = api(users.marketing).post(
        "/customers", {"legal_name": "华为技术有限公司", "credit_code": HUAWEI, "org_unit": "ro-shanghai", "industry": "manufacturing"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["normalized_name"] == "华为技术"
    assert Customer.objects.get(pk=body["id"]).created_by == users.marketing


def test_create_of_an_existing_customer_is_409_with_a_pointer(api, users, org):
    first = api(users.marketing).post("/customers", {"legal_name": "华为技术有限公司", "credit_code": HUAWEI}).json()
    response = api(users.marketing).post("/customers", {"legal_name": "华为技术股份有限公司"})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "customer_exists"
    assert problem["existing_id"] == first["id"]
    assert problem["errors"] == [{"field": "legal_name", "reason": problem["detail"]}]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"legal_name": ""}, "legal_name"),
        ({}, "legal_name"),
        ({"legal_name": "x" * 300}, "legal_name"),
        ({"legal_name": "某公司", "credit_code": "914403001922038217"}, "credit_code"),
        ({"legal_name": "某公司", "credit_limit": 1.5}, "credit_limit"),
        ({"legal_name": "某公司", "industry": "mining"}, "industry"),
        ({"legal_name": "某公司", "org_unit": "nowhere"}, "org_unit"),
        ({"legal_name": "某公司", "customer_group": "ro-shanghai"}, "customer_group"),
        ({"legal_name": "某公司", "ar_owner": "nobody"}, "ar_owner"),
        ({"legal_name": "某公司", "country": "China"}, "country"),
        ({"legal_name": "某公司", "color": "red"}, "color"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(api, users, org, payload, field):
    response = api().post("/customers", payload)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert field in [e["field"] for e in problem["errors"]]
    assert problem["status"] == 422
    assert Customer.objects.count() == 0


def test_malformed_json_is_a_problem_not_a_crash(api, users):
    response = api().client.post("/api/v1/customers", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_patch_changes_only_what_is_sent(api, users, east_customers):
    customer = east_customers[1]
    response = api(users.marketing).patch(f"/customers/{customer.pk}", {"city": "上海", "version": 1})
    assert response.status_code == 200
    assert response.json()["city"] == "上海"
    assert response.json()["industry"] == "energy"
    assert response.json()["version"] == 2
    stale = api(users.marketing).patch(f"/customers/{customer.pk}", {"city": "苏州", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"


def test_patch_of_credit_fields_needs_finance(api, users, east_customers):
    customer = east_customers[0]
    denied = api(users.marketing).patch(f"/customers/{customer.pk}", {"credit_limit": "1000000"})
    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"
    allowed = api(users.finance).patch(f"/customers/{customer.pk}", {"credit_limit": "1000000.50", "credit_hold": True})
    assert allowed.status_code == 200
    assert allowed.json()["credit_limit"]["amount"] == "1000000.5000"


def test_events_endpoint_shows_the_timeline(api, users, org):
    created = api(users.marketing).post("/customers", {"legal_name": "申江大学", "org_unit": "ro-shanghai"}).json()
    api(users.marketing).patch(f"/customers/{created['id']}", {"tier": "named"})
    events = api(users.marketing).get(f"/customers/{created['id']}/events").json()
    assert [e["event_type"] for e in events] == ["customers.customer.created", "customers.customer.updated"]
    assert events[1]["payload"]["changes"] == {"tier": ["general", "named"]}


def test_contacts_crud(api, users, east_customers):
    customer = east_customers[0]
    created = api(users.ar).post(
        f"/customers/{customer.pk}/contacts",
        {"name": "王主任", "title": "信息中心主任", "decision_role": "decision_maker", "phone": "021-6123 4567"},
    )
    assert created.status_code == 201, created.content
    contact = created.json()
    assert contact["phone"] == "+862161234567"
    listed = api(users.ar).get(f"/customers/{customer.pk}/contacts").json()
    assert [c["name"] for c in listed] == ["王主任"]
    assert api(users.ar).get(f"/contacts/{contact['id']}").json()["title"] == "信息中心主任"
    patched = api(users.ar).patch(f"/contacts/{contact['id']}", {"email": "Wang@SJU.edu.cn", "active": False})
    assert patched.json()["email"] == "wang@sju.edu.cn"
    assert patched.json()["active"] is False
    bad = api(users.ar).post(f"/customers/{customer.pk}/contacts", {"name": "x", "phone": "12"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "phone"
    assert Contact.objects.count() == 1


def test_unknown_ids_are_404_problems(api, users, org):
    response = api().get("/customers/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api().get("/customers/not-a-uuid").status_code == 422


def test_no_credentials_is_401(client, db):
    response = client.get("/api/v1/customers")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_lifecycle(api, users):
    me = api(users.ar)
    created = me.post("/tokens", {"name": "crm sync"})
    assert created.status_code == 201
    clear = created.json()["token"]
    assert clear.startswith("m2c_")
    stored = ApiToken.objects.get(pk=created.json()["id"])
    assert clear not in (stored.key_hash, stored.prefix)
    from django.test import Client

    other = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert other.get("/api/v1/me").json()["username"] == "ar.li"
    assert {t["name"] for t in me.get("/tokens").json()} == {"tests", "crm sync"}
    revoked = me.post(f"/tokens/{stored.pk}/revoke")
    assert revoked.json()["revoked_at"] is not None
    assert other.get("/api/v1/me").status_code == 401
    assert Event.objects.filter(event_type="core.apitoken.revoked").count() == 1


def test_cannot_revoke_someone_elses_token(api, users):
    theirs = api(users.marketing).post("/tokens", {"name": "theirs"}).json()
    assert api(users.ar).post(f"/tokens/{theirs['id']}/revoke").status_code == 404


def test_session_auth_needs_csrf_for_writes(client, users, org):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users.marketing)
    assert strict.get("/api/v1/customers").status_code == 200
    refused = strict.post("/api/v1/customers", data={"legal_name": "x"}, content_type="application/json")
    assert refused.status_code == 403
    strict.get("/customers/")  # sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    accepted = strict.post(
        "/api/v1/customers", data={"legal_name": "某某科技有限公司"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201


def test_reference_endpoints(api, users, org, lines):
    assert {u["code"] for u in api().get("/org-units", {"type": "region"}).json()} == {"east", "north"}
    assert {o["code"] for o in api().get("/offering-lines").json()} == {"campus", "wlan", "dc"}
    assert "CNY" in {c["code"] for c in api().get("/currencies").json()}
    assert api().get("/fx-rates").status_code == 200
    me = api(users.ar).get("/me").json()
    assert me["roles"] == ["ar"]
    assert me["org_unit"]["code"] == "ro-shanghai"


def test_openapi_document_and_docs_page(client, db):
    document = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/customers" in document["paths"]
    # The copy the API tests read (built once, tests/api/document.py) is the document the app serves.
    from tests.api.document import openapi_document

    assert document == openapi_document()
    assert {"get", "post"} <= set(document["paths"]["/api/v1/customers"])
    assert client.get("/api/v1/docs").status_code == 200


def test_a_campaign_center_member_sees_its_region(api, org, east_customers, north_customer):
    from m2c.core.models import OrgUnit
    from tests.factories import UserFactory

    center = OrgUnitFactory(code="east-campaign", type=OrgUnit.Type.CAMPAIGN_CENTER, parent=org.east)
    member = UserFactory(username="mkt.center", roles=["marketing"], org_unit=center)
    assert api(member).get("/customers").json()["count"] == 3


def test_a_customer_group_team_sees_its_group(api, org, east_customers, north_customer):
    from tests.factories import UserFactory

    north_customer.customer_group = org.education
    north_customer.save()
    member = UserFactory(username="edu.ar", roles=["ar"], org_unit=org.education)
    assert _names(api(member).get("/customers")) == ["北京燕园大学"]


def test_a_broad_search_counts_up_to_the_limit(api, org, monkeypatch):
    from m2c.customers import api as customers_api

    monkeypatch.setattr(customers_api, "SEARCH_COUNT_LIMIT", 5)
    for n in range(5):
        CustomerFactory(legal_name=f"申江{n}号有限公司", normalized_name=f"申江{n}号", org_unit=org.shanghai)
    assert api().get("/customers", {"search": "申江", "page_size": 2}).json()["count_exact"] is True
    for n in range(8):
        CustomerFactory(legal_name=f"华信{n}号有限公司", normalized_name=f"华信{n}号", org_unit=org.shanghai)
    body = api().get("/customers", {"search": "华信", "page_size": 2}).json()
    assert (body["count"], body["count_exact"]) == (5, False)
    exact = api().get("/customers", {"search": "华信3"}).json()
    assert (exact["count"], exact["count_exact"]) == (1, True)
    unfiltered = api().get("/customers", {"page_size": 2}).json()
    assert (unfiltered["count"], unfiltered["count_exact"]) == (13, True)


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("华", ["上海华信燃气有限公司", "杭州华信物流有限公司"]),  # one character: no bigram, plain scan
        ("华信", ["上海华信燃气有限公司", "杭州华信物流有限公司"]),
        ("华信燃气", ["上海华信燃气有限公司"]),
        ("信燃", ["上海华信燃气有限公司"]),
        ("燃气物流", []),  # both bigrams exist, but not together
        ("申江大学", ["申江大学"]),
    ],
)
def test_search_by_fragment_uses_the_name_index_and_stays_exact(api, users, org, fragment, expected):
    from m2c.customers.services import customer_create

    for name in ("申江大学", "上海华信燃气有限公司", "杭州华信物流有限公司"):
        customer_create(actor=users.admin, legal_name=name, org_unit=org.shanghai)
    assert sorted(_names(api().get("/customers", {"search": fragment}))) == expected


def test_a_renamed_customer_is_found_by_its_new_name(api, users, org):
    from m2c.customers.services import customer_create, customer_update

    customer = customer_create(actor=users.admin, legal_name="申江大学", org_unit=org.shanghai)
    customer_update(customer=customer, actor=users.admin, legal_name="浦江理工大学")
    assert _names(api().get("/customers", {"search": "浦江"})) == ["浦江理工大学"]
    assert _names(api().get("/customers", {"search": "申江"})) == []


def test_nul_characters_are_refused_everywhere(api, users, org, client):
    created = api().post("/customers", {"legal_name": "某\x00公司"})
    assert created.status_code == 422
    assert "legal_name" in created.json()["detail"]
    searched = api().get("/customers", {"search": "华\x00信"})
    assert searched.status_code == 400
    assert searched.json()["code"] == "nul_character"
    client.force_login(users.marketing)
    assert client.post("/customers/new/", {"legal_name": "x\x00"}).status_code == 400
    assert Customer.objects.count() == 0
