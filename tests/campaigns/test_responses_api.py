"""The responses API: list with the overdue filter, record, the explicit convert command, invitations,
check-in and the funnel; other roles are refused."""

import datetime as dt

import pytest
from django.utils import timezone

from m2c.campaigns.models import CampaignResponse, Invitation
from m2c.campaigns.services.registrations import registration_create

pytestmark = pytest.mark.django_db


def test_record_list_and_convert_a_response(event, users, api):
    client = api(users.marketing)
    made = client.post("/responses", {"campaign": str(event.pk), "type": "meeting_request", "name": "赵强",
                                      "company": "东海医院", "phone": "13900139000",
                                      "responded_at": (timezone.now() - dt.timedelta(days=9)).isoformat()})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "PENDING" and body["overdue"] is True and body["lead"] is None
    listed = client.get("/responses", {"overdue": "true"}).json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]
    converted = client.post(f"/responses/{body['id']}/convert")
    assert converted.status_code == 200 and converted.json()["status"] == "CONVERTED" and converted.json()["lead"]
    assert client.post(f"/responses/{body['id']}/convert").status_code == 409
    assert client.get("/responses", {"overdue": "true"}).json()["items"] == []
    assert client.post("/responses", {"campaign": str(event.pk), "type": "dancing", "name": "x"}).status_code == 422
    # Other roles: an AR neither lists nor records nor converts.
    outsider = api(users.ar)
    assert outsider.get("/responses").status_code == 403
    assert outsider.get(f"/responses/{body['id']}").status_code == 403
    assert outsider.post(f"/responses/{body['id']}/convert").status_code == 403
    executive = api(users.executive)
    assert executive.get("/responses").json()["count"] == 1
    assert executive.post("/responses", {"campaign": str(event.pk), "type": "download", "name": "x"}).status_code == 403


def test_invitations_check_in_and_funnel(event, users, api):
    client = api(users.marketing)
    sent = client.post(f"/campaigns/{event.pk}/invitations", {"targets": [
        {"email": "li@example.com", "name": "Li Lei", "language": "en"}, {"email": "li@example.com"}]})
    assert sent.status_code == 201
    assert (sent.json()["invited"], sent.json()["skipped_already_invited"]) == (1, 1)
    assert [i["email"] for i in client.get(f"/campaigns/{event.pk}/invitations").json()] == ["li@example.com"]
    assert api(users.ar).post(f"/campaigns/{event.pk}/invitations", {"targets": [{"email": "x@example.com"}]}
                              ).status_code == 403
    assert Invitation.objects.count() == 1
    registration = registration_create(campaign=event, data={"name": "王芳", "company": "申江大学",
                                                             "email": "wang@example.com", "consent": True},
                                       language="zh-hans", evidence="test")
    first = client.post(f"/campaigns/{event.pk}/checkin", {"code": registration.code}).json()
    second = client.post(f"/campaigns/{event.pk}/checkin", {"code": registration.code}).json()
    assert first["first_scan"] is True and second["first_scan"] is False
    assert second["checked_in_at"] == first["checked_in_at"] and "already checked in" in second["message"]
    funnel = client.get(f"/campaigns/{event.pk}/responses/funnel").json()
    assert (funnel["responses"], funnel["leads"], funnel["by_type"]) == (2, 1, {"registration": 1, "attendance": 1})
    assert CampaignResponse.objects.filter(status="CONVERTED").count() == 2


def test_a_customers_journey_through_the_api_and_hidden_from_other_regions(users, org, api):
    from m2c.campaigns import services
    from tests.factories import CustomerFactory
    from tests.leads.factories import CampaignFactory

    customer = CustomerFactory(legal_name="申江大学", org_unit=org.shanghai)
    for stage, kind in (("awareness", "download"), ("decision", "meeting_request")):
        campaign = CampaignFactory(code=f"c-{stage}", journey_stage=stage)
        services.response_create(campaign=campaign, type=kind, source="api", data={"name": "王芳", "company": "申江大学"})
    body = api(users.marketing).get(f"/customers/{customer.pk}/journey").json()
    assert body["stage"] == "decision"
    assert [(m["from_stage"], m["to_stage"], m["campaign"]) for m in body["moves"]] == [
        ("", "awareness", "c-awareness"), ("awareness", "decision", "c-decision")]
    assert api(users.ar_north).get(f"/customers/{customer.pk}/journey").status_code in (403, 404)
