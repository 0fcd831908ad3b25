"""Visible next steps: an accepted lead shows Convert with what is missing; no internal rule numbers on
screen; the lead's contacts become the deal's decision chain; a converted lead links to its deal."""

import datetime as dt
import re

import pytest
from django.test import Client

from m2c.core.events import timeline
from m2c.leads.models import Lead

pytestmark = pytest.mark.django_db

HOT = {"budget_status": "confirmed", "pain_confirmed": True, "decision_chain_known": True, "industry": "education"}


def _client(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    client.cookies["m2c_language"] = language
    return client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_accepted_lead_shows_convert_with_what_is_still_missing(users, capture, university_a, language):
    lead = capture(customer_name="申江大学", contact_phone="13800138000", **HOT)
    client = _client(users.ar, language)
    client.post(f"/leads/{lead.pk}/accept/")
    assert Lead.objects.get(pk=lead.pk).status == "ACCEPTED"

    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert 'id="convert-lead"' in page and 'id="conversion-panel"' in page
    first_activity = "Log a first activity" if language == "en" else "记录第一次"
    assert first_activity in page
    assert 'data-field="activities"' in page and 'data-field="estimated_amount"' in page
    wizard = client.get(f"/leads/{lead.pk}/convert/").content.decode()
    assert first_activity in wizard
    assert re.search(r'id="confirm-convert"[^>]*disabled', wizard)
    for html in (page, wizard):
        assert not re.search(r"3\.6|规则 ?\d|domain rule", _text(html))

    client.post(f"/leads/{lead.pk}/activities/", {"type": "visit", "subject": "拜访信息中心"})
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert 'id="convert-lead"' in page and 'data-field="activities"' not in page


def test_conversion_carries_the_contacts_into_the_decision_chain_and_links_back(users, capture, university_a):
    lead = capture(customer_name="申江大学", contact_name="王主任", contact_phone="13800138000",
                   contact_role="decision_maker", estimated_amount="2800000", currency="CNY", offering_lines=["campus"],
                   expected_purchase_date=str(dt.date.today() + dt.timedelta(days=90)), **HOT)
    client = _client(users.ar)
    client.post(f"/leads/{lead.pk}/accept/")
    client.post(f"/leads/{lead.pk}/contacts/", {"name": "李工", "title": "网络工程师", "decision_role": "technical_evaluator",
                                                "phone": "13900139000"})
    client.post(f"/leads/{lead.pk}/activities/", {"type": "visit", "subject": "拜访"})
    response = client.post(f"/leads/{lead.pk}/convert/", {"owner": "ar.li", "name": "申江大学园区网"})
    assert response.status_code == 302
    lead.refresh_from_db()
    opportunity = lead.converted_opportunity
    chain = {s.contact.name: s.decision_role for s in opportunity.stakeholders.select_related("contact")}
    assert chain == {"王主任": "decision_maker", "李工": "technical_evaluator"}
    assert sum(e.event_type == "opportunities.stakeholder.added" for e in timeline(opportunity)) == 2

    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert f'href="/opportunities/{opportunity.pk}/"' in page and 'id="converted-opportunity"' in page
    # The wizard of a converted lead leads to its deal rather than a dead end.
    assert client.get(f"/leads/{lead.pk}/convert/")["Location"] == f"/opportunities/{opportunity.pk}/"
