"""The Content-Security-Policy in a real browser: the main pages load with it and the browser reports no
violation (no inline script or handler, no eval, nothing from another origin), and the markup behaviour
that replaced inline handlers still works."""

from __future__ import annotations

import pytest

from m2c.leads.capture import load_settings
from m2c.leads.services import lead_create
from tests.api.document import openapi_document
from tests.conftest import login
from tests.factories import CustomerFactory
from tests.leads.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every securitypolicyviolation event of a page, kept where the test can read it.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


def test_the_main_pages_run_under_the_policy_without_violations(page, live_server, users, lines, org):
    load_settings()
    customer = CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai, ar_owner=users.ar)
    lead, _outcome = lead_create(actor=users.marketing, data={"customer_name": "申江大学", "contact_phone": "13800138000",
                                                            "offering_lines": ["campus"], "region": "east"})
    campaign = CampaignFactory(code="expo-2026", org_unit=org.east)
    messages: list[str] = []
    page.context.add_init_script(WATCH)
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)

    def visit(path: str) -> None:
        response = page.goto(path)
        assert response is not None and response.status < 400, (path, response and response.status)
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), path
        # Longer than the context's 10 s: the API docs page fetches the OpenAPI document, which the server
        # builds for seconds of CPU, and on a busy machine that alone ran past 10 s.
        page.wait_for_load_state("networkidle", timeout=40_000)
        assert page.evaluate("window.__csp") == [], (path, page.evaluate("window.__csp"))

    # Swagger UI draws the document's ~180 operations for ~10 s of Chromium CPU; what the policy meets there
    # (its scripts, styles and rendering) is the same for a few: it gets the real document's customer paths.
    document = openapi_document()
    document["paths"] = {path: item for path, item in document["paths"].items() if "/customers" in path}
    assert document["paths"]
    page.route("**/api/v1/openapi.json", lambda route: route.fulfill(json=document))

    visit("/login/")
    login(page, "admin")
    for path in ("/", "/customers/", f"/customers/{customer.pk}/", f"/customers/{customer.pk}/edit/", "/leads/",
                 f"/leads/{lead.pk}/", "/leads/new/", "/leads/imports/", "/opportunities/", "/opportunities/list/",
                 "/opportunities/reports/", "/opportunities/new/", "/insight/", "/account/", "/notifications/",
                 f"/leads/campaigns/{campaign.code}/", "/admin/", "/api/v1/docs"):
        visit(path)
    # The reports draw their charts (ECharts under the policy).
    page.goto("/opportunities/reports/")
    assert page.locator("canvas").count() >= 1
    # data-autosubmit: choosing a region submits the filter form, as the inline handler did.
    page.goto("/opportunities/list/")
    page.select_option("#opportunity-filters select[name=region]", index=1)
    page.wait_for_url(lambda url: "region=" in url)
    # data-select-all: the header box ticks every lead on the list.
    page.goto("/leads/")
    page.locator("[data-select-all]").check()
    assert page.locator("input[name=ids]:checked").count() == page.locator("input[name=ids]").count() >= 1
    assert page.evaluate("window.__csp") == []
    assert messages == []
