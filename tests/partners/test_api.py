"""The partners API: commands, the neutral refusal for the partner and the holder for the channel manager,
and partner users confined to their own partner."""

from __future__ import annotations

import pytest
from django.utils import timezone

from m2c.leads.models import Lead
from m2c.partners.models import LeadOffer

pytestmark = pytest.mark.django_db


def _body(channel, **extra):
    return {"customer_name": "上海市第一人民医院", "project_name": "核心交换机更新", "offering_line": "campus",
            "budget": "3000000.00", "decision_chain": "信息中心 → 院长办公会",
            "implementation_date": str(timezone.localdate()), **extra}


def test_registration_through_the_api_conflict_and_review(channel, api):
    p1, p2, cm = api(channel.p1_user), api(channel.p2_user), api(channel.cm)
    first = p1.post("/registrations", _body(channel))
    assert first.status_code == 201, first.json()
    assert first.json()["status"] == "UNDER_REVIEW" and first.json()["partner"]["code"] == "p1"
    second = p2.post("/registrations", _body(channel, customer_name="上海第一人民医院"))
    assert second.status_code == 201
    refused = second.json()
    assert refused["status"] == "REJECTED" and refused["conflict_with"] is None
    assert "金牌" not in str(refused) and "p1" not in str(refused["refusal"])
    seen_by_manager = cm.get(f"/registrations/{refused['id']}").json()
    assert seen_by_manager["conflict_with"]["name"].startswith(channel.p1.legal_name)
    # The partner user cannot approve; the channel manager can, and converts.
    reg_id = first.json()["id"]
    assert p1.post(f"/registrations/{reg_id}/approve", {}).status_code == 403
    approved = cm.post(f"/registrations/{reg_id}/approve", {})
    assert approved.status_code == 200 and approved.json()["status"] == "APPROVED"
    assert cm.post(f"/registrations/{reg_id}/approve", {}).status_code == 409
    assert p1.post(f"/registrations/{reg_id}/extend", {"evidence": "POC 完成"}).json()["extension_used"] is True
    converted = cm.post(f"/registrations/{reg_id}/convert")
    assert converted.status_code == 200 and converted.json()["opportunity"]


def test_partner_users_see_only_their_own_partner(channel, api):
    p1, p2 = api(channel.p1_user), api(channel.p2_user)
    reg = p1.post("/registrations", _body(channel)).json()
    assert [p["code"] for p in p2.get("/partners").json()["items"]] == ["p2"]
    assert p2.get(f"/partners/{channel.p1.pk}").status_code == 404
    assert p2.get(f"/partners/{channel.p1.pk}/staff").status_code == 404
    assert p2.get(f"/registrations/{reg['id']}").status_code == 404
    assert p2.get("/registrations").json()["items"] == []
    assert p2.post(f"/registrations/{reg['id']}/cancel", {"reason": "x"}).status_code == 404
    assert p2.post("/registrations", _body(channel, partner=str(channel.p1.pk))).status_code == 403
    assert p2.get("/partner-coverage").status_code == 403


def test_bad_input_names_the_field(channel, api):
    response = api(channel.p1_user).post("/registrations", _body(channel, offering_line="nope"))
    assert response.status_code == 422 and "offering_line" in str(response.json())
    response = api(channel.p1_user).post("/registrations", _body(channel, project_name=" "))
    assert response.status_code == 422 and "project_name" in str(response.json())


def test_lead_offers_accept_return_and_the_3_working_day_sweep(channel, api, users):
    lead = Lead.objects.create(title="医院无线覆盖", raw_customer_name="上海市第一人民医院", owner=users.ar)
    lead.offering_lines.set([channel.campus])
    made = api(users.admin).post("/lead-offers", {"lead": str(lead.pk), "partner": str(channel.p1.pk)})
    assert made.status_code == 201, made.json()
    offer_id = made.json()["id"]
    assert api(channel.p2_user).post(f"/lead-offers/{offer_id}/accept").status_code == 404
    assert api(channel.p1_user).get("/lead-offers").json()["items"][0]["lead_title"] == "医院无线覆盖"
    accepted = api(channel.p1_user).post(f"/lead-offers/{offer_id}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "ACCEPTED"
    # A second lead nobody answers goes back after 3 working days.
    other = Lead.objects.create(title="门诊楼网络", raw_customer_name="上海市第一人民医院", owner=users.ar)
    other.offering_lines.set([channel.campus])
    api(users.admin).post("/lead-offers", {"lead": str(other.pk), "partner": str(channel.p2.pk)})
    from m2c.partners import services

    offer = LeadOffer.objects.get(lead=other)
    assert services.offer_sweep(offer.due_at) == 0
    assert services.offer_sweep(offer.due_at + timezone.timedelta(seconds=1)) == 1
    offer.refresh_from_db()
    assert offer.status == "AUTO_RETURNED"


def test_a_lead_goes_only_to_a_partner_certified_for_its_line(channel, api, users, lines):
    lead = Lead.objects.create(title="数据中心", raw_customer_name="上海市第一人民医院", owner=users.ar)
    lead.offering_lines.set([lines.dc])
    refused = api(users.admin).post("/lead-offers", {"lead": str(lead.pk), "partner": str(channel.p1.pk)})
    assert refused.status_code == 422 and refused.json()["code"] == "partner_not_certified"
