"""The zh-hans page walk: every page of every role, in Chinese, on a phone-sized screen.

The demo loader seeds a small but complete organisation (campaigns, leads in every state, deals at every
stage with gate reviews and quotes, notifications). Each role signs in once, in its own browser context,
and visits every page it can reach from the menu and from the pages it links to (one page per URL
pattern). On every page:

- no English word shows outside the allow-list and the data people typed (``walk.english_words``);
- nothing scrolls sideways at 390 px (``scrollWidth <= clientWidth``);
- no server error, and a refusal is the localised "no access" page.
"""

from __future__ import annotations

import pytest

from m2c.core.models import Role
from tests import demo_data
from tests.conftest import TEST_PASSWORD
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


def _sign_in(browser, base_url, username, password):
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(15_000)
    # The language the user picked last time (the language menu's cookie), as a returning user has it.
    context.add_cookies([{"name": "m2c_language", "value": "zh-hans", "url": base_url}])
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
    visited = 0
    for role in GROUPS[group]:
        username = ROLES[role]
        password = TEST_PASSWORD if role == "administrator" else DEMO_PASSWORD
        context, page, landed = _sign_in(browser, live_server.url, username, password)
        try:
            assert page.locator("html").get_attribute("lang") == "zh-hans"
            # The home page signing in landed on is walked as it is, not loaded again.
            results = walk.walk(page, ["/"], landed=landed)
        finally:
            context.close()
        visited += len(results)
        for path, found in results.items():
            issues = []
            if found["status"] >= 500 or found["status"] == 0:
                issues.append(f"status {found['status']}")
            if found["status"] == 403 and "无权访问" not in found["text"]:
                issues.append("a refusal that is not the localised no-access page")
            if found["scroll"] > found["client"]:
                issues.append(f"scrolls sideways: {found['scroll']} > {found['client']} px")
            words = sorted(set(walk.english_words(found["text"], vocabulary)))
            if words:
                issues.append("English: " + " ".join(words)[:300])
            if issues:
                problems[f"{role} {path}"] = issues
    assert visited >= 4 * 12, f"the walk reached only {visited} pages"
    assert problems == {}, "\n".join(f"{page}: {'; '.join(issues)}" for page, issues in problems.items())
