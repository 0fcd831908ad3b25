"""The partner pages: the channel manager's list with the coverage chart and the review with the conflict side
by side; the portal for a partner user (own partner only, neutral refusal)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import client_as

from .conftest import register

pytestmark = pytest.mark.django_db


def test_channel_manager_list_coverage_and_review_side_by_side(channel):
    first = register(channel, channel.p1, channel.p1_user)
    second = register(channel, channel.p2, channel.p2_user, name="上海第一人民医院")
    cm = client_as(channel.cm)
    page = cm.get("/partners/")
    assert page.status_code == 200
    html = page.content.decode()
    assert channel.p1.legal_name in html and 'id="chart-coverage"' in html
    charts = json.loads(html.split('id="page-charts" type="application/json">')[1].split("</script>")[0])
    coverage = charts["chart-coverage"]
    assert coverage["labels"] == ["Campus Network", "Data Center"]  # every category of an offering line
    assert [s["data"] for s in coverage["series"]] == [[3, 0]]  # three partners valid in Campus Network
    review = cm.get(f"/partners/registrations/{second.pk}/").content.decode()
    assert 'id="conflicting-registration"' in review and first.number in review and channel.p1.legal_name in review
    assert cm.post(f"/partners/registrations/{first.pk}/do/approve/").status_code == 302
    first.refresh_from_db()
    assert first.status == "APPROVED"


def test_portal_shows_own_partner_and_a_neutral_refusal(channel):
    register(channel, channel.p1, channel.p1_user)
    p2 = client_as(channel.p2_user)
    home = p2.get("/partners/")
    assert home.status_code == 302 and home["Location"] == f"/partners/{channel.p2.pk}/"
    assert p2.get(f"/partners/{channel.p1.pk}/").status_code == 404
    created = p2.post("/partners/registrations/new/", {
        "customer_name": "上海第一人民医院", "project_name": "核心交换机更新", "offering_line": channel.campus.pk,
        "currency": "CNY", "budget": "3000000", "decision_chain": "信息中心 → 院长办公会", "implementation_date": "2027-03-01"})
    assert created.status_code == 302
    page = p2.get(created["Location"]).content.decode()
    assert channel.p1.legal_name not in page and 'id="conflicting-registration"' not in page
    assert 'id="refusal"' in page
    listing = p2.get("/partners/registrations/").content.decode()
    assert channel.p1.legal_name not in listing


def test_other_internal_roles_have_no_partner_pages(channel, users):
    assert client_as(users.ar).get("/partners/").status_code == 403
    assert client_as(users.ar).get("/partners/registrations/").status_code == 403


def test_the_partner_users_home_counts_their_registrations_and_offered_leads(channel):
    register(channel, channel.p1, channel.p1_user)
    register(channel, channel.p2, channel.p2_user, name="上海第一人民医院")  # refused: not counted
    html = client_as(channel.p1_user, "en").get("/").content.decode()
    assert 'id="kpi-partner-registrations">1<' in html and 'id="kpi-partner-offers">0<' in html
    html = client_as(channel.p2_user, "en").get("/").content.decode()
    assert 'id="kpi-partner-registrations">0<' in html
