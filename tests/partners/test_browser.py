"""The partner portal in a real browser: a partner user signs in, accepts a lead offered to them, registers
a deal; a second partner's registration of the same customer under another spelling is refused neutrally."""

from __future__ import annotations

import pytest

from m2c.leads.models import Lead
from m2c.partners import services
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _register(page, customer: str, line) -> None:
    page.click("#register-deal")
    page.fill("#id_customer_name", customer)
    page.fill("#id_project_name", "核心交换机更新")
    page.select_option("#id_offering_line", value=str(line.pk))
    page.fill("#id_budget", "3000000")
    page.fill("#id_decision_chain", "信息中心主任 → 院长办公会")
    page.fill("#id_implementation_date", "2027-03-01")
    page.click("#submit-registration")


def test_portal_accept_a_lead_register_a_deal_and_see_the_conflict_refusal(page, channel, users):
    lead = Lead.objects.create(title="医院无线覆盖", raw_customer_name="上海市第一人民医院", owner=users.ar)
    lead.offering_lines.set([channel.campus])
    services.offer_make(actor=None, lead=lead, partner=channel.p1)
    login(page, "p1.user")
    page.goto("/partners/")
    assert page.inner_text("#kpi-offers") == "1"
    page.click("#offered-leads")
    page.click("#offer-table button:has-text('Accept')")
    page.wait_for_selector("#offer-table:has-text('Accepted')")
    page.goto("/partners/")
    _register(page, "上海市第一人民医院", channel.campus)
    page.wait_for_selector("#registration-status")
    assert page.inner_text("#registration-status") == "Under review"
    page.context.clear_cookies()
    login(page, "p2.user")
    page.goto("/partners/")
    _register(page, "上海第一人民医院", channel.campus)
    page.wait_for_selector("#refusal")
    assert page.inner_text("#registration-status") == "Rejected"
    assert "already registered or covered" in page.inner_text("#refusal")
    assert channel.p1.legal_name not in page.content()
