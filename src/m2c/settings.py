"""Settings for m2c, read from the environment.

Every behaviour switch is an ``M2C_*`` environment variable read here, so the same package runs as a
laptop demo on SQLite and as a cluster of app servers and workers on PostgreSQL:

- ``M2C_DATABASE_URL``: ``sqlite:////absolute/path.sqlite3`` or ``postgres://user@host:port/db``;
  unset, a SQLite file under ``var/``.
- ``M2C_VAR_DIR``: where the SQLite file, uploads and the secret key live (default ``./var`` of the
  checkout, or of the current directory for an installed package).
- ``M2C_REDIS_URL``: cache and rate limits in Redis instead of process memory.
- ``M2C_SECRET_KEY``, ``M2C_DEBUG``, ``M2C_ALLOWED_HOSTS``, ``M2C_REPORTING_CURRENCY``,
  ``M2C_TIME_ZONE``, ``M2C_EMAIL_HOST``/``M2C_EMAIL_PORT``, ``M2C_TASKS_IMMEDIATE``.
- HTTPS and proxies (docs/operations.md): ``M2C_SECURE_COOKIES``, ``M2C_HSTS_SECONDS``,
  ``M2C_SSL_REDIRECT``, ``M2C_BEHIND_PROXY``, ``M2C_TRUSTED_PROXIES``, ``M2C_CSP``/``M2C_CSP_REPORT_ONLY``,
  ``M2C_MAX_REQUEST_BYTES``; sign-in throttling ``M2C_LOGIN_FAILURES_PER_USER``/``_PER_IP``/``M2C_LOGIN_WINDOW``.
- ``M2C_SQLITE_BUSY_TIMEOUT_MS``: how long a SQLite write waits for the lock before answering 503.
- ``M2C_DB_CONN_MAX_AGE`` (PostgreSQL connection reuse, seconds), ``M2C_PG_PREPARED=0`` (no server-side
  binding and prepared statements, e.g. behind a transaction-mode pooler).
- ``M2C_PDF_FONT``, ``M2C_PDF_FONT_DIRS``: the CJK font of quote PDFs (default: a system font, else the
  subset shipped in m2c/core/fonts).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent


def _default_var_dir() -> Path:
    # In a checkout (src layout) var/ sits beside pyproject.toml; an installed package uses the cwd.
    checkout = PACKAGE_DIR.parent.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path.cwd() / "var"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR = Path(os.environ.get("M2C_VAR_DIR") or _default_var_dir())


def _secret_key() -> str:
    if key := os.environ.get("M2C_SECRET_KEY"):
        return key
    # A stable per-installation key so sessions survive restarts, without any set-up step. Several processes
    # may start at once on a fresh install (app servers, workers): the key is written to a private temporary
    # file and linked into place, so the file appears whole or not at all and the first process's key wins.
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    VAR_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(dir=VAR_DIR, prefix=".secret_key.")  # created 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("M2C_DEBUG")
ALLOWED_HOSTS = os.environ.get("M2C_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("M2C_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "m2c.core",
    "m2c.customers",
    "m2c.insight",
    "m2c.campaigns",
    "m2c.enablement",
    "m2c.leads",
    "m2c.opportunities",
    "m2c.contracts",
    "m2c.billing",
    "m2c.partners",
    "m2c.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "m2c.core.middleware.RequestIdMiddleware",
    "m2c.core.imports.uploads.UploadLimitMiddleware",
    "m2c.core.middleware.RefuseNulMiddleware",
    "m2c.core.middleware.DatabaseBusyMiddleware",
    "m2c.core.middleware.ContentSecurityPolicyMiddleware",
    "m2c.web.middleware.DomainErrorPages",
]

ROOT_URLCONF = "m2c.urls"
WSGI_APPLICATION = "m2c.wsgi.application"
ASGI_APPLICATION = "m2c.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "m2c.web.context_processors.navigation",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------------

DEFAULT_SQLITE_PATH = VAR_DIR / "m2c.sqlite3"
DATABASE_URL = os.environ.get("M2C_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


# How long a SQLite write waits for another writer's lock before the request answers 503 (Retry-After).
SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("M2C_SQLITE_BUSY_TIMEOUT_MS", "10000"))


def _database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            # WAL lets readers run beside the writer; IMMEDIATE avoids lock upgrades that deadlock.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                f" PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
        }
    else:
        config["CONN_MAX_AGE"] = int(os.environ.get("M2C_DB_CONN_MAX_AGE", "60"))
        config["CONN_HEALTH_CHECKS"] = True
        if env_bool("M2C_PG_PREPARED", True):
            # Parameters bound by the server instead of quoted into the SQL by psycopg, and a statement a
            # connection has run five times prepared: PostgreSQL stops parsing the capture's statements
            # on every request (planning them was most of its CPU per lead; docs/benchmarks.md, "Fifth
            # session"). Connections live CONN_MAX_AGE, so the prepared statements are reused. Off with
            # M2C_PG_PREPARED=0, e.g. behind a pooler in transaction mode that cannot keep them.
            config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    return config


DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and tasks ------------------------------------------------------------------------------

REDIS_URL = os.environ.get("M2C_REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "m2c"}}

if env_bool("M2C_TASKS_IMMEDIATE"):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- auth -----------------------------------------------------------------------------------------

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Not a rule on the password: its password_changed hook revokes the user's API tokens.
    {"NAME": "m2c.core.login.RevokeTokensOnPasswordChange"},
]
# Failed sign-ins (core.login): per username and per client address, in a fixed window of seconds.
AUTHENTICATION_BACKENDS = ["m2c.core.login.ThrottledModelBackend"]
M2C_LOGIN_WINDOW = int(os.environ.get("M2C_LOGIN_WINDOW", "900"))
M2C_LOGIN_FAILURES_PER_USER = int(os.environ.get("M2C_LOGIN_FAILURES_PER_USER", "5"))
M2C_LOGIN_FAILURES_PER_IP = int(os.environ.get("M2C_LOGIN_FAILURES_PER_IP", "30"))

# --- internationalisation -------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("M2C_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True
LANGUAGE_COOKIE_NAME = "m2c_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- static files ---------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- money ----------------------------------------------------------------------------------------

MONEY_MAX_DIGITS = 20
MONEY_DECIMAL_PLACES = 4
REPORTING_CURRENCY = os.environ.get("M2C_REPORTING_CURRENCY", "CNY")
# Seconds an app process reuses the lead engine's reference data (settings, offering lines, org units,
# routing rules, calendar) before reading it again; a change made in the same process applies at once.
M2C_REFERENCE_TTL = float(os.environ.get("M2C_REFERENCE_TTL", "5"))

# --- documents ------------------------------------------------------------------------------------

# A CJK font file for quote PDFs, and the folders searched for a full system CJK font (os.pathsep
# separated; empty: use only the GB2312 subset shipped in m2c/core/fonts). Unset: the usual system folders.
M2C_PDF_FONT = os.environ.get("M2C_PDF_FONT") or None
M2C_PDF_FONT_DIRS = (
    [d for d in os.environ["M2C_PDF_FONT_DIRS"].split(os.pathsep) if d] if "M2C_PDF_FONT_DIRS" in os.environ else None
)

# --- mail -----------------------------------------------------------------------------------------

EMAIL_HOST = os.environ.get("M2C_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("M2C_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("M2C_FROM_EMAIL", "m2c@localhost")
if os.environ.get("M2C_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- security -------------------------------------------------------------------------------------
# Defaults suit `m2c serve` on a laptop (plain HTTP). Behind HTTPS, see docs/operations.md "HTTPS and load
# balancers": M2C_SECURE_COOKIES, M2C_HSTS_SECONDS, M2C_SSL_REDIRECT, M2C_BEHIND_PROXY.

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("M2C_MAX_REQUEST_BYTES", str(50 * 1024 * 1024)))

# Cookies only over HTTPS (session, CSRF, language).
SECURE_COOKIES = env_bool("M2C_SECURE_COOKIES")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
# HTTP Strict Transport Security: browsers use HTTPS only, for this many seconds (0: off).
SECURE_HSTS_SECONDS = int(os.environ.get("M2C_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("M2C_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("M2C_HSTS_PRELOAD")
SECURE_SSL_REDIRECT = env_bool("M2C_SSL_REDIRECT")
# Behind a load balancer or reverse proxy that terminates TLS: trust its X-Forwarded-Proto for "is this
# HTTPS?", its X-Forwarded-Host/Port for building links, and its X-Forwarded-For (M2C_TRUSTED_PROXIES hops)
# for the client's address in sign-in throttling. Only behind a proxy that overwrites these headers.
BEHIND_PROXY = env_bool("M2C_BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("M2C_USE_X_FORWARDED_HOST", BEHIND_PROXY)
USE_X_FORWARDED_PORT = env_bool("M2C_USE_X_FORWARDED_PORT", BEHIND_PROXY)
M2C_TRUSTED_PROXIES = int(os.environ.get("M2C_TRUSTED_PROXIES", "1" if BEHIND_PROXY else "0"))

# Content-Security-Policy (core.middleware): scripts only from our static files; inline style attributes
# stay allowed (Bootstrap, ECharts and htmx set them). M2C_CSP=off removes it, M2C_CSP_REPORT_ONLY=1 only
# reports violations in the browser console.
M2C_CONTENT_SECURITY_POLICY = "" if os.environ.get("M2C_CSP", "on").lower() in {"0", "off", "false", "no"} else (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
M2C_CSP_REPORT_ONLY = env_bool("M2C_CSP_REPORT_ONLY")
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Imports (m2c.core.imports): size cap per upload type in bytes, and the limits a workbook's zip
# directory must respect before it is opened (total expanded size; expansion ratio of one member).
M2C_IMPORT_MAX_BYTES = {"leads": 100 << 20, "customers": 50 << 20, "opportunities": 50 << 20, "org": 5 << 20}
M2C_IMPORT_MAX_EXPANDED_BYTES = int(os.environ.get("M2C_IMPORT_MAX_EXPANDED_BYTES", 200 << 20))
M2C_IMPORT_MAX_RATIO = 100
M2C_IMPORT_STALE_SECONDS = 300  # a running import without a sign of life for this long is interrupted
M2C_IMPORT_CHUNK = int(os.environ.get("M2C_IMPORT_CHUNK", "0"))  # rows per commit; 0: each import's default

# --- m2c ------------------------------------------------------------------------------------------

M2C_COMPANY_NAME = os.environ.get("M2C_COMPANY_NAME", "m2c Demo Networks Co., Ltd.")
M2C_API_PAGE_SIZE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("M2C_LOG_LEVEL", "WARNING")},
}

SILENCED_SYSTEM_CHECKS: list[str] = []

MESSAGE_TAGS = {40: "danger"}
