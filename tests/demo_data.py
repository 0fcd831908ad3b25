"""The demo data for the page walks, loaded once and copied: ``load_demo`` drives every demo deal through
the gate, quote, contract and billing services (~20 s of CPU for 12 customers), and three walks need the
same data (the two zh-hans walk groups and the outsider walk).

On the suite's SQLite database (shared in memory) the first walk runs ``load_demo`` and saves the result
to a file under ``var/test-templates/``; every later walk, on any worker and in later runs, loads that
file with SQLite's backup API (tens of milliseconds). The file is keyed by a digest of every source and
data file of the app (the demo loader, the services it calls, the migrations), the Django version, the number of
customers and today's date (the demo dates deals relative to today), so a change to any of them builds
it again. A file lock makes a second worker wait for the first one's load instead of loading it too.

Elsewhere (PostgreSQL, or inside a transaction the copy cannot replace) it simply runs ``load_demo``.
Only transactional tests can take the copy: it replaces the whole database, as their flush at the end does.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from pathlib import Path

from . import db_template

SOURCE = Path(__file__).resolve().parents[1] / "src" / "m2c"
# Bump when this module changes how a copy is made, to throw the old ones away.
BUILD_VERSION = "1"
DATA_SUFFIXES = {".py", ".json", ".csv", ".txt", ".yaml", ".toml"}


def source_digest(customers: int) -> str:
    """What the demo's rows depend on: every Python file of the app, Django, the size and the day."""
    import django
    from django.utils import timezone

    digest = hashlib.sha256(
        f"{BUILD_VERSION}|{django.get_version()}|{customers}|{timezone.localdate().isoformat()}".encode()
    )
    for path in sorted(p for p in SOURCE.rglob("*") if p.suffix in DATA_SUFFIXES and "static" not in p.parts):
        digest.update(str(path.relative_to(SOURCE)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _copyable(connection) -> bool:
    return (connection.vendor == "sqlite" and connection.creation.is_in_memory_db(connection.settings_dict["NAME"])
            and not connection.in_atomic_block)


def load(*, customers: int = 12) -> str:
    """Load the demo organisation into the test database; return how ("loaded", "copied" or "built")."""
    from django.conf import settings
    from django.db import connection

    from m2c.demo import load_demo

    if not _copyable(connection):
        load_demo(customers=customers, progress=False)
        return "loaded"
    folder = Path(settings.VAR_DIR) / "test-templates"
    path = folder / f"demo-{customers}-{source_digest(customers)}.sqlite3"
    with db_template.file_lock(folder / f"demo-{customers}.lock"):  # one lock per size: no worker waits for another size
        if not path.exists():
            load_demo(customers=customers, progress=False)
            building = path.with_suffix(f".{os.getpid()}.building")
            building.unlink(missing_ok=True)
            connection.ensure_connection()
            with contextlib.closing(sqlite3.connect(building)) as target:
                connection.connection.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")
            os.replace(building, path)
            for stale in folder.glob(f"demo-{customers}-*.sqlite3"):
                if stale != path:
                    stale.unlink(missing_ok=True)
            return "built"
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(path)) as source:
        source.backup(connection.connection)
    _forget_cached_rows()
    return "copied"


def _forget_cached_rows() -> None:
    """Rows cached in this process stand for the database before the copy (as after a flush)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches

    ContentType.objects.clear_cache()
    for cache in caches.all(initialized_only=True):
        cache.clear()
