"""The opportunities API: scoping on every list and detail endpoint, commands, problems, reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from m2c.core.models import Event
from m2c.opportunities import services
from m2c.opportunities.models import GateReview, Opportunity
from m2c.opportunities.states import TeamRole
from tests.factories import ContactFactory, UserFactory

from . import flows


@pytest.fixture
def world(deal):
    """A Shanghai deal in O4 with every kind of record, and a Beijing deal."""
    opp, quote = flows.to_o4(deal)
    contact = ContactFactory(customer=deal.customer, name="王主任", decision_role="decision_maker")
    stakeholder = services.stakeholder_add(opportunity=opp, actor=deal.ar, contact=contact)
    competitor = services.competitor_add(opportunity=opp, actor=deal.ar, name="Vendor Z", incumbent=True)
    risk = services.risk_add(opportunity=opp, actor=deal.ar, description="Tight schedule", owner=deal.fr)
    services.activity_log(opportunity=opp, actor=deal.ar, subject="Technical exchange")
    atc = flows.submit(opp, "ATC", deal.ar)
    flows.decide(atc, deal.sdt_east, "GO_WITH_CONDITIONS", conditions=[
        {"text": "Legal sign-off", "owner": deal.ar, "due_date": timezone.localdate() + dt.timedelta(days=3)}])
    return {"opp": opp, "quote": quote, "stakeholder": stakeholder, "competitor": competitor, "risk": risk,
            "review": atc, "condition": atc.conditions.get(), "bid": opp.bids.get()}


def _detail_urls(w):
    opp = w["opp"].pk
    return [
        f"/opportunities/{opp}", f"/opportunities/{opp}/events", f"/opportunities/{opp}/team",
        f"/opportunities/{opp}/stakeholders", f"/opportunities/{opp}/competitors", f"/opportunities/{opp}/risks",
        f"/opportunities/{opp}/activities", f"/opportunities/{opp}/gate-reviews", f"/opportunities/{opp}/quotes",
        f"/opportunities/{opp}/bids", f"/gate-reviews/{w['review'].pk}", f"/quotes/{w['quote'].pk}",
        f"/quotes/{w['quote'].pk}/pdf",
    ]


def _list_counts(client):
    return {
        "opportunities": client.get("/opportunities").json()["count"],
        "board": sum(c["count"] for c in client.get("/pipeline/board").json()["columns"]),
        "conditions": len(client.get("/conditions").json()),
        "programs": len(client.get("/programs").json()),
        "inbox": sum(len(v) for v in client.get("/approvals/inbox").json().values()),
    }


def test_a_user_of_another_region_and_a_partner_user_get_nothing(api, deal, world, users, org):
    north = api(users.ar_north)
    partner = api(users.partner)
    for client in (north, partner):
        assert _list_counts(client) == {"opportunities": 0, "board": 0, "conditions": 0, "programs": 0, "inbox": 0}
        for url in _detail_urls(world):
            assert client.get(url).status_code in (403, 404), url
        assert client.post(f"/opportunities/{world['opp'].pk}/win", {}).status_code == 404
        assert client.patch(f"/stakeholders/{world['stakeholder'].pk}", {"notes": "x"}).status_code == 404
        assert client.patch(f"/risks/{world['risk'].pk}", {"mitigation": "x"}).status_code == 404
        assert client.post(f"/risks/{world['risk'].pk}/close", {}).status_code == 404
        assert client.post(f"/conditions/{world['condition'].pk}/close", {"note": "x"}).status_code == 404
    for url in ("/reports/pipeline", "/reports/forecast", "/reports/win-loss"):
        rows = north.get(url).json()["rows"]
        assert rows == [], url
        assert partner.get(url).status_code == 403
    for url in ("/decision-bodies", "/authority-matrices", "/products", "/price-lists", "/gate-checklists"):
        assert partner.get(url).status_code == 403, url


def test_team_members_see_their_opportunities(api, deal, world, org):
    outsider = UserFactory(username="sr.far", roles=["sr"], org_unit=org.beijing)
    client = api(outsider)
    assert client.get(f"/opportunities/{world['opp'].pk}").status_code == 404
    services.team_assign(opportunity=world["opp"], actor=deal.ar, role=TeamRole.PM, user=outsider)
    assert client.get(f"/opportunities/{world['opp'].pk}").status_code == 200
    assert client.get("/opportunities").json()["count"] == 1
    assert client.get(f"/quotes/{world['quote'].pk}").status_code == 200
    row = world["opp"].team.get(user=outsider)
    services.team_end(assignment=row, actor=deal.ar)
    assert client.get(f"/opportunities/{world['opp'].pk}").status_code == 404


def test_same_region_and_executive_see_it(api, deal, world, users):
    assert api(users.ar).get("/opportunities").json()["count"] == 1
    assert api(users.executive).get("/opportunities").json()["count"] == 1
    assert api(deal.sdt_east).get(f"/gate-reviews/{world['review'].pk}").status_code == 200


def test_create_and_move_through_the_api(api, deal, users):
    client = api(deal.ar)
    body = client.post("/opportunities", {
        "customer": str(deal.customer.pk), "name": "Library Wi-Fi", "amount": "8000000", "currency": "CNY",
        "offering_lines": ["campus", "wlan"], "expected_sign_date": "2027-06-30", "priority_type": "competitive",
    }).json()
    assert (body["stage"], body["grade"], body["probability"], body["owner"]["username"]) == ("O1_VALIDATE", "B", "10.0000",
                                                                                            "ar.li")
    assert body["allowed_moves"] == ["O2_SHAPE", "ABANDONED", "ON_HOLD"]
    oid = body["id"]
    refused = client.post(f"/opportunities/{oid}/move", {"to": "O2_SHAPE"})
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "gate_not_passed"
    assert "ATI" in refused.json()["detail"]
    assert client.post(f"/opportunities/{oid}/move", {"to": "WON"}).json()["code"] == "invalid_transition"

    review = client.post(f"/opportunities/{oid}/gates/ATI/reviews", {"summary": "Go after the library"}).json()
    answers = {"strategic_fit": True, "need_budget_timing": True, "decision_chain": True, "competition": "Vendor Z"}
    patched = client.patch(f"/gate-reviews/{review['id']}", {"answers": answers, "margin_pct": "28"})
    assert patched.status_code == 200, patched.json()
    submitted = client.post(f"/opportunities/{oid}/gates/ATI/submit").json()
    assert (submitted["status"], submitted["required_level"], submitted["authority_rule_version"]) == (
        "IN_REVIEW", "rep_office", 1)
    assert api(deal.sdt_east).post(f"/gate-reviews/{review['id']}/decide", {"decision": "GO"}).status_code == 403
    decided = api(deal.sdt_shanghai).post(f"/opportunities/{oid}/gates/ATI/decide", {
        "decision": "GO_WITH_CONDITIONS", "rationale": "Fits the account plan",
        "conditions": [{"text": "Site survey", "owner": "sr.zhao", "due_date": str(timezone.localdate() +
                                                                                  dt.timedelta(days=14))}],
    }).json()
    assert decided["decision"] == "GO_WITH_CONDITIONS" and decided["conditions"][0]["owner"]["username"] == "sr.zhao"
    again = api(deal.sdt_shanghai).post(f"/gate-reviews/{review['id']}/decide", {"decision": "NO_GO", "rationale": "x"})
    assert (again.status_code, again.json()["code"]) == (409, "decision_immutable")
    edit = client.patch(f"/gate-reviews/{review['id']}", {"summary": "changed"})
    assert (edit.status_code, edit.json()["code"]) == (409, "decision_immutable")

    assert client.post(f"/opportunities/{oid}/team", {"role": "SR", "user": "sr.zhao"}).status_code == 201
    moved = client.post(f"/opportunities/{oid}/move", {"to": "O2_SHAPE"}).json()
    assert moved["stage"] == "O2_SHAPE" and moved["probability"] == "25.0000"
    events = client.get(f"/opportunities/{oid}/events").json()
    assert any(e["to_state"] == "O2_SHAPE" for e in events)


def test_problems_name_the_field(api, deal):
    client = api(deal.ar)
    bad = client.post("/opportunities", {"customer": str(deal.customer.pk), "name": "x", "amount": 10.5,
                                         "offering_lines": ["campus"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "amount"
    bad = client.post("/opportunities", {"customer": str(deal.customer.pk), "name": "x", "amount": "10",
                                         "offering_lines": ["nope"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "offering_lines"
    bad = client.post("/opportunities", {"customer": str(deal.customer.pk), "name": "x", "amount": "10",
                                         "currency": "XYZ", "offering_lines": ["campus"]})
    assert bad.status_code == 422
    bad = client.post("/opportunities", {"customer": str(deal.customer.pk), "name": "x", "amount": "10",
                                         "offering_lines": ["campus"], "stage": "WON"})
    assert bad.status_code == 422  # unknown fields are refused: the stage is never set by a payload
    assert client.patch(f"/opportunities/{flows.new_deal(deal).pk}", {"stage": "WON"}).status_code == 422


def test_quotes_through_the_api_with_discount_approval(api, deal):
    opp = flows.to_o2(deal)
    client = api(deal.ar)
    quote = client.post(f"/opportunities/{opp.pk}/quotes", {"price_list": "cn-2026"}).json()
    line = client.post(f"/quotes/{quote['id']}/lines", {"product": "AP-W7", "quantity": "1000", "discount_pct": "12",
                                                        "site": "Library"})
    assert line.status_code == 201 and line.json()["unit_net_price"] == "880.0000"
    pending = client.post(f"/quotes/{quote['id']}/request-approval").json()
    assert (pending["status"], pending["required_level"]) == ("PENDING_APPROVAL", "rep_office")  # AR authority is 10%
    inbox = api(deal.sdt_shanghai).get("/approvals/inbox").json()
    assert [q["id"] for q in inbox["quotes"]] == [quote["id"]]
    assert client.post(f"/quotes/{quote['id']}/approve", {"note": "self"}).status_code == 403
    approved = api(deal.sdt_shanghai).post(f"/quotes/{quote['id']}/approve", {"note": "Library is a reference"}).json()
    assert approved["status"] == "APPROVED" and approved["approved_by"]["username"] == "sdt.shanghai"
    locked = client.post(f"/quotes/{quote['id']}/lines", {"product": "AP-W7", "quantity": "1"})
    assert (locked.status_code, locked.json()["code"]) == (409, "quote_not_draft")
    pdf = client.get(f"/quotes/{quote['id']}/pdf", {"lang": "en"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"

    deep = client.post(f"/opportunities/{opp.pk}/quotes", {"copy_from": quote["id"]}).json()
    client.patch(f"/quote-lines/{deep['lines'][0]['id']}", {"discount_pct": "30"})
    deep = client.post(f"/quotes/{deep['id']}/request-approval").json()
    assert deep["required_level"] == "region"
    assert api(deal.sdt_shanghai).post(f"/quotes/{deep['id']}/approve", {}).status_code == 403
    assert api(deal.sdt_east).post(f"/quotes/{deep['id']}/reject", {"reason": "Too deep"}).json()["status"] == "DRAFT"


def test_reports_in_the_reporting_currency(api, deal, users):
    flows.new_deal(deal, amount="10000000", name="CNY deal")
    flows.new_deal(deal, amount="1000000", currency="USD", name="USD deal")  # 7.2M CNY
    report = api(users.executive).get("/reports/pipeline", {"group_by": "region,stage"}).json()
    assert report["reporting_currency"] == "CNY"
    (row,) = report["rows"]
    assert (row["keys"]["stage"], row["count"]) == ("O1_VALIDATE", 2)
    assert Decimal(row["amount"]) == Decimal("17200000.00")
    assert Decimal(row["weighted"]) == Decimal("1720000.00")
    assert row["labels"]["region"] == "East China"
    forecast = api(users.executive).get("/reports/forecast", {"grain": "quarter"}).json()
    assert forecast["rows"][0]["period"] == "2027-Q1"
    assert Decimal(forecast["rows"][0]["pipeline"]["amount"]) == Decimal("17200000")
    by_line = api(users.executive).get("/reports/pipeline", {"group_by": "offering_line,quarter"}).json()
    assert by_line["rows"][0]["labels"]["offering_line"] == "Campus Network"
    assert api(users.executive).get("/reports/pipeline", {"group_by": "colour"}).status_code == 422


def test_matrix_versions_and_evaluation(api, users):
    admin = api(users.admin)
    current = admin.get("/authority-matrices/current").json()
    assert current["version"] == 1 and current["in_force"]
    verdict = admin.post("/authority-matrices/evaluate", {"gate_type": "ATC", "value": "10000000",
                                                          "margin_pct": "30"}).json()
    assert verdict == {"required_level": "region", "authority_rule_version": 1, "reasons": [
        {"dimension": "value", "rule": "ATC: contract value 5–50M → regional SDT", "value": "10000000", "level": "region"}]}
    published = admin.post("/authority-matrices", {"name": "v2", "rules": [
        {"dimension": "value", "operator": "gt", "threshold": "1000000", "required_level": "hq"}]})
    assert published.status_code == 201 and published.json()["version"] == 2
    assert api(users.ar).post("/authority-matrices", {"name": "v3", "rules": [
        {"dimension": "value", "operator": "gt", "threshold": "1", "required_level": "hq"}]}).status_code == 403
    assert [m["version"] for m in admin.get("/authority-matrices").json()] == [2, 1]


def test_lose_with_requirement_via_api(api, deal):
    opp = flows.to_o2(deal, amount="4000000", name="Provincial Museum")
    body = api(deal.ar).post(f"/opportunities/{opp.pk}/lose", {
        "loss_reason": "solution", "detail": "missing feature X", "raise_requirement": True, "price_gap": "200000",
    }).json()
    assert body["stage"] == "LOST" and body["price_gap"] == {"amount": "200000.0000", "currency": "CNY"}
    assert Opportunity.objects.get(pk=opp.pk).requirements.count() == 1


def test_a_refused_command_through_the_api_changes_nothing(api, deal):
    opp = flows.new_deal(deal)
    client = api(deal.ar)
    before = (Opportunity.objects.get(pk=opp.pk).version, Event.objects.count(), GateReview.objects.count())
    for path, payload in ((f"/opportunities/{opp.pk}/advance", {}), (f"/opportunities/{opp.pk}/win", {}),
                          (f"/opportunities/{opp.pk}/lose", {"loss_reason": "price"}),
                          (f"/opportunities/{opp.pk}/send-back-to-bid", {"reason": "x"}),
                          (f"/opportunities/{opp.pk}/gates/ATB/reviews", {})):
        assert client.post(path, payload).status_code == 409, path
    assert (Opportunity.objects.get(pk=opp.pk).version, Event.objects.count(), GateReview.objects.count()) == before
