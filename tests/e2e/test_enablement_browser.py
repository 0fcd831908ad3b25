"""In a real browser, in Chinese: open an exam, start it, watch the server's timer, answer, hand in, and find
the certificate it grants among "my certificates"."""

import re

import pytest
from playwright.sync_api import expect

from m2c.enablement.models import Certificate
from tests.conftest import sign_in
from tests.enablement.conftest import exam_world  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RIGHT = {"q1": "B", "q2": "A", "q3": "AC", "q4": "ABD"}


def test_take_an_exam_to_a_certificate(page, live_server, exam_world):  # noqa: F811
    page.context.add_cookies([{"name": "m2c_language", "value": "zh-hans", "url": live_server.url}])
    sign_in(page, live_server.url, "sr.zhao")
    page.goto("/enablement/")
    page.get_by_role("link", name="园区网络售前认证").click()
    expect(page.locator("#pass-mark")).to_have_text("60.00%")
    page.click("#start-exam")
    page.wait_for_url(re.compile(r"/enablement/attempts/[0-9a-f-]{36}/$"))
    timer = page.locator("#exam-timer")
    expect(timer).to_have_text(re.compile(r"^(29:5\d|30:00)$"))  # drawn by timer.js from the server's seconds
    assert page.locator("fieldset.question").count() == 4
    for name, letters in RIGHT.items():
        for letter in letters:
            page.get_by_label(f"{name}-{letter}", exact=True).check()
    page.click("#submit-exam")
    expect(page.locator("#result-verdict")).to_have_text("通过")
    assert page.locator("#result-score").inner_text() == "100.00%"
    certificate = Certificate.objects.get(holder_user__username="sr.zhao")
    expect(page.locator("#certificate-issued")).to_contain_text(certificate.number)
    page.locator("#certificate-issued a").click()
    page.wait_for_url(re.compile(r"/enablement/certificates/$"))
    row = page.locator("#certificates tbody tr").first
    expect(row).to_contain_text(certificate.number)
    expect(row).to_contain_text("有效")
