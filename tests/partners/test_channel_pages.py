"""The MDF, special-price and incentive pages: a partner user applies and claims with proof through the pages
and sees only its own; the channel manager reviews with the commands; statements download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from m2c.core.calendar import add_working_days
from m2c.partners import services
from m2c.partners.models import MdfApplication
from tests.conftest import client_as
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_mdf_pages_apply_approve_execute_claim_reimburse(channel):
    today = timezone.localdate()
    services.quota_set(actor=channel.cm, partner=channel.p1, period_start=today, period_end=today + dt.timedelta(days=364),
                       amount="50000")
    p1, p2, cm = client_as(channel.p1_user), client_as(channel.p2_user), client_as(channel.cm)
    late = p1.post("/partners/mdf/", {"activity": "渠道沙龙", "activity_date": str(add_working_days(today, 5)),
                                      "budget": "20000", "objective_leads": "10", "objective_opportunities": "2"})
    assert late.status_code == 422 and "工作日" in late.content.decode()
    made = p1.post("/partners/mdf/", {"activity": "渠道沙龙", "activity_date": str(add_working_days(today, 11)),
                                      "budget": "20000", "objective_leads": "10", "objective_opportunities": "2"})
    app = MdfApplication.objects.get()
    assert made.status_code == 302 and app.status == "SUBMITTED" and app.activity == "渠道沙龙"
    assert p2.get(f"/partners/mdf/{app.pk}/").status_code == 404
    assert "渠道沙龙" not in p2.get("/partners/mdf/").content.decode()
    p1.post(f"/partners/mdf/{app.pk}/do/approve/", {})
    app.refresh_from_db()
    assert app.status == "SUBMITTED"  # the partner cannot approve its own application
    cm.post(f"/partners/mdf/{app.pk}/do/approve/", {"amount": "18000"})
    campaign = CampaignFactory(code="salon-page", name="渠道沙龙活动")
    p1.post(f"/partners/mdf/{app.pk}/do/execute/", {"campaign": str(campaign.pk)})
    claim = p1.post(f"/partners/mdf/{app.pk}/", {
        "line0-expense_type": "venue", "line0-description": "场地", "line0-amount": "15000",
        "line0-evidence": SimpleUploadedFile("场地.pdf", b"%PDF-1.4"),
        "line1-expense_type": "gifts", "line1-description": "礼品", "line1-amount": "3000", "line1-persons": "10",
        "line1-evidence": SimpleUploadedFile("礼品.pdf", b"%PDF-1.4")})
    assert claim.status_code == 302
    page = p1.get(f"/partners/mdf/{app.pk}/").content.decode()
    assert "每人" in page and "场地.pdf" in page  # the gift line's reason, in Chinese
    cm.post(f"/partners/mdf/{app.pk}/do/reimburse/", {})
    app.refresh_from_db()
    assert app.status == "REIMBURSED" and app.reimbursed_amount == 15000
    html = p1.get("/partners/mdf/").content.decode()
    assert 'id="mdf-roi"' in html
    assert 'id="chart-mdf-quota"' in cm.get("/partners/mdf/").content.decode()


def test_incentive_and_special_price_pages(channel):
    p1, cm = client_as(channel.p1_user), client_as(channel.cm)
    page = p1.get("/partners/incentives/")
    assert page.status_code == 200 and 'id="statement-form"' in page.content.decode()
    today = timezone.localdate()
    pdf = p1.get("/partners/incentives/statement/", {"start": str(today - dt.timedelta(days=30)), "end": str(today),
                                                     "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = cm.get("/partners/incentives/statement/", {"start": str(today), "end": str(today), "format": "xlsx",
                                                      "partner": str(channel.p2.pk)})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert p1.get("/partners/special-prices/").status_code == 200
    assert cm.get("/partners/special-prices/").status_code == 200


def test_the_partner_page_shows_its_mdf_return(channel):
    page = client_as(channel.cm).get(f"/partners/{channel.p1.pk}/").content.decode()
    assert 'id="mdf-roi"' in page and "MDF 回报" in page
