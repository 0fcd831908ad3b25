"""The API's URL patterns are imported on first use: a process that reverses a web page's URL (the import
command writing a notification's link) does not build the API's routers and schemas (~1.8 s of CPU)."""

import os
import subprocess
import sys

from django.urls import resolve, reverse

SCRIPT = """
import sys
import django
django.setup()
from django.urls import resolve, reverse
lead = "0b9c2f6e-1d2a-4c3b-9e8f-7a6b5c4d3e2f"
assert reverse("leads:detail", args=[lead]) == f"/leads/{lead}/"
assert reverse("customers:list") == "/customers/"
assert "m2c.api" not in sys.modules, "reversing a web URL imported the API"
assert "fpdf" not in sys.modules, "reversing a web URL imported the PDF library"
assert reverse("api:get_me") == "/api/v1/me"
assert "m2c.api" in sys.modules
assert resolve("/api/v1/me").url_name == "get_me"
print("ok")
"""


def test_a_web_url_is_reversed_without_importing_the_api():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "m2c.settings_test"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_in_a_process_that_has_it_both_resolve_and_reverse():
    assert reverse("api:openapi-view") == "/api/v1/docs"
    assert resolve("/api/v1/leads").namespaces == ["api"]
    assert reverse("leads:mine") == "/leads/mine/"
