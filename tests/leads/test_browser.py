"""Lead pages in a real browser: escaping of hostile names, the duplicate hint while typing, accept."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from m2c.leads import services
from m2c.leads.capture import load_settings
from tests.conftest import login
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT_NAME = "<script>window.pwned=1</script>有限公司"


def test_a_script_name_is_displayed_escaped(page, users, lines, org):
    load_settings()
    lead, _ = services.lead_create(actor=users.marketing, data={
        "customer_name": SCRIPT_NAME, "contact_name": "<img src=x onerror=window.pwned=2>", "contact_phone": "13800138000",
        "offering_lines": ["campus"], "region": "east"})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, "mkt")
    page.goto("/leads/")
    assert page.locator("#leads .lead-company").first.inner_text() == SCRIPT_NAME
    page.goto(f"/leads/{lead.pk}/")
    assert page.locator("#lead-company").inner_text().startswith(SCRIPT_NAME)
    assert page.evaluate("window.pwned") is None and dialogs == []


def test_the_new_lead_form_warns_of_duplicates_while_typing(page, users, lines, org):
    load_settings()
    services.lead_create(actor=users.marketing, data={"customer_name": "申江大学", "contact_phone": "13800138000",
                                                      "offering_lines": ["campus"], "region": "east"})
    login(page, "mkt")
    page.goto("/leads/new/")
    page.fill("#id_customer_name", "申江大学（上海）")
    page.wait_for_selector("#likely-duplicates.alert")
    assert "申江大学" in page.inner_text("#likely-duplicates")


def test_an_ar_accepts_a_lead_from_the_lead_page(page, users, lines, org):
    load_settings()
    CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai, customer_group=org.education,
                    industry="education", tier="named", ar_owner=users.ar)
    lead, _ = services.lead_create(actor=users.marketing, data={
        "customer_name": "申江大学", "contact_phone": "13800138000", "offering_lines": ["campus"],
        "budget_status": "confirmed", "pain_confirmed": True, "decision_chain_known": True})
    login(page, "ar.li")
    page.goto(f"/leads/{lead.pk}/")
    page.click("#accept-lead")
    page.wait_for_selector(".lead-status[data-status=ACCEPTED]")


def test_ticking_leads_for_a_bulk_action_keeps_the_ticks_and_the_filter_boxes_still_filter(page, users, lines, org):
    load_settings()
    for i, name in enumerate(("申江大学", "东海理工大学")):
        services.lead_create(actor=users.marketing, data={"customer_name": name, "contact_phone": f"1380013800{i}",
                                                          "offering_lines": ["campus"], "region": "east"})
    login(page, "mkt")
    page.goto("/leads/")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/leads/?" in r.url or r.url.endswith("/leads/") else None)
    row = page.locator("input[name=ids]").first
    row.check()
    page.wait_for_timeout(500)
    assert row.is_checked() and requests == []  # a tick is not a filter: the table is not reloaded
    page.check("input[name=needs_review]")
    expect(page.locator("input[name=ids]")).to_have_count(0)
    assert any("needs_review=1" in url for url in requests)
