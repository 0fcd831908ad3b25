"""The browser path a new user takes: sign in, switch to Chinese, create a customer, find it."""

import re

import pytest
from playwright.sync_api import expect

from m2c.customers.models import Customer
from tests.conftest import login
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_to_chinese_create_and_find_a_customer(page, users, org):
    login(page, "mkt")
    # The menu submits on change: wait for that page, not for a quiet network (which the page before the
    # switch could already be, so the check ran on the English page on a busy machine).
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("[data-nav=customers]").inner_text().strip() == "客户"

    page.click("[data-nav=customers]")
    page.click("#new-customer")
    page.fill("#id_legal_name", "申江大学")
    page.fill("#id_credit_code", "12310000MB0000000X"[:17] + "X")
    page.click("#save-customer")
    # A wrong check character is shown beside the field, in Chinese, and nothing is saved.
    error = page.locator("[data-field=credit_code]")
    assert "校验" in error.inner_text()
    assert Customer.objects.count() == 0

    page.fill("#id_credit_code", "")
    page.select_option("#id_industry", "education")
    page.click("#save-customer")
    page.wait_for_url(re.compile(r"/customers/[0-9a-f-]{36}/$"))
    assert page.locator("#customer-name").inner_text() == "申江大学"
    assert "创建" in page.locator("#timeline").inner_text()

    CustomerFactory(legal_name="上海华信燃气有限公司", normalized_name="上海华信燃气", org_unit=org.east)
    # The click starts a navigation and returns before the new page is parsed: poll for the rows, as a
    # busy machine (CI) read the old page's empty table.
    page.click("[data-nav=customers]")
    expect(page.locator("#customers tbody tr")).to_have_count(2)
    page.fill("#search", "申江")
    page.wait_for_url(re.compile(r"search="))
    # expect() polls without evaluating a string in the page, which the Content-Security-Policy forbids.
    expect(page.locator("#customers tbody tr")).to_have_count(1)
    assert page.locator("#customers tbody tr").first.inner_text().startswith("申江大学")
    assert "共 1 个客户" in page.locator("#customer-count").inner_text()

    # The pager (web/_pager.html): the next page of the search swaps the table in place, filter kept.
    for n in range(25):
        CustomerFactory(legal_name=f"申江大学附属第{n}中学", org_unit=org.east)
    page.reload()
    assert page.locator("#customers tbody tr").count() == 25
    page.locator("#customer-table .pagination a", has_text="下一页").click()
    page.wait_for_url(re.compile(r"search=.*page=2"))
    expect(page.locator("#customers tbody tr")).to_have_count(1)  # 26 match: 25 on page 1
    assert "第 2 页，共 2 页" in page.locator("#customer-table .pagination").inner_text()
    assert page.locator("#search").input_value() == "申江"
