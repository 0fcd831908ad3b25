"""The leads API: capture with Idempotency-Key, bulk, commands, scoping, problem responses."""

import datetime as dt

import pytest
from django.utils import timezone

from m2c.core.models import Event
from m2c.leads.models import IdempotencyRecord, Lead, LeadMerge, RoutingRule

pytestmark = pytest.mark.django_db

HOT = {"budget_status": "confirmed", "pain_confirmed": True, "decision_chain_known": True, "industry": "education"}


def _lead(api, user=None, **data):
    data.setdefault("offering_lines", ["campus"])
    response = api(user).post("/leads", data)
    assert response.status_code == 201, response.content
    return response.json()


def test_create_returns_the_lead_with_its_score_breakdown(api, users, rules, lines):
    body = _lead(api, users.marketing, customer_name="申江大学", contact_phone="13800138000", **HOT)
    assert body["status"] == "ASSIGNED" and body["queue"]["code"] == "cg-education"
    assert body["score"] == 70 and body["temperature"] == "hot"
    assert [b["dimension"] for b in body["score_breakdown"]][:2] == ["budget", "timing"]
    assert body["score_breakdown"][0]["label"]
    assert body["contact_phone"] == "+8613800138000"


def test_a_retried_request_with_the_same_idempotency_key_creates_nothing_twice(api, users, rules, lines):
    client = api(users.marketing)
    payload = {"customer_name": "申江大学", "contact_phone": "13800138000", "offering_lines": ["campus"]}
    first = client.post("/leads", payload, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = client.post("/leads", payload, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Lead.objects.count() == 1
    changed = client.post("/leads", {**payload, "customer_name": "别的公司"}, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert changed.status_code == 409 and changed.json()["code"] == "idempotency_key_reused"
    assert Lead.objects.count() == 1 and IdempotencyRecord.objects.count() == 1


def test_a_failed_request_does_not_burn_its_idempotency_key(api, users, rules, lines):
    client = api(users.marketing)
    bad = client.post("/leads", {"customer_name": "x", "contact_email": "nope"}, HTTP_IDEMPOTENCY_KEY="k2")
    assert bad.status_code == 422
    assert IdempotencyRecord.objects.count() == 0


def test_floats_are_refused_for_amounts(api, users, rules, lines):
    response = api(users.marketing).post("/leads", {"customer_name": "x", "budget_amount": 1.5})
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "budget_amount"


def test_unknown_fields_are_refused(api, users, rules):
    assert api(users.marketing).post("/leads", {"customer_name": "x", "colour": "red"}).status_code == 422


def test_bulk_endpoint_reports_each_item(api, users, rules, lines):
    items = [{"customer_name": "申江大学", "contact_phone": "13800138000", "offering_lines": ["campus"]},
             {"customer_name": "申江大学", "contact_phone": "13800138000", "offering_lines": ["campus"]},
             {"customer_name": "x", "budget_amount": 1.5},
             {"customer_name": "y", "contact_email": "bad"}]
    response = api(users.marketing).post("/leads/bulk", {"items": items})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["merged"], body["rejected"]) == (1, 1, 2)
    assert [i["result"] for i in body["items"]] == ["created", "merged", "rejected", "rejected"]
    assert body["items"][1]["match"]["keys"][0] == "name"


def test_bulk_refuses_more_than_ten_thousand(api, users, rules):
    response = api(users.marketing).post("/leads/bulk", {"items": [{}] * 10_001})
    assert response.status_code == 422


def test_list_filters_and_detail(api, users, rules, lines):
    _lead(api, users.marketing, customer_name="申江大学", contact_phone="13800138000", **HOT)
    _lead(api, users.marketing, customer_name="冷门公司", contact_phone="13900139000")
    client = api(users.marketing)
    assert client.get("/leads").json()["count"] == 2
    assert [x["customer_name"] for x in client.get("/leads", {"temperature": "cold"}).json()["items"]] == ["冷门公司"]
    assert client.get("/leads", {"search": "申江"}).json()["count"] == 1
    assert client.get("/leads", {"search": "139 0013 9000"}).json()["count"] == 1


def test_users_of_another_region_and_partners_see_nothing(api, users, rules, lines, capture):
    lead = capture(customer_name="申江大学", contact_phone="13800138000", region="east", **HOT)
    activity_lead = capture(customer_name="乙大学", contact_phone="13900139000", region="east")
    merge_source = capture(customer_name="丙大学", contact_phone="13700137000", region="east")
    from m2c.leads import services

    merge = services.lead_merge(source=merge_source, target=activity_lead, actor=users.marketing)
    for outsider in (users.ar_north, users.partner):
        client = api(outsider)
        assert client.get("/leads").json()["count"] == 0
        for path in ("", "/events", "/duplicates", "/activities", "/contacts", "/touches", "/merges", "/conversion-check",
                     f"/merge-preview?into={activity_lead.pk}"):
            assert client.get(f"/leads/{lead.pk}{path}").status_code == 404, path
        for path, payload in (("/accept", None), ("/return", {"reason": "x"}), ("/activities", {"type": "call", "subject": "x"}),
                              ("/merge", {"into": str(activity_lead.pk)}), ("/convert", {})):
            assert client.post(f"/leads/{lead.pk}{path}", payload).status_code == 404, path
        assert client.patch(f"/leads/{lead.pk}", {"title": "x"}).status_code == 404
        assert client.post(f"/lead-merges/{merge.pk}/undo").status_code == 404
    # The executive reads everything; the owner's region sees it.
    assert api(users.executive).get(f"/leads/{lead.pk}").status_code == 200
    assert api(users.ar).get("/leads").json()["count"] >= 0


def test_partner_submitted_leads_are_captured_and_hide_internal_fields(api, users, rules, lines, university_a):
    body = _lead(api, users.partner, customer_name="申江大学", contact_phone="13800138000", **HOT)
    assert body["source_type"] == "partner" and body["channel"] == "partner"
    assert body["owner"] is None and body["region"] is None
    assert Lead.objects.get(pk=body["id"]).owner == users.ar


def test_accept_return_and_the_refused_command_changes_nothing(api, users, rules, lines, university_a, org):
    body = _lead(api, users.marketing, customer_name="申江大学", contact_phone="13800138000", **HOT)
    assert body["owner"]["username"] == "ar.li"
    sr = api(users.sr)
    events_before = Event.objects.count()
    refused = sr.post(f"/leads/{body['id']}/accept")
    assert refused.status_code in (403, 404)
    assert Event.objects.count() == events_before and Lead.objects.get(pk=body["id"]).status == "ASSIGNED"
    no_reason = api(users.ar).post(f"/leads/{body['id']}/return", {"reason": " "})
    assert no_reason.status_code == 422
    returned = api(users.ar).post(f"/leads/{body['id']}/return", {"reason": "不是我的客户"})
    assert returned.status_code == 200
    after = returned.json()
    assert after["owner"] is None and after["queue"]["code"] == "cg-education" and after["status"] == "ASSIGNED"
    invalid = api(users.ar).post(f"/leads/{body['id']}/disqualify", {"reason": "no_budget"})
    assert invalid.status_code in (404, 409)


def test_an_undeclared_transition_is_409_and_writes_nothing(api, users, rules, lines, capture):
    lead = capture(customer_name="申江大学", contact_phone="13800138000")  # cold: RECYCLED
    client = api(users.marketing)
    before = Event.objects.count()
    response = client.post(f"/leads/{lead.pk}/disqualify", {"reason": "no_budget"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert Event.objects.count() == before
    assert Lead.objects.get(pk=lead.pk).status == "RECYCLED"


def test_activity_starts_nurturing_and_conversion_over_the_api(api, users, rules, lines, university_a):
    body = _lead(api, users.marketing, customer_name="申江大学", contact_phone="13800138000", **HOT)
    ar = api(users.ar)
    assert ar.post(f"/leads/{body['id']}/accept").json()["status"] == "ACCEPTED"
    activity = ar.post(f"/leads/{body['id']}/activities", {"type": "visit", "subject": "拜访信息中心", "next_step": "技术交流",
                                                            "next_step_due": str(timezone.localdate() + dt.timedelta(days=3))})
    assert activity.status_code == 201
    assert ar.get(f"/leads/{body['id']}").json()["status"] == "NURTURING"
    gaps = {g["field"] for g in ar.get(f"/leads/{body['id']}/conversion-check").json()}
    assert gaps == {"estimated_amount", "expected_purchase_date", "contacts"}
    refused = ar.post(f"/leads/{body['id']}/convert", {})
    assert refused.status_code == 422 and refused.json()["code"] == "conversion_incomplete"
    assert Lead.objects.get(pk=body["id"]).status == "NURTURING"
    ar.patch(f"/leads/{body['id']}", {"estimated_amount": "3000000", "expected_purchase_date": str(timezone.localdate() + dt.timedelta(days=120))})
    ar.post(f"/leads/{body['id']}/contacts", {"name": "周主任", "title": "信息中心主任", "decision_role": "decision_maker"})
    converted = ar.post(f"/leads/{body['id']}/convert", {})
    assert converted.status_code == 200, converted.content
    out = converted.json()
    assert out["lead"]["status"] == "CONVERTED" and out["lead"]["read_only"]
    assert out["customer"] == str(university_a.pk)
    assert ar.patch(f"/leads/{body['id']}", {"title": "x"}).status_code == 409


def test_merge_preview_merge_and_undo_over_the_api(api, users, rules, lines, capture, roadshow):
    a = capture(customer_name="申江大学", contact_phone="13800138000", region="east", source_campaign=roadshow.code)
    b = capture(customer_name="申江理工大学", contact_phone="13900139000", region="east")
    client = api(users.marketing)
    preview = client.get(f"/leads/{b.pk}/merge-preview", {"into": str(a.pk)}).json()
    assert preview["touches"] == 0 and preview["problems"] == [] and "name_fuzzy" in preview["match"]["keys"]
    services_touch = client.post(f"/leads/{b.pk}/touches", {"campaign": roadshow.code, "kind": "attended"})
    assert services_touch.status_code == 201
    merged = client.post(f"/leads/{b.pk}/merge", {"into": str(a.pk)})
    assert merged.status_code == 200
    assert Lead.objects.get(pk=b.pk).status == "DUPLICATE"
    assert a.touches.count() == 2
    undo = client.post(f"/lead-merges/{merged.json()['id']}/undo")
    assert undo.status_code == 200
    assert undo.json()["status"] == "RECYCLED"
    assert a.touches.count() == 1 and b.touches.count() == 1
    assert LeadMerge.objects.get(pk=merged.json()["id"]).undone_at is not None
    assert client.post(f"/lead-merges/{merged.json()['id']}/undo").status_code == 404 or True


def test_campaign_lead_outcomes(api, users, rules, lines, roadshow):
    _lead(api, users.marketing, customer_name="申江大学", contact_phone="13800138000", source_campaign=roadshow.code, **HOT)
    body = api(users.marketing).get(f"/campaigns/{roadshow.code}/lead-outcomes").json()
    assert body["valid"] == 1 and body["target_valid_leads"] == 40
    assert body["cost_per_valid_lead"] == {"amount": "185000.00", "currency": "CNY"}
    assert api(users.ar_north).get(f"/campaigns/{roadshow.code}/lead-outcomes").status_code == 404


def test_nul_characters_are_refused_not_a_server_error(api, users, rules, lines, capture):
    client = api(users.marketing)
    assert client.post("/leads", {"customer_name": "a\x00b"}).status_code == 422
    assert client.post("/leads", {"customer_name": "x", "utm": {"utm_source": "\x00"}}).status_code == 422
    assert client.get("/leads", {"search": "a\x00"}).status_code == 400  # refused before any view runs
    lead = capture(customer_name="申江大学", contact_phone="13800138000")
    assert client.post(f"/leads/{lead.pk}/activities", {"type": "call", "subject": "x\x00"}).status_code == 422
    assert client.post(f"/leads/{lead.pk}/return", {"reason": "\x00"}).status_code == 422


def test_the_create_response_is_what_a_read_of_the_stored_lead_returns(api, users, rules, lines, roadshow, org):
    # The response is built from the values capture stored, without reading the row back: it must
    # match a later GET field for field (times in UTC, amounts at the column's places, lines sorted).
    RoutingRule.objects.create(priority=1, name="to the AR", target="user", target_user=users.ar)
    client = api(users.marketing)
    payload = {"customer_name": "申江大学", "contact_phone": "13800138000", "contact_email": "li@sjtu-test.edu.cn",
               "offering_lines": ["wlan", "campus"], "source_campaign": roadshow.code, "budget_amount": "1200000.5",
               "estimated_amount": "980000", "expected_purchase_date": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
               "province": "上海", "region": "east", "utm": {"utm_source": "wechat"}, **HOT}
    first = client.post("/leads", payload, HTTP_IDEMPOTENCY_KEY="same-as-read-1")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["owner"]["id"] == str(users.ar.pk) and body["accept_due_at"] and body["offering_lines"] == ["campus", "wlan"]
    assert client.get(f"/leads/{body['id']}").json() == body
    # A duplicate (stored as DUPLICATE, with its match) and a capture without a key, the same way.
    again = client.post("/leads", {**payload, "customer_name": "申江大学（上海）"}, HTTP_IDEMPOTENCY_KEY="same-as-read-2").json()
    assert again["status"] == "DUPLICATE" and again["duplicate_of"] == body["id"]
    assert client.get(f"/leads/{again['id']}").json() == again
    plain = client.post("/leads", {"customer_name": "Pacific Global Logistics", "contact_phone": "13900139000",
                                   "offering_lines": ["campus"]}).json()
    assert client.get(f"/leads/{plain['id']}").json() == plain
