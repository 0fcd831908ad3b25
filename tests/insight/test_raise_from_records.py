"""Gap 3 of issue 13: lead, opportunity and contract pages carry a "Raise a requirement" action that opens the
requirement form pre-filled with the source and its customer; the saved requirement links back to the record."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

from m2c.insight.models import Requirement
from m2c.leads import services as lead_services
from tests.contracts.conftest import win
from tests.opportunities import flows


def _raise_link(page: str) -> str:
    match = re.search(r'<a href="([^"]+)"[^>]*id="raise-requirement"', page)
    assert match, "the page has no raise-requirement action"
    return unescape(match.group(1))


def test_from_an_opportunity_page_a_requirement_is_raised_in_chinese_and_links_back(deal, client):
    opp = flows.new_deal(deal, name="图书馆无线覆盖", amount="2500000")
    client.force_login(deal.ar)
    client.cookies["m2c_language"] = "zh-hans"
    detail = client.get(f"/opportunities/{opp.pk}/").content.decode()
    url = _raise_link(detail)
    assert url == f"/insight/requirements/new/?source_type=opportunity&source_id={opp.pk}"
    form = client.get(url).content.decode()
    assert "提出需求" in form and "申江大学" in form and "图书馆无线覆盖" in form
    assert 'value="opportunity" selected' in form
    response = client.post(url, {"title": "支持离线导出", "description": "图书馆要求断网时也能导出报表",
                                 "source_type": "opportunity", "urgency": "high", "currency": "CNY",
                                 "offering_line": str(deal.lines.campus.pk), "estimate": "0",
                                 "source_id": str(opp.pk)})
    assert response.status_code == 302
    rr = Requirement.objects.get(title="支持离线导出")
    assert (rr.description, rr.source_type, rr.source_id, rr.customer, rr.opportunity, rr.business_value) == (
        "图书馆要求断网时也能导出报表", "opportunity", opp.pk, deal.customer, opp, Decimal("2500000.00"))
    page = client.get(response["Location"]).content.decode()
    assert "支持离线导出" in page and "图书馆要求断网时也能导出报表" in page
    assert f'href="/opportunities/{opp.pk}/" id="requirement-origin"' in page


def test_from_a_contract_page_the_requirement_carries_its_customer_and_deal(deal, client):
    opp, _quote, contract = win(deal)
    client.force_login(deal.ar)
    url = _raise_link(client.get(f"/contracts/{contract.pk}/").content.decode())
    assert url == f"/insight/requirements/new/?source_type=contract&source_id={contract.pk}"
    response = client.post(url, {"title": "南校区需要双电源", "description": "合同执行中客户提出", "source_type": "contract",
                                 "urgency": "medium", "currency": "CNY", "estimate": "0",
                                 "source_id": str(contract.pk)})
    assert response.status_code == 302
    rr = Requirement.objects.get(title="南校区需要双电源")
    assert (rr.source_type, rr.source_id, rr.customer, rr.opportunity) == ("contract", contract.pk, deal.customer, opp)
    assert f'href="/contracts/{contract.pk}/" id="requirement-origin"' in client.get(response["Location"]).content.decode()


def test_from_a_lead_page_the_requirement_links_back_to_the_lead(deal, users, client):
    lead, _ = lead_services.lead_create(actor=users.marketing, data={
        "customer_name": "申江大学", "contact_phone": "13800138000", "offering_lines": ["campus"], "region": "east",
        "title": "智慧教室咨询"})
    client.force_login(users.marketing)
    url = _raise_link(client.get(f"/leads/{lead.pk}/").content.decode())
    assert url == f"/insight/requirements/new/?source_type=lead&source_id={lead.pk}"
    response = client.post(url, {"title": "教室录播一体机", "description": "线索阶段客户提出", "source_type": "lead",
                                 "urgency": "low", "currency": "CNY", "estimate": "80000", "source_id": str(lead.pk)})
    assert response.status_code == 302
    rr = Requirement.objects.get(title="教室录播一体机")
    assert (rr.source_type, rr.source_id, rr.customer_id, rr.opportunity, rr.business_value) == (
        "lead", lead.pk, lead.customer_id, None, Decimal("80000.00"))
    assert f'href="/leads/{lead.pk}/" id="requirement-origin"' in client.get(response["Location"]).content.decode()


def test_a_source_the_reader_cannot_see_prefills_nothing(deal, users, client):
    opp = flows.new_deal(deal, name="图书馆无线覆盖", amount="2500000")
    client.force_login(users.ar_north)
    page = client.get(f"/insight/requirements/new/?source_type=opportunity&source_id={opp.pk}").content.decode()
    assert "申江大学" not in page and "图书馆无线覆盖" not in page
