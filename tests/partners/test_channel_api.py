"""The channel API: MDF application to reimbursement with a multipart claim, incentives and the statement,
partner users confined to their own partner."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from m2c.core.calendar import add_working_days
from m2c.partners import services
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_mdf_through_the_api(channel, api):
    p1, p2, cm = api(channel.p1_user), api(channel.p2_user), api(channel.cm)
    today = timezone.localdate()
    quota = cm.post("/mdf/quotas", {"partner": str(channel.p1.pk), "period_start": str(today),
                                    "period_end": str(today + dt.timedelta(days=364)), "amount": "80000"})
    assert quota.status_code == 201, quota.json()
    assert p1.post("/mdf/quotas", {"partner": str(channel.p1.pk), "period_start": str(today),
                                   "period_end": str(today), "amount": "1"}).status_code == 403
    body = {"activity": "伙伴技术沙龙", "activity_date": str(add_working_days(today, 9)), "budget": "30000",
            "objective_leads": 20, "objective_opportunities": 4}
    late = p1.post("/mdf", body)
    assert late.status_code == 422 and "activity_date" in json.dumps(late.json())
    made = p1.post("/mdf", {**body, "activity_date": str(add_working_days(today, 10))})
    assert made.status_code == 201 and made.json()["status"] == "SUBMITTED"
    mdf_id = made.json()["id"]
    assert p2.get(f"/mdf/{mdf_id}").status_code == 404
    assert p2.get("/mdf").json()["items"] == []
    assert p1.post(f"/mdf/{mdf_id}/approve", {}).status_code == 403
    assert Decimal(cm.post(f"/mdf/{mdf_id}/approve", {"amount": "25000"}).json()["approved_amount"]["amount"]) == Decimal("25000")
    campaign = CampaignFactory(code="salon", name="技术沙龙")
    assert p1.post(f"/mdf/{mdf_id}/execute", {"campaign": str(campaign.pk)}).json()["status"] == "EXECUTED"
    lines = [{"expense_type": "venue", "description": "场地", "amount": "20000"},
             {"expense_type": "gifts", "description": "礼品", "amount": "3000", "persons": 10}]
    claimed = p1.client.post(f"/api/v1/mdf/{mdf_id}/claim", {
        "lines": json.dumps(lines), "evidence_0": SimpleUploadedFile("场地.pdf", b"%PDF-1.4"),
        "evidence_1": SimpleUploadedFile("礼品.pdf", b"%PDF-1.4")})
    assert claimed.status_code == 200, claimed.content
    out = claimed.json()
    assert [x["eligible"] for x in out["claim_lines"]] == [True, False]
    assert out["claim_lines"][1]["reasons"][0]["code"] == "gift_cap"
    assert cm.post(f"/mdf/{mdf_id}/reimburse", {"amount": "26000"}).status_code == 422
    done = cm.post(f"/mdf/{mdf_id}/reimburse", {})
    assert done.json()["status"] == "REIMBURSED" and Decimal(done.json()["reimbursed_amount"]["amount"]) == Decimal("20000")


def test_incentive_statement_downloads_and_isolation(channel, api):
    p1, p2, cm = api(channel.p1_user), api(channel.p2_user), api(channel.cm)
    today = timezone.localdate()
    policy = cm.post("/incentives/policies", {"code": "drr", "name": "报备奖励", "kind": "DRR",
                                              "period_start": str(today - dt.timedelta(days=10)),
                                              "period_end": str(today), "fixed": "5000"})
    assert policy.status_code == 201, policy.json()
    assert p1.post("/incentives/policies", {"code": "x", "name": "x", "kind": "DRR", "period_start": str(today),
                                            "period_end": str(today)}).status_code == 403
    start, end = str(today - dt.timedelta(days=30)), str(today)
    pdf = p1.get("/incentives/statement", {"start": start, "end": end})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = p1.get("/incentives/statement", {"start": start, "end": end, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert p2.get("/incentives/statement", {"start": start, "end": end, "partner": str(channel.p1.pk)}).status_code == 404
    assert cm.get("/incentives/statement", {"start": start, "end": end, "partner": str(channel.p1.pk)}).status_code == 200
    assert services.incentive_sweep() == 0
