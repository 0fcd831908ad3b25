"""The receipt page in a real browser, in Chinese, on a 390 px phone: the suggestion is confirmed in one
click, nothing scrolls sideways; the invoice page fits as well."""

from __future__ import annotations

import pytest

from m2c.billing import services
from m2c.billing.models import Invoice
from tests.conftest import login

from .conftest import invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_one_click_confirmation_on_a_phone_in_chinese(browser, live_server, planned):
    inv1 = invoice(planned, 2, "26312000000000000001")
    receipt = services.receipt_record(actor=planned.finance, amount_="3000000", received_on=planned.day(20),
                                      payer_name="申江大学", remittance="货款 发票号 26312000000000000001")
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, planned.finance.username)
        page.goto(f"/billing/invoices/{inv1.pk}/")
        assert "红字发票" in page.content() and page.evaluate(SIDEWAYS) <= 0
        page.goto(f"/billing/receipts/{receipt.pk}/")
        assert "匹配建议" in page.content() and page.evaluate(SIDEWAYS) <= 0
        page.click(".confirm-suggestion")
        page.locator("#receipt-status").wait_for()
        assert page.locator("#receipt-status").inner_text() == "已核销"
        assert page.evaluate(SIDEWAYS) <= 0
    finally:
        context.close()
    assert Invoice.objects.get(pk=inv1.pk).status == "PAID"
