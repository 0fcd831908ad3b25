"""The receivables page in a real browser, in Chinese: both ECharts charts draw (under the site's CSP, no
inline script), no script error, and the page fits a 390 px phone without scrolling sideways."""

from __future__ import annotations

import pytest

from tests.conftest import login

from .conftest import invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_receivables_page_draws_its_charts_in_chinese_on_a_phone(browser, live_server, planned):
    invoice(planned, 2, "26312000000000000001")
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        login(page, planned.finance.username)
        page.goto("/billing/receivables/")
        page.locator("#chart-aging canvas").wait_for()
        page.locator("#chart-dso canvas").wait_for()
        assert "应收账款与账龄" in page.content() and "申江大学" in page.locator("#aging-table").inner_text()
        assert page.evaluate(SIDEWAYS) <= 0
    finally:
        context.close()
    assert [e for e in errors if "favicon" not in e] == []
