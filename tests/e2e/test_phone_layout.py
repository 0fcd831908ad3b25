"""Phone and tablet layout: the menu is off-canvas below 992 px, lists scroll in their own box, nothing
scrolls sideways; from 992 px up the menu is a column beside the page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
ENDLESS_ANIMATIONS = """() => document.getAnimations()
  .filter(a => a.effect.getComputedTiming().iterations === Infinity).map(a => a.animationName || String(a.id))"""


def test_phone_menu_lists_and_desktop_column(browser, live_server, users, org):
    for n in range(3):
        CustomerFactory(legal_name=f"上海申江智慧园区建设发展集团有限公司第{n}分公司", org_unit=org.east, city="上海")
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, "mkt")
        page.goto("/customers/")
        # A page at rest runs no endless animation (the hidden progress bar's once redrew every page 60 times
        # a second, for as long as it was open).
        assert page.evaluate(ENDLESS_ANIMATIONS) == []
        # Phone: the menu is closed, a button opens it, and a link in it leads on.
        assert page.locator("#menu-toggle").is_visible()
        assert not page.locator("[data-nav=leads]").is_visible()
        assert page.evaluate(SIDEWAYS) <= 0
        page.click("#menu-toggle")
        page.locator("#m2c-sidebar.show").wait_for()
        assert page.locator("[data-nav=leads]").is_visible()
        page.click("[data-nav=leads]")
        page.wait_for_url(re.compile(r"/leads/$"))
        assert not page.locator("#m2c-sidebar.show").is_visible()

        # The customer list fits the phone; a list wider than the phone (here: a cell that cannot wrap, as
        # amounts and codes are) scrolls inside its own box, and the page still does not.
        page.goto("/customers/")
        table = page.locator("#customers")
        assert table.evaluate("t => getComputedStyle(t).overflowX") == "auto"
        assert table.bounding_box()["x"] + table.bounding_box()["width"] <= 390
        table.evaluate("""t => { const cell = t.querySelector('tbody td');
                                 cell.style.whiteSpace = 'nowrap'; cell.textContent = '1,234,567,890.00 CNY '.repeat(4); }""")
        widths = table.evaluate("t => [t.scrollWidth, t.clientWidth]")
        assert widths[0] > widths[1] + 100
        assert page.evaluate(SIDEWAYS) <= 0

        # Tablet (portrait iPad): still the off-canvas menu.
        page.set_viewport_size({"width": 820, "height": 1180})
        page.goto("/")
        assert page.locator("#menu-toggle").is_visible() and page.evaluate(SIDEWAYS) <= 0

        # Desktop: the menu is a column, always shown, with no toggle.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto("/")
        assert not page.locator("#menu-toggle").is_visible()
        assert page.locator("[data-nav=leads]").is_visible()
        box = page.locator(".m2c-sidebar").bounding_box()
        assert box is not None and box["x"] == 0 and 240 <= box["width"] <= 260
    finally:
        context.close()
