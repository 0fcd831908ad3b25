"""Disputes and dunning over HTTP: /disputes commands, problem responses naming the field, scoping."""

from __future__ import annotations

from m2c.billing.models import Dispute
from m2c.billing.services.dunning import dunning_sweep

from .conftest import invoice


def test_dispute_commands_over_http_and_an_outsider_sees_nothing(planned, api, users):
    inv1 = invoice(planned, 2, "26312000000000000001")
    ar, fin = api(planned.deal.ar), api(planned.finance)
    refused = ar.post("/disputes", {"invoice": str(inv1.pk), "amount": "3000000.01", "reason": "x",
                                    "category": "QUALITY", "opened_on": str(planned.day(10))})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "amount"
    assert ar.post("/disputes", {"invoice": str(inv1.pk), "amount": 1.5, "reason": "x"}).status_code == 422
    made = ar.post("/disputes", {"invoice": str(inv1.pk), "amount": "200000", "reason": "Broken APs",
                                 "category": "QUALITY", "opened_on": str(planned.day(10))})
    assert made.status_code == 201, made.content
    d = made.json()
    assert (d["status"], d["amount"]["amount"], d["owner"], d["invoice"]) == (
        "OPEN", "200000.0000", str(planned.deal.ar), "26312000000000000001")
    assert ar.post(f"/disputes/{d['id']}/propose", {"credit": "1", "proposal": "x"}).status_code == 409
    assert ar.post(f"/disputes/{d['id']}/investigate", {}).json()["status"] == "INVESTIGATING"
    assert ar.post(f"/disputes/{d['id']}/propose", {"credit": "50000", "proposal": "Replace 50"}).status_code == 200
    assert ar.post(f"/disputes/{d['id']}/resolve", {}).status_code == 403
    done = fin.post(f"/disputes/{d['id']}/resolve", {"on": str(planned.day(20))}).json()
    assert (done["status"], done["credit_note"] is not None) == ("RESOLVED", True)
    assert fin.post(f"/disputes/{d['id']}/close", {}).json()["status"] == "CLOSED"
    assert [e["event_type"] for e in ar.get(f"/disputes/{d['id']}/timeline").json()][0] == "billing.dispute.opened"
    assert [x["number"] for x in ar.get("/disputes", {"status": "CLOSED"}).json()["items"]] == [d["number"]]
    assert ar.get("/disputes", {"status": "OPEN"}).json()["items"] == []
    dunning_sweep(on=planned.day(33))
    history = ar.get(f"/invoices/{inv1.pk}/dunning").json()
    assert [s["step"] for s in history["steps"]] == ["D1"] and history["dunnable"]["amount"] == "2950000.0000"
    # Another region's AR and marketing see nothing and can do nothing.
    north = api(users.ar_north)
    assert north.get(f"/disputes/{d['id']}").status_code == 404
    assert north.get("/disputes").json()["items"] == []
    assert north.get(f"/invoices/{inv1.pk}/dunning").status_code == 404
    assert api(users.marketing).post("/disputes", {"invoice": str(inv1.pk), "amount": "1",
                                                    "reason": "x"}).status_code in (403, 404)
    assert Dispute.objects.count() == 1
