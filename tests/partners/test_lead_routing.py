"""Lead routing to partners (domain.md 3.4 rule 3, 8.4, 11.11): a routing rule may name a partner; the lead goes
there only where the partner is ACTIVE and certified for the lead's offering line, else the rule is skipped with
its reason on the lead's timeline. The partner finds the lead in its portal; a return sends it back to routing."""

from __future__ import annotations

import datetime as dt

import pytest

from m2c.core.errors import ValidationFailed
from m2c.core.models import Event
from m2c.leads import services as lead_services
from m2c.leads.models import Lead, RoutingRule
from m2c.partners import services
from m2c.partners.models import LeadOffer
from m2c.partners.states import CERTIFICATION_MACHINE
from tests.clients import zh_client as _zh
from tests.leads.conftest import capture, rules, territories  # noqa: F401 - fixtures reused

pytestmark = pytest.mark.django_db
WARM = {"budget_status": "confirmed", "pain_confirmed": True, "region": "east"}


def partner_rule(users, partner, **extra):
    return lead_services.routing_rule_create(actor=users.admin, name=f"伙伴 {partner.code}", priority=extra.pop("priority", 10),
                                             target="partner", target_partner_id=partner.pk, **extra)


def test_a_partner_rule_offers_the_lead_to_a_certified_partner_who_sees_it_in_the_portal(channel, users, capture, org):  # noqa: F811
    partner_rule(users, channel.p1, offering_line=channel.campus)
    lead = capture(customer_name="浦东新区人民医院", contact_phone="13800138001", **WARM)
    lead.refresh_from_db()
    assert lead.status == "ASSIGNED" and lead.owner_id is None and lead.queue_id is None and lead.accept_due_at is None
    offer = LeadOffer.objects.get(lead=lead)
    assert offer.partner == channel.p1 and offer.status == "OFFERED"
    captured = Event.objects.get(event_type="leads.lead.captured", subject_id=str(lead.pk))
    assert captured.payload["route"]["how"] == "partner" and captured.payload["route"]["partner"] == str(channel.p1.pk)
    # P1 sees it in its portal; P2 does not.
    assert "浦东新区人民医院" in _zh(channel.p1_user).get("/partners/leads/").content.decode()
    assert "浦东新区人民医院" not in _zh(channel.p2_user).get("/partners/leads/").content.decode()
    # P1 returns it: the lead goes back to routing and never to P1 again (here: the region's queue).
    services.offer_return(offer=offer, actor=channel.p1_user, reason="不在我方区域")
    lead.refresh_from_db()
    assert not LeadOffer.objects.filter(lead=lead, status="OFFERED").exists()
    assert str(channel.p1.pk) in lead.previous_owner_ids
    assert lead.status == "ASSIGNED" and lead.queue_id == org.east.pk and LeadOffer.objects.filter(lead=lead).count() == 1
    returned = Event.objects.filter(event_type="leads.lead.returned", subject_id=str(lead.pk)).get()
    assert returned.reason == "不在我方区域" and returned.payload["sla"] is False


def test_a_rule_to_an_uncertified_or_non_compliant_partner_is_skipped_with_its_reason(channel, users, lines, capture, org):  # noqa: F811
    # P2 is certified for Campus Network only: a Data Center lead may not go there.
    partner_rule(users, channel.p2, priority=5)
    RoutingRule.objects.create(priority=50, name="华东队列", target="queue", target_unit=org.east)
    dc_lead = capture(customer_name="临港数据中心", contact_phone="13800138002", offering_lines=["dc"], **WARM)
    dc_lead.refresh_from_db()
    assert not LeadOffer.objects.filter(lead=dc_lead).exists()
    assert dc_lead.status == "ASSIGNED" and dc_lead.queue_id == org.east.pk
    captured = Event.objects.get(event_type="leads.lead.captured", subject_id=str(dc_lead.pk))
    assert [s["code"] for s in captured.payload["routing_skipped"]] == ["partner_not_certified"]
    assert captured.payload["routing_skipped"][0]["partner"] == str(channel.p2.pk)

    # A NON_COMPLIANT certification blocks the campus lead too; the next rule takes it.
    cert = channel.p2.certifications.get()
    CERTIFICATION_MACHINE.apply(cert, "NON_COMPLIANT", held=True,
                                payload={"product_category": cert.product_category, "missing_roles": ["sales"]})
    campus_lead = capture(customer_name="闵行区中心医院", contact_phone="13800138003", **WARM)
    campus_lead.refresh_from_db()
    assert not LeadOffer.objects.filter(lead=campus_lead).exists() and campus_lead.queue_id == org.east.pk
    skipped = Event.objects.get(event_type="leads.lead.captured", subject_id=str(campus_lead.pk)).payload["routing_skipped"]
    assert [s["code"] for s in skipped] == ["partner_not_certified"]

    # A suspended partner is skipped as not active, also when a lead is routed again after a return.
    services.partner_suspend(partner=channel.p2, actor=channel.cm, reason="整改")
    lead_services.lead_return(lead=campus_lead, actor=users.admin, reason="重新分配")
    events = Event.objects.filter(event_type="leads.lead.routing_skipped", subject_id=str(campus_lead.pk))
    assert [s["code"] for s in events.get().payload["skipped"]] == ["partner_not_active"]
    assert not Lead.objects.filter(pk=campus_lead.pk, status="ASSIGNED", queue_id=None).exists()


def test_a_partner_rule_names_a_known_partner(channel, users):
    with pytest.raises(ValidationFailed) as missing:
        lead_services.routing_rule_create(actor=users.admin, name="伙伴", target="partner")
    assert [e["field"] for e in missing.value.errors] == ["target_partner_id"]
    with pytest.raises(ValidationFailed) as unknown:
        lead_services.routing_rule_create(actor=users.admin, name="伙伴", target="partner",
                                          target_partner_id="00000000-0000-0000-0000-000000000000")
    assert [e["field"] for e in unknown.value.errors] == ["target_partner_id"]
    assert not RoutingRule.objects.exists()


def test_an_administrator_saves_a_partner_rule_on_the_page_in_chinese(channel, users):
    client = _zh(users.admin)
    form = client.get("/leads/routing/new/").content.decode()
    assert channel.p1.legal_name in form
    response = client.post("/leads/routing/new/", {"name": "医疗行业给金牌伙伴", "priority": "10", "active": "on",
                                                          "min_score": "0", "target": "partner",
                                                          "target_partner_id": str(channel.p1.pk)})
    assert response.status_code == 302
    rule = RoutingRule.objects.get(name="医疗行业给金牌伙伴")
    assert rule.target == "partner" and rule.target_partner_id == channel.p1.pk
    assert channel.p1.legal_name in client.get("/leads/routing/").content.decode()
    edit = client.get(f"/leads/routing/{rule.pk}/").content.decode()
    assert f'value="{channel.p1.pk}" selected' in edit


def test_a_lead_the_partner_leaves_unanswered_is_auto_returned_and_re_routed(channel, users, capture, org):  # noqa: F811
    partner_rule(users, channel.p1)
    lead = capture(customer_name="松江区妇幼保健院", contact_phone="13800138004", **WARM)
    offer = LeadOffer.objects.get(lead=lead)
    assert services.offer_sweep(now=offer.due_at - dt.timedelta(minutes=1)) == 0
    assert services.offer_sweep(now=offer.due_at + dt.timedelta(minutes=1)) == 1
    offer.refresh_from_db()
    lead.refresh_from_db()
    assert offer.status == "AUTO_RETURNED"
    assert lead.status == "ASSIGNED" and lead.queue_id == org.east.pk and str(channel.p1.pk) in lead.previous_owner_ids
    returned = Event.objects.filter(event_type="leads.lead.returned", subject_id=str(lead.pk)).get()
    assert returned.payload["sla"] is True
