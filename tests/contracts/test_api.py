"""The contracts API: reads scoped like opportunities, commands as explicit endpoints, problems for bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from m2c.contracts.models import AcceptanceCertificate, Contract
from m2c.core.models import Event, Role
from tests.factories import OrgUnitFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_list_detail_and_commands_through_the_api(won):
    client = _client(won.deal.ar)
    body = client.get("/api/v1/contracts").json()
    assert body["count"] == 1 and body["items"][0]["number"] == won.contract.number
    detail = client.get(f"/api/v1/contracts/{won.contract.pk}").json()
    assert Decimal(detail["total_value"]["amount"]) == Decimal(10_000_000) and detail["total_value"]["currency"] == "CNY"
    assert [s["share_pct"] for s in detail["sites"]] == ["60.0000", "40.0000"]
    assert detail["allowed_moves"] == ["IN_EXECUTION", "TERMINATED"]

    refused = client.post(f"/api/v1/contracts/{won.contract.pk}/handover", {"pm": "no-such-user"},
                          content_type="application/json")
    assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json"
    done = client.post(f"/api/v1/contracts/{won.contract.pk}/handover", {"pm": won.deal.fr.username},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "IN_EXECUTION"

    north = detail["sites"][0]["id"]
    evidence = SimpleUploadedFile("PAC-北校区.pdf", PDF, content_type="application/pdf")
    created = client.post(f"/api/v1/contracts/{won.contract.pk}/certificates",
                          {"type": "PAC", "signed_on": str(won.today), "signatory": "王处长", "sites": [north],
                           "evidence": evidence})
    assert created.status_code == 201, created.content
    assert Decimal(created.json()["value_covered"]["amount"]) == Decimal(6_000_000)  # North's 60%
    cert = AcceptanceCertificate.objects.get()
    assert cert.evidence.read() == PDF


def test_an_evidence_file_that_is_not_what_it_says_is_refused_and_nothing_is_written(won):
    client = _client(won.deal.ar)
    client.post(f"/api/v1/contracts/{won.contract.pk}/handover", {"pm": won.deal.fr.username},
                content_type="application/json")
    before = (Event.objects.count(), AcceptanceCertificate.objects.count())
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = client.post(f"/api/v1/contracts/{won.contract.pk}/certificates",
                          {"type": "FAC", "signed_on": str(won.today), "signatory": "王处长", "whole_contract": "true",
                           "evidence": fake})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "evidence"
    exe = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    refused = client.post(f"/api/v1/contracts/{won.contract.pk}/certificates",
                          {"type": "FAC", "signed_on": str(won.today), "signatory": "王处长", "whole_contract": "true",
                           "evidence": exe})
    assert refused.status_code == 422
    assert (Event.objects.count(), AcceptanceCertificate.objects.count()) == before


@pytest.mark.parametrize("role", [Role.AR, Role.PARTNER])
def test_a_user_of_another_region_or_a_partner_gets_nothing(won, role):
    mars = OrgUnitFactory(code="mars", name="火星", type="region", parent=won.contract.org_unit.parent.parent
                          if won.contract.org_unit.parent and won.contract.org_unit.parent.parent else None)
    outsider = _client(UserFactory(username=f"outsider-{role}", roles=[role], org_unit=mars))
    assert outsider.get("/api/v1/contracts").json()["count"] == 0
    assert outsider.get(f"/api/v1/contracts/{won.contract.pk}").status_code == 404
    before = Event.objects.count()
    assert outsider.post(f"/api/v1/contracts/{won.contract.pk}/suspend", {"reason": "x"},
                         content_type="application/json").status_code == 404
    assert Event.objects.count() == before
    assert Contract.objects.get(pk=won.contract.pk).status == "SIGNED"


def test_credit_exposure_endpoint_shows_its_parts(won):
    body = _client(won.deal.ar).get(f"/api/v1/customers/{won.deal.customer.pk}/credit-exposure").json()
    assert (body["limit"], body["open_receivables"], body["unbilled"], body["available"]) == (
        "12000000.0000", "0", "10000000.0000", "2000000.0000")
