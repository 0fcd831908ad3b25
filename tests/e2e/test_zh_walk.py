"""The zh-hans page walk: every page of every role, in Chinese, on a phone-sized screen.

The demo loader seeds a small but complete organisation (campaigns, leads in every state, deals at every
stage with gate reviews and quotes, notifications). Each role signs in once, in its own browser context,
and visits every page it can reach from the menu and from the pages it links to (one page per URL
pattern). A pattern is laid out in Chromium once per walk, for the first role that reaches it; the other
roles' pages of that pattern are read from the HTML the server sends them (text and links, no layout).
On every page:

- no English word shows outside the allow-list and the data people typed (``walk.english_words``);
- nothing scrolls sideways at 390 px (``scrollWidth <= clientWidth``), on the pages laid out;
- no server error, and a refusal is the localised "no access" page.
"""

from __future__ import annotations

import pytest
from django.test import Client

from m2c.core.models import Role, User
from tests import demo_data
from tests.conftest import TEST_PASSWORD, sign_in
from tests.e2e import walk
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]

DEMO_PASSWORD = "m2c-demo-2026"
# One user per role, from the demo's organisation; the administrator is added by the test.
ROLES = {
    "marketing": "mkt.zhou",
    "ar": "ar.li",
    "sr": "sr.zhao",
    "fr": "fr.chen",
    "finance": "fin.sun",
    "decision_team": "sdt.east",
    "executive": "exec.liu",
    "partner": "partner.p1",
    "administrator": "root.admin",
}
PHONE = {"width": 390, "height": 844}
# Two walks, one per test worker (a walk of all nine took ~85 s on one core). The demo data is loaded once
# and copied for the other walks (tests/demo_data.py).
GROUPS = {
    "sales-finance": ("ar", "sr", "fr", "finance"),
    "marketing-oversight": ("marketing", "decision_team", "executive", "partner", "administrator"),
}


def _context(browser, base_url):
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(15_000)
    # The language the user picked last time (the language menu's cookie), as a returning user has it.
    context.add_cookies([{"name": "m2c_language", "value": "zh-hans", "url": base_url}])
    return context


def _sign_in(browser, base_url, username, password):
    context = _context(browser, base_url)
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation(url=lambda url: "/login/" not in url, wait_until="domcontentloaded") as landing:
        page.click("#sign-in")
    return context, page, landing.value


def test_the_groups_cover_every_role():
    assert sorted(role for group in GROUPS.values() for role in group) == sorted(ROLES)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("group", list(GROUPS))
def test_every_page_of_every_role_is_chinese_and_fits_a_phone(browser, live_server, group):
    demo_data.load(customers=12)
    UserFactory(username="root.admin", display_name="系统管理员", roles=[Role.ADMINISTRATOR], is_superuser=True,
                is_staff=True)
    vocabulary = walk.data_vocabulary()

    problems: dict[str, list[str]] = {}
    visited = browsed_pages = 0
    browsed: set[str] = set()  # URL patterns this walk has seen in the browser, whichever role
    for number, role in enumerate(GROUPS[group]):
        username = ROLES[role]
        password = TEST_PASSWORD if role == "administrator" else DEMO_PASSWORD
        client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-CN")
        client.cookies["m2c_language"] = "zh-hans"
        client.force_login(User.objects.get(username=username))
        tab: list = []  # the role's browser tab, opened when a page needs it
        landed = None
        if number == 0:  # the first role of each walk signs in through the form, in Chinese
            context, page, response = _sign_in(browser, live_server.url, username, password)
            tab.append((context, page))
            assert page.locator("html").get_attribute("lang") == "zh-hans"
            landed = (page, response)  # the home page signing in landed on is walked as it is

        def open_page(tab=tab, username=username):
            if not tab:
                context = _context(browser, live_server.url)
                page = context.new_page()
                sign_in(page, live_server.url, username)
                tab.append((context, page))
            return tab[0][1]

        try:
            results = walk.walk(open_page, client, ["/"], browsed=browsed, landed=landed)
        finally:
            for context, _page in tab:
                context.close()
        browsed_pages += sum(found["browser"] for found in results.values())
        visited += len(results)
        for path, found in results.items():
            issues = []
            if found["status"] >= 500 or found["status"] == 0:
                issues.append(f"status {found['status']}")
            if found["status"] == 403 and "无权访问" not in found["text"]:
                issues.append("a refusal that is not the localised no-access page")
            if found["browser"] and found["scroll"] > found["client"]:
                issues.append(f"scrolls sideways: {found['scroll']} > {found['client']} px")
            words = sorted(set(walk.english_words(found["text"], vocabulary)))
            if words:
                issues.append("English: " + " ".join(words)[:300])
            if issues:
                problems[f"{role} {path}"] = issues
    assert visited >= 4 * 12, f"the walk reached only {visited} pages"
    assert browsed_pages >= 30, f"only {browsed_pages} pages were laid out in the browser"
    assert problems == {}, "\n".join(f"{page}: {'; '.join(issues)}" for page, issues in problems.items())
