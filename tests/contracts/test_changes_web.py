"""Change requests and the evaluation through the pages (saved in Chinese and read back, refusals shown and
nothing written) and the API (/api/v1/contracts/{id}/changes and its commands; outsiders get 404)."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from m2c.contracts import services
from m2c.contracts.models import ChangeRequest, Contract
from m2c.core.models import Event
from tests.clients import zh_client as _zh
from tests.factories import OrgUnitFactory, UserFactory


class _Api:
    """A logged-in JSON client."""

    def __init__(self, user):
        self.client = Client()
        self.client.force_login(user)

    def get(self, url):
        return self.client.get(url)

    def post(self, url, body):
        return self.client.post(url, body, content_type="application/json")


def _in_execution(won):
    return services.contract_handover(contract=won.contract, actor=won.deal.ar, pm=won.deal.fr)


def test_a_change_drafted_and_edited_in_chinese_is_read_back_and_approved_by_the_manager(won):
    c = _in_execution(won)
    client = _zh(won.deal.ar)
    page = client.get(f"/contracts/{c.pk}/").content.decode()
    assert "变更申请" in page and "change-add" in page
    response = client.post(f"/contracts/{c.pk}/changes/", {
        "kind": "PRICE", "reason": "北校区加装 50 台 AP", "description": "Wi-Fi 7 AP 加装", "site": "北校区 Campus North",
        "quantity": "50", "unit_price": "1000", "unit_cost": "700", "schedule_days": "", "effective_on": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    change = ChangeRequest.objects.get()
    assert (change.reason, change.delta_value, change.status) == ("北校区加装 50 台 AP", Decimal("50000.00"), "DRAFT")
    edit = client.get(f"/contracts/{c.pk}/changes/{change.pk}/").content.decode()
    assert "北校区加装 50 台 AP" in edit and 'value="50"' in edit
    response = client.post(f"/contracts/{c.pk}/changes/{change.pk}/", {
        "kind": "PRICE", "reason": "北校区加装 60 台 AP", "description": "Wi-Fi 7 AP 加装", "site": "北校区 Campus North",
        "quantity": "60", "unit_price": "1000", "unit_cost": "700"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.reason, change.delta_value) == ("北校区加装 60 台 AP", Decimal("60000.00"))
    assert client.post(f"/contracts/{c.pk}/changes/{change.pk}/submit/").status_code == 302
    change.refresh_from_db()
    assert (change.status, change.needs_atac) == ("SUBMITTED", False)
    # The requester cannot approve; the decision-team member can.
    client.post(f"/contracts/{c.pk}/changes/{change.pk}/approve/")
    change.refresh_from_db()
    assert change.status == "SUBMITTED"
    approver = _zh(won.deal.sdt_shanghai)
    assert approver.post(f"/contracts/{c.pk}/changes/{change.pk}/approve/", {"reason": "同意"}).status_code == 302
    change.refresh_from_db()
    c.refresh_from_db()
    assert (change.status, c.status, c.total_value, c.current_version) == (
        "APPROVED", "IN_EXECUTION", Decimal("10060000.00"), 2)
    page = client.get(f"/contracts/{c.pk}/").content.decode()
    assert change.number in page and "已批准" in page


def test_a_refused_change_form_names_the_field_in_chinese_and_writes_nothing(won):
    c = _in_execution(won)
    client = _zh(won.deal.ar)
    before = Event.objects.count()
    response = client.post(f"/contracts/{c.pk}/changes/", {
        "kind": "SCOPE", "reason": "新增站点", "description": "AP", "site": "", "quantity": "10", "unit_price": "1000"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "站点" in body and "invalid-feedback" in body
    assert not ChangeRequest.objects.exists() and Event.objects.count() == before


def test_the_change_api_and_its_commands_and_outsiders_get_404(won):
    c = _in_execution(won)
    ar = _Api(won.deal.ar)
    body = {"kind": "SCOPE", "reason": "Library site", "effective_on": str(won.today),
            "lines": [{"description": "AP", "site": "图书馆 Library", "quantity": "1500", "unit_price": "1000"}]}
    response = ar.post(f"/api/v1/contracts/{c.pk}/changes", body)
    assert response.status_code == 201, response.content
    change = response.json()
    assert Decimal(change["delta_value"]["amount"]) == Decimal("1500000") and change["status"] == "DRAFT"
    bad = ar.post(f"/api/v1/contracts/{c.pk}/changes", {**body, "lines": [{"description": "AP", "site": "",
                                                                             "unit_price": "1"}]})
    assert bad.status_code == 422 and bad["Content-Type"].startswith("application/problem+json")
    submitted = ar.post(f"/api/v1/contracts/{c.pk}/changes/{change['id']}/submit", {})
    assert submitted.status_code == 200 and submitted.json()["needs_atac"] is True and submitted.json()["review"]
    assert Contract.objects.get(pk=c.pk).status == "CHANGE_PENDING"
    assert ar.post(f"/api/v1/contracts/{c.pk}/changes/{change['id']}/approve", {}).status_code == 409
    assert [x["number"] for x in ar.get(f"/api/v1/contracts/{c.pk}/changes").json()] == [change["number"]]
    closure = ar.get(f"/api/v1/contracts/{c.pk}/closure").json()
    assert {x["code"] for x in closure["checks"]} >= {"accepted", "receivables", "post_mortem"}
    withdrawn = ar.post(f"/api/v1/contracts/{c.pk}/changes/{change['id']}/withdraw", {"reason": "客户撤回"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "WITHDRAWN"
    assert Contract.objects.get(pk=c.pk).status == "IN_EXECUTION"
    outsider = _Api(UserFactory(username="ar.far", roles=["ar"], org_unit=OrgUnitFactory(code="far")))
    assert outsider.get(f"/api/v1/contracts/{c.pk}/changes").status_code == 404
    assert outsider.get(f"/api/v1/contracts/{c.pk}/changes/{change['id']}").status_code == 404
    assert outsider.post(f"/api/v1/contracts/{c.pk}/changes", body).status_code == 404
