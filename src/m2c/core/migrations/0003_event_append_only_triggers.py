"""Database-level guard: rows of core_event can be inserted, never updated (nor deleted on PostgreSQL).

Deleting is blocked on PostgreSQL with a row trigger (TRUNCATE, used only by test flushes, is a
statement and does not fire it). On SQLite the application refuses deletes; a DELETE trigger there
would also block the test runner's flush.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION core_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_event is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_event_no_update ON core_event;
CREATE TRIGGER core_event_no_update BEFORE UPDATE OR DELETE ON core_event
    FOR EACH ROW EXECUTE FUNCTION core_event_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS core_event_no_update ON core_event;
DROP FUNCTION IF EXISTS core_event_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER IF NOT EXISTS core_event_no_update BEFORE UPDATE ON core_event
BEGIN
    SELECT RAISE(ABORT, 'core_event is append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS core_event_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_seed_roles_and_currencies")]
    operations = [migrations.RunPython(forward, backward)]
