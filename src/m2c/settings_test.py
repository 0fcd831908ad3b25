"""Test settings: the real settings with fast password hashing and tasks run inline."""

import os

os.environ.setdefault("M2C_TASKS_IMMEDIATE", "1")

from m2c.settings import *  # noqa: E402,F403
from m2c.settings import DATABASES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_AUTOREFRESH = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # In-memory per test worker; WAL and IMMEDIATE still apply to live-server threads.
    DATABASES["default"]["TEST"] = {"NAME": ""}
else:
    # Separate names let several checkouts (or agents) run the PostgreSQL suite side by side.
    DATABASES["default"]["TEST"] = {"NAME": f"test_m2c_{os.environ.get('M2C_TEST_DB_SUFFIX', 'main')}"}
STATIC_ROOT = VAR_DIR / "test-static"
# Rolled-back test transactions send no signals, so a shared snapshot would outlive its rows.
M2C_REFERENCE_TTL = 0

# A test-only app with a small stateful model, for the state-machine helper's own tests.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
