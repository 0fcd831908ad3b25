"""The billing API through HTTP: commands as explicit endpoints, problem responses naming the field,
scoping (an outsider gets 404, a non-finance user 403 on cash)."""

from __future__ import annotations

from decimal import Decimal

from m2c.billing.models import Invoice, Receipt


def test_invoice_and_receipt_commands_over_http(planned, api, users):
    ar, fin = api(planned.deal.ar), api(planned.finance)
    created = ar.post("/invoices", {"contract": str(planned.contract.pk), "vat_type": "SPECIAL",
                                           "tax_rate": "13"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["total"]["amount"], body["lines"][0]["tax"]) == ("DRAFT", "3000000.0000",
                                                                                "345132.7400")
    refused = fin.post(f"/invoices/{body['id']}/issue", {"official_number": "12", "issued_on": str(planned.day(2))})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "official_number"
    assert ar.post(f"/invoices/{body['id']}/issue", {"official_number": "26312000000000000001",
                                                           "issued_on": str(planned.day(2))}).status_code == 403
    issued = fin.post(f"/invoices/{body['id']}/issue", {"official_number": "26312000000000000001",
                                                              "issued_on": str(planned.day(2))}).json()
    assert (issued["status"], issued["due_date"]) == ("ISSUED", str(planned.day(32)))
    receipt = fin.post("/receipts", {"amount": "3000000", "received_on": str(planned.day(20)),
                                            "payer_name": "申江大学", "remittance": "26312000000000000001"}).json()
    best = fin.get(f"/receipts/{receipt['id']}/suggestions").json()[0]
    assert (best["numbers"], best["score"], best["confident"]) == (["26312000000000000001"], 100, True)
    assert fin.post(f"/receipts/{receipt['id']}/allocate", {"invoice": best["invoices"][0],
                                                                   "amount": 3.0}).status_code == 422  # a float
    done = fin.post(f"/receipts/{receipt['id']}/allocate", {"invoice": best["invoices"][0]}).json()
    assert (done["status"], done["unapplied"]["amount"]) == ("APPLIED", "0.0000")
    assert Invoice.objects.get(pk=body["id"]).status == "PAID"
    # Scoping: another region's AR sees neither; an AR has no receipts.
    north = api(users.ar_north)
    assert north.get(f"/invoices/{body['id']}").status_code == 404
    assert north.get("/invoices").json()["items"] == []
    assert ar.get(f"/receipts/{receipt['id']}").status_code == 404
    assert Receipt.objects.get().allocated == Decimal("3000000.00")
