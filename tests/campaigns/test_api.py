"""The campaigns API: plan, move and spend a campaign under a budget, in the reader's language, with
problem responses naming the field; other roles refused."""

from decimal import Decimal

import pytest

from m2c.campaigns.models import BudgetEntry, Campaign, CampaignExpense

pytestmark = pytest.mark.django_db


def _plan(api, users, budget, **overrides):
    body = {"name": "智慧园区巡展", "level": "regional", "journey_stage": "evaluation", "org_unit": "east",
            "offering_lines": ["campus"], "start_date": "2026-12-10", "end_date": "2026-12-12",
            "target_valid_leads": 40, "target_opportunities": 10, "target_pipeline": "20000000.00",
            "budget": str(budget.pk), "budget_amount": "200000.00"}
    body.update(overrides)
    return api(users.marketing).post("/campaigns", body)


def test_plan_submit_approve_spend_and_read_the_ledger(api, users, lines, east_budget):
    response = _plan(api, users, east_budget)
    assert response.status_code == 201, response.json()
    campaign = response.json()
    assert (campaign["status"], campaign["offering_lines"], campaign["budget_amount"]) == (
        "DRAFT", ["campus"], {"amount": "200000.0000", "currency": "CNY"})
    client = api(users.marketing)
    for command in ("submit", "approve"):
        moved = client.post(f"/campaigns/{campaign['id']}/{command}")
        assert moved.status_code == 200, moved.json()
    assert moved.json()["committed"]["amount"] == "200000.0000"
    spent = client.post(f"/campaigns/{campaign['id']}/expenses", {
        "category": "venue", "supplier": "上海国际会议中心", "amount": "120000.00", "spent_on": "2026-12-10"})
    assert spent.status_code == 201, spent.json()
    assert client.get(f"/campaigns/{campaign['id']}/expenses").json()[0]["supplier"] == "上海国际会议中心"
    budget = client.get(f"/budgets/{east_budget.pk}").json()
    assert (budget["committed"]["amount"], budget["spent"]["amount"], budget["available"]["amount"]) == (
        "200000.0000", "120000.0000", "1800000.0000")
    kinds = [e["kind"] for e in client.get(f"/budgets/{east_budget.pk}/entries").json()]
    assert kinds == ["spend", "commit", "allocate_in"]


def test_refusals_name_the_field_in_chinese_and_change_nothing(api, users, lines, east_budget):
    campaign = _plan(api, users, east_budget, budget_amount="1900000.00").json()
    client = api(users.marketing)
    client.post(f"/campaigns/{campaign['id']}/submit")
    client.post(f"/campaigns/{campaign['id']}/approve")  # 1.9M of 2.0M: committed
    second = _plan(api, users, east_budget, name="第二场", budget_amount="200000.00").json()
    client.post(f"/campaigns/{second['id']}/submit")
    refused = client.post(f"/campaigns/{second['id']}/approve", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 422 and refused["Content-Type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "budget_exceeded" and problem["errors"][0]["field"] == "budget_amount"
    assert "可用" in problem["detail"]
    over = client.post(f"/campaigns/{campaign['id']}/expenses", {
        "category": "media", "supplier": "广告公司", "amount": "2090000.01"})
    assert over.status_code == 409 and over.json()["code"] == "needs_reapproval"
    floats = client.post(f"/campaigns/{campaign['id']}/expenses", {"category": "media", "supplier": "x", "amount": 1.5})
    assert floats.status_code == 422
    unknown = client.post("/budgets", {"name": "x", "level": "regional", "org_unit": "nowhere", "fiscal_year": 2026})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "org_unit"
    assert not CampaignExpense.objects.exists()
    assert Campaign.objects.get(pk=second["id"]).status == "SUBMITTED"


@pytest.mark.parametrize("who", ["ar", "finance", "partner"])
def test_other_roles_are_refused(api, users, east_budget, who):
    client = api(getattr(users, who))
    entries = BudgetEntry.objects.count()
    assert client.get("/budgets").status_code == 403
    assert client.get("/campaigns").status_code == 403
    assert client.post(f"/budgets/{east_budget.parent_id}/allocate",
                       {"child": str(east_budget.pk), "amount": "1"}).status_code == 403
    assert BudgetEntry.objects.count() == entries
    east_budget.refresh_from_db()
    assert east_budget.amount == Decimal("2000000")
