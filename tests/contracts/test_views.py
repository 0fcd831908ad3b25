"""The contract pages: list, detail, forms posted in Chinese and read back, and who may not see them."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from m2c.contracts.models import AcceptanceCertificate, Contract, PurchaseOrder
from m2c.core.models import Event, Role
from tests.clients import zh_client as _zh
from tests.factories import OrgUnitFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_list_and_the_page_in_chinese(won):
    client = _zh(won.deal.ar)
    listing = client.get("/contracts/").content.decode()
    assert won.contract.number in listing and "合同" in listing
    page = client.get(f"/contracts/{won.contract.pk}/").content.decode()
    assert "已签署" in page and "北校区 Campus North" in page and "交接会" in page
    assert "未开票" in page  # the credit panel's parts
    export = client.get("/contracts/export/?format=csv")
    assert export.status_code == 200 and won.contract.number in b"".join(export.streaming_content).decode()


def test_a_handover_and_a_certificate_posted_in_chinese_are_read_back(won):
    client = _zh(won.deal.ar)
    c = won.contract
    response = client.post(f"/contracts/{c.pk}/handover/", {"pm": won.deal.fr.pk, "handover_on": str(won.today),
                                                            "baseline_plan": "到货后 45 日内完成部署"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == "IN_EXECUTION" and c.delivery_project.baseline_plan == "到货后 45 日内完成部署"
    north = c.sites.order_by("position").first()
    response = client.post(f"/contracts/{c.pk}/certificates/", {
        "type": "PAC", "sites": [str(north.pk)], "signed_on": str(won.today), "signatory": "王处长",
        "scope_note": "北校区初验", "evidence": SimpleUploadedFile("初验证书.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 302, response.content.decode()[:2000]
    cert = AcceptanceCertificate.objects.get()
    assert (cert.signatory, cert.scope_note, cert.value_covered) == ("王处长", "北校区初验", Decimal("6000000.00"))
    page = client.get(f"/contracts/{c.pk}/").content.decode()
    assert "王处长" in page and "北校区初验" in page
    download = client.get(f"/contracts/{c.pk}/files/certificate/{cert.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_refused_po_is_shown_beside_the_form_in_chinese_and_nothing_is_written(won):
    client = _zh(won.deal.ar)
    before = Event.objects.count()
    response = client.post(f"/contracts/{won.contract.pk}/purchase-orders/", {
        "number": "PO-1", "issued_on": "2999-01-01", "amount": "100",
        "file": SimpleUploadedFile("po.pdf", b"not a pdf", content_type="application/pdf")})
    assert response.status_code == 400
    text = response.content.decode()
    assert "不能是将来的日期" in text or "日期" in text
    assert PurchaseOrder.objects.count() == 0 and Event.objects.count() == before


def test_other_regions_partners_and_marketing_do_not_see_contracts(won):
    mars = OrgUnitFactory(code="mars", name="火星地区部", type="region")
    for username, role, region in (("ar.mars", Role.AR, mars), ("partner.x", Role.PARTNER, None),
                                   ("mkt.x", Role.MARKETING, won.contract.org_unit)):
        client = Client()
        client.force_login(UserFactory(username=username, roles=[role], org_unit=region))
        assert client.get(f"/contracts/{won.contract.pk}/").status_code in (403, 404), username
        listing = client.get("/contracts/")
        assert won.contract.number not in listing.content.decode(), username
        before = Event.objects.count()
        assert client.post(f"/contracts/{won.contract.pk}/do/suspend/", {"reason": "x"}).status_code in (403, 404)
        assert Event.objects.count() == before
    assert Contract.objects.get(pk=won.contract.pk).status == "SIGNED"


def test_the_won_opportunity_shows_its_contract(won):
    """Opportunity → contract: number, state and a link, through a contracts selector."""
    from django.test import Client

    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(won.deal.ar)
    html = c.get(f"/opportunities/{won.opp.pk}/").content.decode()
    block = html.split('id="opportunity-contract"')[1].split("</div>")[0]
    assert won.contract.number in block and f"/contracts/{won.contract.pk}/" in block and "已签署" in block
