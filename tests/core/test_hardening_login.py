"""Login and deployment hardening (issue 14, item 11): failed sign-ins throttled per user and per address,
HTTPS and proxy settings from the environment, a Content-Security-Policy, WWW-Authenticate on 401,
413 problem+json for oversized bodies, and a password change (or ``m2c token revoke --all``) revoking the
user's API tokens with events."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from m2c import cli
from m2c.core.models import ApiToken, Event
from m2c.core.services import token_create
from tests.conftest import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client: Client, username: str, password: str, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


# --- failed sign-ins --------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_username_with_a_clear_message(users, settings):
    client = Client()
    for _attempt in range(settings.M2C_LOGIN_FAILURES_PER_USER):
        response = _sign_in(client, "ar.li", "wrong")
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    # Now even the right password is not checked, and the page says why (from another address too).
    other = Client(REMOTE_ADDR="10.9.9.9")
    blocked = _sign_in(other, "ar.li", TEST_PASSWORD)
    assert blocked.status_code == 429 and "_auth_user_id" not in other.session
    assert "Too many failed sign-ins" in blocked.content.decode()
    chinese = _sign_in(Client(REMOTE_ADDR="10.9.9.8", HTTP_ACCEPT_LANGUAGE="zh-hans"), "AR.LI", TEST_PASSWORD)
    assert chinese.status_code == 429 and "登录失败次数过多" in chinese.content.decode()
    # Another user signs in as usual.
    assert _sign_in(Client(), "sr.zhao", TEST_PASSWORD).status_code == 302


def test_many_failures_from_one_address_lock_that_address_only(users, settings):
    settings.M2C_LOGIN_FAILURES_PER_IP = 3
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for name in ("a1", "a2", "a3"):
        _sign_in(attacker, name, "guess")
    assert _sign_in(attacker, "ar.li", TEST_PASSWORD).status_code == 429
    assert _sign_in(Client(REMOTE_ADDR="198.51.100.1"), "ar.li", TEST_PASSWORD).status_code == 302


def test_behind_a_proxy_the_forwarded_address_is_throttled(users, settings):
    settings.M2C_LOGIN_FAILURES_PER_IP = 2
    settings.M2C_TRUSTED_PROXIES = 1
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = Client(HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9", **balancer)  # the first hop is forgeable
    _sign_in(attacker, "x1", "guess")
    _sign_in(attacker, "x2", "guess")
    assert _sign_in(attacker, "ar.li", TEST_PASSWORD).status_code == 429
    colleague = Client(HTTP_X_FORWARDED_FOR="198.51.100.4", **balancer)  # same balancer, other client
    assert _sign_in(colleague, "ar.li", TEST_PASSWORD).status_code == 302


def test_a_success_clears_the_username_count_and_the_admin_login_is_throttled_too(users, settings):
    client = Client()
    for _attempt in range(settings.M2C_LOGIN_FAILURES_PER_USER - 1):
        _sign_in(client, "admin", "wrong")
    assert _sign_in(client, "admin", TEST_PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(settings.M2C_LOGIN_FAILURES_PER_USER - 1):
        _sign_in(client, "admin", "wrong")  # counting starts again after the success
    assert _sign_in(client, "admin", TEST_PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(settings.M2C_LOGIN_FAILURES_PER_USER):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    client.post("/admin/login/", {"username": "admin", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session


# --- deployment settings --------------------------------------------------------------------------


def _settings_in(env: dict[str, str]) -> dict:
    code = ("import json, m2c.settings as s; print(json.dumps({k: getattr(s, k, None) for k in ("
            "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'LANGUAGE_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
            "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', "
            "'USE_X_FORWARDED_HOST', 'USE_X_FORWARDED_PORT', 'M2C_TRUSTED_PROXIES', 'M2C_CONTENT_SECURITY_POLICY')}))")
    base = {k: v for k, v in os.environ.items() if not k.startswith("M2C_")}
    run = subprocess.run([sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def test_https_and_proxy_settings_come_from_the_environment(tmp_path):
    laptop = _settings_in({"M2C_VAR_DIR": str(tmp_path)})
    assert laptop["SESSION_COOKIE_SECURE"] is False and laptop["SECURE_HSTS_SECONDS"] == 0
    assert laptop["SECURE_PROXY_SSL_HEADER"] is None and laptop["USE_X_FORWARDED_HOST"] is False
    assert "script-src 'self';" in laptop["M2C_CONTENT_SECURITY_POLICY"]
    cluster = _settings_in({"M2C_VAR_DIR": str(tmp_path), "M2C_SECURE_COOKIES": "1", "M2C_HSTS_SECONDS": "31536000",
                            "M2C_HSTS_INCLUDE_SUBDOMAINS": "1", "M2C_SSL_REDIRECT": "1", "M2C_BEHIND_PROXY": "1",
                            "M2C_CSP": "off"})
    assert cluster["SESSION_COOKIE_SECURE"] and cluster["CSRF_COOKIE_SECURE"] and cluster["LANGUAGE_COOKIE_SECURE"]
    assert cluster["SECURE_HSTS_SECONDS"] == 31536000 and cluster["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert cluster["SECURE_SSL_REDIRECT"] and cluster["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert cluster["USE_X_FORWARDED_HOST"] and cluster["USE_X_FORWARDED_PORT"] and cluster["M2C_TRUSTED_PROXIES"] == 1
    assert cluster["M2C_CONTENT_SECURITY_POLICY"] == ""


def test_https_seen_through_the_proxy_header_gets_hsts(db, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert "Strict-Transport-Security" not in Client().get("/login/")
    response = Client().get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=3600"


def test_every_page_carries_a_content_security_policy(users, lines):
    from tests.leads.factories import CampaignFactory

    policy = Client().get("/login/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    client = Client()
    client.force_login(users.admin)
    assert "Content-Security-Policy" in client.get("/")
    assert "Content-Security-Policy" in client.get("/api/v1/me")
    # The public lead form may be framed by the company's website: no frame-ancestors there.
    campaign = CampaignFactory(code="expo", status="IN_EXECUTION")
    form = Client().get(reverse("leads:web-form", args=[campaign.code]))
    assert "X-Frame-Options" not in form and "frame-ancestors" not in form["Content-Security-Policy"]
    assert "script-src 'self';" in form["Content-Security-Policy"]


# --- API answers ----------------------------------------------------------------------------------


def test_a_401_names_the_bearer_scheme(users):
    anonymous = Client().get("/api/v1/me")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == 'Bearer realm="m2c"'
    assert anonymous["Content-Type"] == "application/problem+json"
    token, clear = token_create(user=users.ar, name="laptop")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {clear}").get("/api/v1/me").status_code == 200
    wrong = Client(HTTP_AUTHORIZATION="Bearer m2c_not-a-token").get("/api/v1/me")
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"] == 'Bearer realm="m2c", error="invalid_token"'


def test_an_oversized_body_is_413_problem_json(api, users, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    client = api(users.marketing)
    body = {"items": [{"customer_name": f"大学{i}", "contact_phone": "13800138000"} for i in range(200)]}
    response = client.post("/leads/bulk", body)
    assert response.status_code == 413 and response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "request_too_large" and response.json()["status"] == 413
    web = Client()
    web.force_login(users.marketing)
    page = web.post("/customers/new/", {"legal_name": "x" * 5000})
    assert page.status_code == 413


# --- tokens die with the password -----------------------------------------------------------------


def test_a_password_change_revokes_the_users_tokens_with_events(users):
    _, first = token_create(user=users.ar, name="laptop")
    _, second = token_create(user=users.ar, name="sync")
    _, other = token_create(user=users.sr, name="other")
    users.ar.set_password("a-new-and-long-passphrase")
    users.ar.save()
    assert not ApiToken.objects.filter(user=users.ar, revoked_at__isnull=True).exists()
    revoked = Event.objects.filter(event_type="core.apitoken.revoked", reason="password_changed")
    assert sorted(e.payload["name"] for e in revoked) == ["laptop", "sync"]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {first}").get("/api/v1/me").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other}").get("/api/v1/me").status_code == 200


def test_the_admin_password_form_revokes_tokens(users):
    token_create(user=users.ar, name="laptop")
    admin = Client()
    admin.force_login(users.admin)
    url = reverse("admin:auth_user_password_change", args=[users.ar.pk])
    response = admin.post(url, {"password1": "Another-long-pass-42", "password2": "Another-long-pass-42",
                                "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ApiToken.objects.get(user=users.ar).revoked_at is not None


def test_cli_token_revoke_all(users, capsys):
    for name in ("a", "b", "c"):
        token_create(user=users.ar, name=name)
    token_create(user=users.sr, name="keep")
    assert cli.main(["token", "revoke", "--all", "ar.li"]) == 0
    assert "3 token(s) of ar.li revoked" in capsys.readouterr().out
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1
    assert Event.objects.filter(event_type="core.apitoken.revoked", reason="cli").count() == 3
    assert cli.main(["token", "revoke", "ar.li"]) == 2  # neither a token nor --all
