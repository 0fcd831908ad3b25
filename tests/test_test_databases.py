"""The test databases are copies of a template migrated once (tests/db_template.py): never a stale one."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import db_template


@pytest.fixture
def migrations(request: pytest.FixtureRequest) -> None:
    if request.config.getvalue("nomigrations"):
        pytest.skip("--nomigrations: the test database is built from the models, without a template")


def test_the_test_database_has_every_migration_applied(migrations: None, db: None) -> None:
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_the_template_key_covers_every_app_with_migrations(migrations: None) -> None:
    labels = [label for label, _folder in db_template.migration_folders()]
    for app in ("core", "customers", "campaigns", "leads", "opportunities", "insight", "testapp", "auth"):
        assert app in labels


@pytest.fixture
def folders(tmp_path: Path) -> list[tuple[str, Path]]:
    leads = tmp_path / "leads"
    leads.mkdir()
    (leads / "0001_initial.py").write_text("operations = []\n")
    (leads / "__init__.py").write_text("")
    return [("leads", leads)]


def test_a_changed_added_or_removed_migration_changes_the_template_key(folders: list[tuple[str, Path]]) -> None:
    folder = folders[0][1]
    first = db_template.digest_of(folders)
    assert db_template.digest_of(folders) == first  # stable
    (folder / "0001_initial.py").write_text("operations = [1]\n")
    changed = db_template.digest_of(folders)
    (folder / "0002_more.py").write_text("operations = []\n")
    added = db_template.digest_of(folders)
    (folder / "0002_more.py").unlink()
    assert len({first, changed, added}) == 3 and db_template.digest_of(folders) == changed
    # The same files under another app are another migration set.
    assert db_template.digest_of([("customers", folder)]) != changed
