"""The five-flows page and the finance workbench in a real browser, in Chinese: their ECharts charts
render (a canvas of non-zero size), no stray English; screenshots for the docs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from m2c.billing import services
from tests.conftest import login

from .conftest import pac
from .test_flows import _story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# M2C_SCREENSHOTS=1 refreshes the docs' screenshots; otherwise they go to the test's temporary folder.
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
CANVAS = "(sel) => { const c = document.querySelector(sel + ' canvas'); return c ? [c.width, c.height] : [0, 0]; }"


def _chart_size(page, selector):
    page.locator(f"{selector} canvas").wait_for()
    return page.evaluate(CANVAS, selector)


def test_five_flows_and_workbench_render_their_charts_in_chinese(browser, live_server, planned, tmp_path):
    img = DOCS_IMG if os.environ.get("M2C_SCREENSHOTS") else tmp_path
    c, _f, _inv1, _inv2 = _story(planned)
    pac(planned, c.sites.get(name__contains="South"), 95)
    services.receipt_record(actor=planned.finance, amount_="1000000", received_on=planned.day(100),
                            payer_name="申江大学", remittance="货款 26312000000000000001")
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, planned.finance.username)
        page.goto(f"/billing/contracts/{c.pk}/flows/")
        width, height = _chart_size(page, "#chart-flows")
        assert width > 0 and height > 0
        assert page.locator("#gap-invoiced_not_paid").inner_text().startswith("已开票未回款")
        assert page.locator("#flow-acceptance").inner_text().startswith("已验收")
        page.screenshot(path=str(img / "contract-five-flows-zh.png"), full_page=True)
        page.goto("/billing/workbench/")
        width, height = _chart_size(page, "#chart-workbench")
        assert width > 0 and height > 0
        assert page.locator("#count-overdue").inner_text() == "2"
        assert "财务工作台" in page.content()
        page.screenshot(path=str(img / "finance-workbench-zh.png"), full_page=True)
    finally:
        context.close()
