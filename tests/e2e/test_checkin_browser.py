"""Issue 11's browser test: register through the public form, open the QR check-in page on a phone, submit
the code, and the response and the lead appear."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from m2c.campaigns.models import CampaignResponse
from m2c.leads.capture import load_settings
from m2c.leads.models import Lead
from tests.conftest import login
from tests.leads.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_then_check_in_by_qr_code_and_the_response_and_lead_appear(page, users, lines, org):
    from django.core.cache import cache

    cache.clear()  # no rate-limit count left over from another test of the same address
    load_settings()
    today = timezone.localdate()
    campaign = CampaignFactory(code="east-campus-seminar", name="华东园区网络研讨会", journey_stage="interest",
                               org_unit=org.east, start_date=today, end_date=today + dt.timedelta(days=1))
    campaign.offering_lines.set([lines.campus])
    page.set_viewport_size({"width": 390, "height": 844})  # a phone, at the door as at home

    # A visitor registers through the public form (no login) and gets the QR code.
    page.goto("/campaigns/r/east-campus-seminar/")
    page.fill("#id_name", "王芳")
    page.fill("#id_company", "申江大学")
    page.fill("#id_email", "wang.fang@shenjiang.edu.cn")
    page.fill("#id_phone", "13800138000")
    page.check("#id_consent")
    page.click("#submit-registration")
    page.wait_for_selector("#qr")
    assert page.locator("#qr").evaluate("img => img.naturalWidth") > 0  # the QR image renders
    code = page.inner_text("#checkin-code").strip()
    assert len(code) >= 16

    # Marketing opens the check-in page on a phone; the scanner types the code and submits.
    page.context.clear_cookies()
    login(page, "mkt")
    page.goto(f"/campaigns/{campaign.pk}/checkin/")
    page.fill("#id_code", code)
    page.press("#id_code", "Enter")
    page.wait_for_selector("#checkin-result.alert-success")
    assert "王芳" in page.inner_text("#checkin-result")
    page.fill("#id_code", code)  # scanned again: already checked in, at the same time
    page.click("#checkin-submit")
    page.wait_for_selector("#checkin-result.alert-warning")
    hhmm = timezone.localtime(campaign.registrations.get().checked_in_at).strftime("%H:%M")
    assert hhmm in page.inner_text("#checkin-result")

    # The responses (registration and attendance) and their lead appear.
    page.goto("/campaigns/responses/")
    rows = page.locator("#responses tbody tr")
    assert rows.count() == 2 and "王芳" in rows.first.inner_text()
    page.locator("#responses a", has_text="Open").first.click()
    page.wait_for_url("**/leads/*/")
    lead = Lead.objects.get(pk=CampaignResponse.objects.get(type="attendance").lead_id)
    assert lead.source_campaign == campaign and str(lead.pk) in page.url
    assert "申江大学" in page.content()
