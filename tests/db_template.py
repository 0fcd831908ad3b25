"""Migrate once, copy per worker: how the test databases are created.

Running every migration costs about twenty seconds, and pytest-xdist used to pay it once per worker
(and every run). Instead, large Django projects migrate one *template* database and copy it:

- PostgreSQL: ``test_m2c_<suffix>_template`` is migrated once, then each worker gets
  ``CREATE DATABASE test_m2c_<suffix>_gwN TEMPLATE test_m2c_<suffix>_template`` (a file-level copy).
- SQLite: the migrations run once into a file under ``var/test-templates/``; each worker loads it into
  its in-memory test database with SQLite's online backup API.

A template is keyed by a digest of every migration file (and the Django version), so adding or
changing a migration rebuilds it and nothing else does. A file lock makes concurrent workers wait for
the one that builds it instead of racing. The template outlives the run: the next run starts from it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Bump when this module changes how a template is built, to throw the old ones away.
BUILD_VERSION = "1"


def migration_folders() -> list[tuple[str, Path]]:
    """(app label, migrations folder) of every installed app that has migrations."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    folders = []
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        module, _explicit = MigrationLoader.migrations_module(config.label)
        spec = importlib.util.find_spec(module) if module else None
        if spec is not None and spec.submodule_search_locations:
            folders.append((config.label, Path(next(iter(spec.submodule_search_locations)))))
    return folders


def digest_of(folders: list[tuple[str, Path]]) -> str:
    """A digest of the migration files in ``folders`` and of the Django version that runs them."""
    import django

    digest = hashlib.sha256(f"{BUILD_VERSION}|{django.get_version()}".encode())
    for label, folder in folders:
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def migration_digest() -> str:
    """The key of the template: a changed, added or removed migration rebuilds it."""
    return digest_of(migration_folders())


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) across processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        if os.name == "nt":  # pragma: no cover - the suite runs on POSIX; keep dev.py's promise
            import msvcrt

            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    time.sleep(0.2)
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _migrate(connection: Any, name: str) -> None:
    """Run the migrations (and ``createcachetable``, as Django's test setup does) into database ``name``."""
    from django.core.management import call_command

    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        call_command("migrate", database=connection.alias, run_syncdb=True, verbosity=0, interactive=False)
        call_command("createcachetable", database=connection.alias, verbosity=0)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved


def _point_at(connection: Any, name: str) -> None:
    from django.conf import settings

    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


# --- SQLite -----------------------------------------------------------------------------------------


def _sqlite_template(connection: Any, digest: str, *, rebuild: bool) -> Path:
    """The migrated template file for ``digest``, built now if missing (call under the lock)."""
    from django.conf import settings

    folder = Path(settings.VAR_DIR) / "test-templates"
    path = folder / f"sqlite-{digest}.sqlite3"
    if path.exists() and not rebuild:
        return path
    building = path.with_suffix(f".{os.getpid()}.building")
    building.unlink(missing_ok=True)
    _migrate(connection, str(building))
    # One self-contained file (no -wal beside it), so it can be read and copied as it is.
    with contextlib.closing(sqlite3.connect(building)) as db:
        db.execute("PRAGMA journal_mode=DELETE")
    os.replace(building, path)
    for stale in folder.glob("sqlite-*.sqlite3"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return path


def _sqlite_clone(connection: Any, digest: str, *, rebuild: bool) -> None:
    from django.conf import settings

    lock = Path(settings.VAR_DIR) / "test-templates" / "sqlite.lock"
    with file_lock(lock):
        template = _sqlite_template(connection, digest, rebuild=rebuild)
        # Django's name for the shared in-memory test database, so live-server threads see it too.
        _point_at(connection, connection.creation._get_test_db_name())
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(template)) as source:
            source.backup(connection.connection)


# --- PostgreSQL -------------------------------------------------------------------------------------


def _quote(connection: Any, name: str) -> str:
    return connection.ops.quote_name(name)


def _pg_clone(connection: Any, digest: str, test_name: str, *, rebuild: bool) -> None:
    template = re.sub(r"_gw\d+$", "", test_name) + "_template"
    host = f"{connection.settings_dict.get('HOST') or 'local'}-{connection.settings_dict.get('PORT') or 5432}"
    lock = Path(tempfile.gettempdir()) / "m2c-test-templates" / f"{host}-{template}.lock"
    with file_lock(lock):
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template]
            )
            row = cursor.fetchone()
        if rebuild or row is None or row[0] != digest:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {_quote(connection, template)} WITH (FORCE)")
                cursor.execute(f"CREATE DATABASE {_quote(connection, template)}")
            _migrate(connection, template)
            with connection._nodb_cursor() as cursor:
                # Written last: a build that failed half-way is never taken for a good template.
                cursor.execute(f"COMMENT ON DATABASE {_quote(connection, template)} IS '{digest}'")
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(connection, test_name)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {_quote(connection, test_name)} TEMPLATE {_quote(connection, template)}")
    _point_at(connection, test_name)
    connection.ensure_connection()


# --- entry points -----------------------------------------------------------------------------------


def setup(aliases: set[str], *, rebuild: bool = False) -> list[tuple[Any, str]]:
    """Create each alias' test database from its template; return what :func:`teardown` needs.

    ``rebuild`` (pytest's ``--create-db``) migrates the template again even if its key still matches.
    """
    from django.db import connections

    digest = migration_digest()
    created = []
    for alias in sorted(aliases):
        connection = connections[alias]
        old_name = connection.settings_dict["NAME"]
        if connection.vendor == "sqlite" and connection.creation.is_in_memory_db(
            connection.creation._get_test_db_name()
        ):
            _sqlite_clone(connection, digest, rebuild=rebuild)
        elif connection.vendor == "postgresql":
            _pg_clone(connection, digest, connection.creation._get_test_db_name(), rebuild=rebuild)
        else:
            raise NotImplementedError(f"no template for a {connection.vendor} test database")
        created.append((connection, old_name))
    return created


def teardown(created: list[tuple[Any, str]]) -> None:
    """Drop each worker's copy (an in-memory database just goes away); templates stay."""
    for connection, old_name in created:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


def supported(aliases: set[str]) -> bool:
    from django.db import connections

    for alias in aliases:
        connection = connections[alias]
        if connection.vendor == "postgresql":
            continue
        if connection.vendor == "sqlite" and connection.creation.is_in_memory_db(
            connection.creation._get_test_db_name()
        ):
            continue
        return False
    return True
