"""Budget pages as marketing uses them in Chinese: set up a budget, allocate it, record an expense with
its evidence on the campaign page, ask for more; other roles are refused and nothing changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from m2c.campaigns.models import BudgetEntry, CampaignExpense, MarketingBudget
from m2c.core.models import Event

from .test_budgets import _approved

pytestmark = pytest.mark.django_db


def _client(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["m2c_language"] = language
    client.force_login(user)
    return client


def test_an_administrator_sets_up_and_allocates_a_budget_in_chinese(users, org):
    client = _client(users.admin)
    response = client.post("/campaigns/budgets/new/", {
        "name": "2027 公司级市场预算", "level": "corporate", "org_unit": str(org.hq.pk), "fiscal_year": "2027",
        "parent": "", "currency": "CNY", "amount": "12000000.00", "tolerance_percent": "10"})
    assert response.status_code == 302, response.content.decode()[:3000]
    hq = MarketingBudget.objects.get(name="2027 公司级市场预算")
    assert (hq.level, hq.org_unit, hq.fiscal_year, hq.amount, hq.available) == (
        "corporate", org.hq, 2027, Decimal("12000000"), Decimal("12000000"))
    response = client.post("/campaigns/budgets/new/", {
        "name": "2027 华东区域市场预算", "level": "regional", "org_unit": str(org.east.pk), "fiscal_year": "2027",
        "parent": str(hq.pk), "currency": "CNY", "amount": "", "tolerance_percent": "10"})
    east = MarketingBudget.objects.get(name="2027 华东区域市场预算")
    response = client.post(f"/campaigns/budgets/{hq.pk}/allocate/",
                           {"child": str(east.pk), "amount": "2500000.00", "note": "年度下达"})
    assert response.status_code == 302, response.content.decode()[:3000]
    east.refresh_from_db()
    assert east.amount == Decimal("2500000")
    page = client.get(f"/campaigns/budgets/{hq.pk}/").content.decode()
    assert "下拨至下级预算" in page and "年度下达" in page and "9,500,000.00" in page
    listing = client.get("/campaigns/budgets/", {"year": "2027"}).content.decode()
    assert "2027 华东区域市场预算" in listing and 'id="chart-budgets"' in listing
    # Too much: named beside the field, nothing written.
    entries = BudgetEntry.objects.count()
    refused = client.post(f"/campaigns/budgets/{hq.pk}/allocate/", {"child": str(east.pk), "amount": "9500000.01"})
    assert refused.status_code == 422 and "可用金额为" in refused.content.decode()
    assert BudgetEntry.objects.count() == entries


def test_marketing_records_an_expense_with_evidence_and_asks_for_more(users, east_budget, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    campaign = _approved(east_budget, users.marketing)
    client = _client(users.marketing)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'id="expense-form"' in page and "200,000.00" in page
    response = client.post(f"/campaigns/{campaign.pk}/expenses/", {
        "category": "venue", "supplier": "上海国际会议中心", "description": "主会场两天", "spent_on": "2026-11-20",
        "currency": "CNY", "amount": "120000.00", "fx_rate": "",
        "evidence": SimpleUploadedFile("场地发票.pdf", b"%PDF-1.7 venue", content_type="application/pdf")})
    assert response.status_code == 302, response.content.decode()[:3000]
    expense = CampaignExpense.objects.get()
    assert (expense.supplier, expense.description, expense.spent_on, expense.amount, expense.evidence_name) == (
        "上海国际会议中心", "主会场两天", dt.date(2026, 11, 20), Decimal("120000"), "场地发票.pdf")
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "上海国际会议中心" in page and "(60%)" in page and 'id="chart-expenses"' in page
    download = client.get(f"/campaigns/{campaign.pk}/expenses/{expense.pk}/evidence/")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Above the commitment plus 10 %: refused beside the amount, nothing written.
    refused = client.post(f"/campaigns/{campaign.pk}/expenses/", {
        "category": "media", "supplier": "广告公司", "spent_on": "2026-11-21", "currency": "CNY",
        "amount": "100000.01"})
    assert refused.status_code == 422 and "重新批准" in refused.content.decode()
    assert CampaignExpense.objects.count() == 1
    response = client.post(f"/campaigns/{campaign.pk}/reapprove/", {"amount": "80000.00", "reason": "追加媒体投放"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.committed_amount == Decimal("280000")
    assert Event.objects.for_subject(campaign).filter(event_type="campaigns.campaign.budget_reapproved").exists()


@pytest.mark.parametrize("who", ["ar", "finance", "partner"])
def test_other_roles_see_no_budget_and_change_nothing(users, east_budget, who):
    campaign = _approved(east_budget, users.marketing)
    client = _client(getattr(users, who))
    assert client.get("/campaigns/budgets/").status_code == 403
    assert client.get(f"/campaigns/budgets/{east_budget.pk}/").status_code == 403
    response = client.post(f"/campaigns/{campaign.pk}/expenses/", {
        "category": "venue", "supplier": "x", "spent_on": "2026-11-20", "currency": "CNY", "amount": "1"})
    assert response.status_code == 403
    assert client.post(f"/campaigns/budgets/{east_budget.parent_id}/allocate/",
                       {"child": str(east_budget.pk), "amount": "1"}).status_code == 403
    assert not CampaignExpense.objects.exists()
    east_budget.refresh_from_db()
    assert (east_budget.amount, east_budget.spent) == (Decimal("2000000"), 0)


def test_executives_read_budgets_but_cannot_spend(users, east_budget):
    campaign = _approved(east_budget, users.marketing)
    client = _client(users.executive)
    assert "2026 华东区域市场预算" in client.get("/campaigns/budgets/", {"year": "2026"}).content.decode()
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'id="budget-panel"' in page and 'id="expense-form"' not in page
    assert client.post(f"/campaigns/{campaign.pk}/reapprove/", {"amount": "1", "reason": "x"}).status_code == 403
