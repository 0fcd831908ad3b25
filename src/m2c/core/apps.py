from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "m2c.core"
    label = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import events  # noqa: F401  (registers core event types)

        _cache_wide_statements()


# psycopg parses a statement's text into PostgreSQL's form once and keeps it (an LRU of 128), except
# statements of more than 50 parameters, which it parses again on every call: a guard against ORM
# inserts of many rows whose text never repeats. The one wide statement m2c runs often is the
# single-row insert of a lead (68 columns, ``core.bulk``, the same text every time; several rows go by
# COPY), and re-parsing it cost about 0.3 ms of CPU per API capture. The bound stays: only statements
# up to this many parameters are kept, still in psycopg's bounded cache.
PSYCOPG_CACHED_PARAMS = 128


def _cache_wide_statements() -> None:
    try:
        from psycopg import _queries
    except ImportError:  # pragma: no cover - SQLite-only installs
        return
    if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", PSYCOPG_CACHED_PARAMS) < PSYCOPG_CACHED_PARAMS:
        _queries.MAX_CACHED_STATEMENT_PARAMS = PSYCOPG_CACHED_PARAMS
