"""Findings of walking the contract page as its users do, in Chinese (issue 10 probe): each test failed
before its fix."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from m2c.contracts.models import AcceptanceCertificate, PurchaseOrder
from tests.clients import zh_client as _zh


def _details_of(page: str, form_id: str) -> str:
    """The opening ``<details>`` tag that folds the form ``form_id`` on the contract page."""
    start = page.index(f'id="{form_id}"')
    return re.findall(r"<details[^>]*>", page[:start])[-1]


def test_a_refused_upload_unfolds_its_form_so_the_clerk_sees_why(won):
    """A PO with an .exe 'scan' was refused with a 400, but the reason sat inside a folded panel: the
    page looked as if nothing had happened. The refused form now opens with its message."""
    client = _zh(won.deal.ar)
    c = won.contract
    response = client.post(f"/contracts/{c.pk}/purchase-orders/", {
        "number": "客户订单-甲001", "issued_on": str(won.today), "amount": "100000",
        "file": SimpleUploadedFile("订单扫描件.exe", b"MZ\x90\x00", content_type="application/octet-stream")})
    assert response.status_code == 400
    page = response.content.decode()
    assert " open" in _details_of(page, "po-add")
    assert "请上传 PDF、JPG、PNG、OFD、DOCX 或 XLSX 文件。" in page
    assert 'value="客户订单-甲001"' in page  # what was typed is kept
    assert PurchaseOrder.objects.filter(contract=c).count() == 0
    # the other folded forms stay folded
    assert " open" not in _details_of(page, "site-add")


def test_a_too_large_certificate_unfolds_its_form_with_the_limit(won, settings):
    client = _zh(won.deal.ar)
    c = won.contract
    assert client.post(f"/contracts/{c.pk}/handover/", {"pm": won.deal.fr.pk, "handover_on": str(won.today)}
                       ).status_code == 302
    big = SimpleUploadedFile("验收证书.pdf", b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024), content_type="application/pdf")
    response = client.post(f"/contracts/{c.pk}/certificates/", {
        "type": "PAC", "whole_contract": "on", "signed_on": str(won.today), "signatory": "王处长", "evidence": big})
    assert response.status_code == 400
    page = response.content.decode()
    assert " open" in _details_of(page, "certificate-add")
    assert "文件不能超过 20 MB。" in page
    assert AcceptanceCertificate.objects.filter(contract=c).count() == 0


def test_the_version_the_system_wrote_reads_in_the_readers_language(won):
    """The first version's note was stored already translated into the language of whoever won the deal
    (the demo and the worker run in English), so a Chinese reader saw English on the contract page."""
    with translation.override("en"):
        version = won.contract.versions.get()
    page = _zh(won.deal.ar).get(f"/contracts/{won.contract.pk}/").content.decode()
    assert version.reason == "Signed from the ATC-approved quote version"  # stored in the source language
    assert "按 ATC 批准的报价版本签署" in page
    assert "Signed from the ATC-approved quote version" not in page


def test_the_project_manager_is_someone_who_can_open_the_contract(won):
    """The PM list offered every active user, partners' portal users and marketing included; naming one made
    a PM who could never open the contract they manage. They are no longer offered, and a post naming one
    is refused on the field."""
    from m2c.contracts.models import Contract
    from m2c.core.models import Role
    from tests.factories import UserFactory

    portal = UserFactory(username="partner.pm", display_name="渠道门户用户", roles=[Role.PARTNER])
    marketer = UserFactory(username="mkt.pm", display_name="市场专员", roles=[Role.MARKETING])
    client = _zh(won.deal.ar)
    c = won.contract
    page = client.get(f"/contracts/{c.pk}/").content.decode()
    offered = re.search(r'<select name="pm".*?</select>', page, re.S).group(0)
    assert str(won.deal.fr.pk) in offered
    assert str(portal.pk) not in offered and str(marketer.pk) not in offered
    response = client.post(f"/contracts/{c.pk}/handover/", {"pm": portal.pk, "handover_on": str(won.today)})
    assert response.status_code == 400
    assert Contract.objects.get(pk=c.pk).status == "SIGNED"
    from m2c.contracts.services import contract_handover
    from m2c.core.errors import ValidationFailed

    try:
        contract_handover(contract=c, actor=won.deal.ar, pm=marketer)
    except ValidationFailed as exc:
        assert exc.errors[0]["field"] == "pm"
    else:
        raise AssertionError("a marketing user was made the delivery PM")
    assert not hasattr(Contract.objects.get(pk=c.pk), "delivery_project")


def test_a_failing_closure_check_links_to_where_it_is_fixed(won):
    """"Risks closed ✗ — 1 risk of the register not closed" named a register the contract page does not
    show and gave no way to it: the account owner was stuck before ATCC."""
    from m2c.contracts.services import certificate_record, contract_handover
    from m2c.opportunities.models import Risk

    c = contract_handover(contract=won.contract, actor=won.deal.ar, pm=won.deal.fr, handover_on=won.today)
    certificate_record(contract=c, actor=won.deal.ar, type="FAC", whole_contract=True, signed_on=won.today,
                       signatory="王处长")
    Risk.objects.create(opportunity_id=c.opportunity_id, description="机房供电改造可能延期")  # left open at the win
    page = _zh(won.deal.ar).get(f"/contracts/{c.pk}/").content.decode()
    assert "已履约" in page and "风险登记册中仍有 1 个风险未关闭" in page
    assert f'href="/opportunities/{c.opportunity_id}/#risks" class="closure-fix">打开风险登记册</a>' in page
