"""The Settings menu (issue 9 item 8): administrators see the configuration pages, nobody else does; the
campaigns item leads to a working page for marketing and executives only."""

import pytest
from django.test import Client

from m2c.web import navigation
from tests.opportunities.conftest import deal, rates  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SETTINGS = ["settings-bodies", "settings-matrix", "settings-price-lists", "settings-products", "settings-routing",
            "settings-territories"]


def _keys(user):
    return [item["key"] for section in navigation.build(None, user) for item in section["items"] if item["url"]]


def test_administrators_see_every_settings_page_and_each_one_opens(users):
    keys = _keys(users.admin)
    assert [k for k in keys if k.startswith("settings-")] == SETTINGS
    client = Client()
    client.force_login(users.admin)
    for section in navigation.build(None, users.admin):
        for item in section["items"]:
            if item["key"] in SETTINGS:
                assert client.get(item["url"]).status_code == 200, item["url"]


@pytest.mark.parametrize("role", ["marketing", "ar", "sr", "finance", "executive", "partner"])
def test_no_other_role_sees_the_settings(users, role):
    assert not [k for k in _keys(getattr(users, role)) if k.startswith("settings-")]


@pytest.mark.parametrize(("role", "shown"), [("marketing", True), ("executive", True), ("ar", False),
                                             ("finance", False), ("partner", False)])
def test_the_campaigns_item_follows_who_may_open_the_page(users, role, shown):
    user = getattr(users, role)
    assert ("campaigns" in _keys(user)) is shown
    client = Client()
    client.force_login(user)
    assert client.get("/campaigns/").status_code == (200 if shown else 403)


def test_a_settings_record_page_marks_its_menu_item_active(users, deal):  # noqa: F811
    client = Client()
    client.force_login(users.admin)
    page = client.get(f"/opportunities/configuration/price-lists/{deal.price_list.pk}/").content.decode()
    assert 'data-nav="settings-price-lists" aria-current="page"' in page

