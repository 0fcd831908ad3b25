"""SQLite under contention (issue 14, item 7): while another connection holds the write lock longer than the
busy timeout, a token-authenticated read still succeeds, and a write or a sign-in answers 503 with
Retry-After (problem+json under /api/, a page on the web), never a 500; once the lock is gone, the same
write succeeds.

The app runs in a child process on a SQLite *file* (the suite's in-memory database cannot be locked from
outside), copied from the migrated test database so nothing is migrated twice.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from django.db import OperationalError, connection

from m2c.core.middleware import BUSY_RETRY_AFTER, busy_response, is_database_busy

PROBE = textwrap.dedent(
    """
    import json, sqlite3, sys, time
    import django
    django.setup()
    from django.test import Client
    from m2c.core.models import ApiToken, Role
    from m2c.core.services import token_create, user_create

    path = sys.argv[1]
    user = user_create(username="busy", password="a-long-pass-phrase", roles=[Role.ADMINISTRATOR], is_superuser=True)
    _, clear = token_create(user=user, name="busy")
    api = Client(HTTP_AUTHORIZATION="Bearer " + clear, raise_request_exception=False)
    web = Client(raise_request_exception=False)
    customer = json.dumps({"legal_name": "忙碌测试有限公司", "industry": "education"})
    Client().get("/api/v1/me")  # warm up: the first request imports every router

    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write transaction
    holder.execute("UPDATE core_currency SET name = name")
    started = time.monotonic()
    me = api.get("/api/v1/me")
    me_seconds = time.monotonic() - started
    touched = ApiToken.objects.get().last_used_at is not None
    write = api.post("/api/v1/customers", customer, content_type="application/json")
    login = web.post("/login/", {"username": "busy", "password": "a-long-pass-phrase"})
    holder.execute("ROLLBACK")
    after = api.post("/api/v1/customers", customer, content_type="application/json")
    print(json.dumps({
        "me": [me.status_code, me.json().get("username")], "me_seconds": me_seconds,
        "write": [write.status_code, write["Content-Type"], write.get("Retry-After"), write.json()],
        "login": [login.status_code, login.get("Retry-After"), login.content.decode()],
        "after": after.status_code,
        "token_touched": touched,
    }))
    """
)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's file lock; PostgreSQL locks rows")
def test_a_locked_sqlite_file_answers_reads_and_refuses_writes_with_503(transactional_db, tmp_path):
    path = tmp_path / "busy.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)  # the migrated schema, with the seeded roles and currencies
    target.close()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "m2c.settings",
        "M2C_DATABASE_URL": f"sqlite:///{path}",
        "M2C_VAR_DIR": str(tmp_path / "var"),
        "M2C_SQLITE_BUSY_TIMEOUT_MS": "1500",
        "M2C_TASKS_IMMEDIATE": "1",
        "M2C_DEBUG": "0",
    }
    run = subprocess.run([sys.executable, "-c", PROBE, str(path)], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    # The read succeeds, without waiting out the busy timeout on its best-effort last_used_at write.
    assert result["me"] == [200, "busy"] and result["me_seconds"] < 1.0
    status, content_type, retry_after, body = result["write"]
    assert (status, content_type, retry_after) == (503, "application/problem+json", str(BUSY_RETRY_AFTER))
    assert body["code"] == "database_busy" and body["status"] == 503 and body["instance"] == "/api/v1/customers"
    status, retry_after, page = result["login"]
    assert (status, retry_after) == (503, str(BUSY_RETRY_AFTER)) and "Busy, please wait" in page
    assert result["after"] == 201
    assert result["token_touched"] is False  # skipped while busy; the next use a minute later writes it


def test_only_lock_errors_count_as_busy(rf):
    assert is_database_busy(OperationalError("database is locked"))
    assert not is_database_busy(OperationalError("no such table: core_user"))
    assert not is_database_busy(ValueError("database is locked"))
    response = busy_response(rf.get("/customers/"))
    assert response.status_code == 503 and response["Retry-After"] == str(BUSY_RETRY_AFTER)


def test_an_unexpected_api_error_is_a_problem_not_an_html_page(rf):
    from m2c.core.middleware import server_error

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        api = server_error(rf.get("/api/v1/customers"))
        web = server_error(rf.get("/customers/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/problem+json"
    assert json.loads(api.content)["code"] == "server_error" and "boom" not in api.content.decode()
    assert web.status_code == 500 and web["Content-Type"].startswith("text/html")
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        assert server_error(rf.post("/login/")).status_code == 503
