"""The contract page in a real browser: in Chinese, at 390 px wide, nothing scrolls sideways, and the
handover form posted from the page moves the contract on."""

from __future__ import annotations

import pytest

from m2c.contracts.models import Contract
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_the_contract_page_on_a_phone_in_chinese(browser, live_server, won):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "m2c_language", "value": "zh-hans", "url": live_server.url}])
    page = context.new_page()
    try:
        login(page, won.deal.ar.username)
        page.goto("/contracts/")
        assert page.locator("#contracts").inner_text().count(won.contract.number) == 1
        assert page.evaluate(SIDEWAYS) <= 0
        page.goto(f"/contracts/{won.contract.pk}/")
        assert "已签署" in page.locator("#contract-status").inner_text()
        assert "未开票" in page.locator("#credit-exposure").inner_text()
        assert page.evaluate(SIDEWAYS) <= 0
        page.select_option("#handover select[name=pm]", label=str(won.deal.fr))
        with page.expect_navigation():
            page.click("#handover-save")
        assert "执行中" in page.locator("#contract-status").inner_text()
        assert page.evaluate(SIDEWAYS) <= 0
    finally:
        context.close()
    assert Contract.objects.get(pk=won.contract.pk).status == "IN_EXECUTION"
