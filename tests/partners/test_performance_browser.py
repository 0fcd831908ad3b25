"""The partner page's performance charts in a real browser, in Chinese, after a registered deal was won, invoiced,
collected and its rebate paid: the four ECharts charts render (a canvas of non-zero size); a screenshot for the docs."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from m2c.billing import services as billing
from m2c.contracts.models import Contract
from m2c.partners import services
from m2c.partners.models import IncentiveAccrual
from m2c.partners.performance import quarters
from tests.billing.conftest import TERMS, invoice, pay
from tests.conftest import login
from tests.contracts.conftest import deal, rates  # noqa: F401 - fixtures reused

from .conftest import invoice_the_rest, register
from .test_performance_channel import scenario  # noqa: F401 - fixture reused
from .test_registered_deal import policies, win_registered

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# M2C_SCREENSHOTS=1 refreshes the docs' screenshot; otherwise it goes to the test's temporary folder.
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
CANVAS = "(sel) => { const c = document.querySelector(sel + ' canvas'); return c ? [c.width, c.height] : [0, 0]; }"
CHARTS = ("#chart-registrations", "#chart-won-cash", "#chart-incentives", "#chart-mdf")


def test_the_partner_page_draws_its_performance_in_chinese(browser, live_server, channel, deal, users, tmp_path):  # noqa: F811
    img = DOCS_IMG if os.environ.get("M2C_SCREENSHOTS") else tmp_path
    today = timezone.localdate()
    policies(channel)
    reg = register(channel, channel.p1, channel.p1_user, name="申江大学")
    services.registration_approve(registration=reg, actor=channel.cm)
    services.registration_convert(registration=reg, actor=channel.cm)
    register(channel, channel.p2, channel.p2_user, name="申江大学")  # refused: the key is held
    reg.refresh_from_db()
    contract = Contract.objects.get(opportunity=win_registered(deal, reg.opportunity))
    day0 = today - dt.timedelta(days=10)
    Contract.objects.filter(pk=contract.pk).update(signed_on=day0)
    contract.refresh_from_db()
    s = SimpleNamespace(contract=contract, deal=deal, finance=users.finance, day=lambda n: day0 + dt.timedelta(days=n))
    billing.milestone_plan(contract=contract, actor=users.finance, rows=TERMS)
    pay(s, invoice(s, 2, "26312000000000000001"), "3000000", 5, "B-5")
    pac, fac = invoice_the_rest(s, 4)  # eligible only once the whole contract is invoiced and paid
    pay(s, pac, "6000000", 8, "B-8")
    pay(s, fac, "1000000", 9, "B-9")
    services.incentive_sweep(today=today + dt.timedelta(days=6))
    services.accrual_pay(actor=channel.cm, accrual=IncentiveAccrual.objects.get(policy__code="drr"), reference="FK-1")
    _label, start, end = quarters(today)[-1]
    services.quota_set(actor=channel.cm, partner=channel.p1, period_start=start, period_end=end, amount="300000")

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, channel.cm.username)
        page.goto(f"/partners/{channel.p1.pk}/")
        assert "按季度业绩" in page.locator("#partner-performance").inner_text()
        for selector in CHARTS:
            page.locator(f"{selector} canvas").wait_for()
            width, height = page.evaluate(CANVAS, selector)
            assert width > 0 and height > 0, selector
        page.locator("#partner-performance").screenshot(path=str(img / "partners-performance-zh.png"))
    finally:
        context.close()


CHANNEL_CHARTS = ("#chart-pipeline-bookings", "#chart-registration-funnel", "#chart-mdf-return")


def test_the_channel_performance_page_draws_its_charts_in_chinese(browser, live_server, channel, scenario,  # noqa: F811
                                                                 tmp_path):
    """The channel manager compares the partners (tests/partners/test_performance_channel.py's scenario): the
    three charts render, the table and its totals read in Chinese; a screenshot for the docs."""
    img = DOCS_IMG if os.environ.get("M2C_SCREENSHOTS") else tmp_path
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1440, "height": 1000})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, channel.cm.username)
        page.goto("/partners/")
        page.locator("#to-performance").click()
        page.wait_for_url("**/partners/performance/")
        page.select_option("select[name=period]", "last_4_quarters")
        page.wait_for_url("**period=last_4_quarters**")
        assert "合作伙伴业绩" in page.locator("h1").inner_text()
        for selector in CHANNEL_CHARTS:
            page.locator(f"{selector} canvas").wait_for()
            width, height = page.evaluate(CANVAS, selector)
            assert width > 0 and height > 0, selector
        first = page.locator("#performance-table tbody tr").first
        assert channel.p1.legal_name in first.inner_text() and "10,000,000.00" in first.inner_text()
        totals = page.locator("#performance-totals").inner_text()
        assert "合计" in totals and "3 / 2 / 1" in totals and "50%" in totals
        assert page.locator("#kpi-share").inner_text() == "100%"
        page.locator("main").screenshot(path=str(img / "partners-channel-performance-zh.png"))
    finally:
        context.close()
