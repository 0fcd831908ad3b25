"""Database-level guard: a DECIDED gate review, and its checklist answers, never change again.

The application refuses first (``GateReview.save`` and the services); these triggers make sure no
other path (the admin, a shell, a script) can rewrite a decision either. Deletes are blocked on
PostgreSQL only: SQLite's test flush deletes rows, while PostgreSQL's uses TRUNCATE, which row
triggers do not see.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION opportunities_decided_review_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a decided gate review cannot change';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS gatereview_decided_immutable ON opportunities_gatereview;
CREATE TRIGGER gatereview_decided_immutable BEFORE UPDATE OR DELETE ON opportunities_gatereview
    FOR EACH ROW WHEN (OLD.status = 'DECIDED') EXECUTE FUNCTION opportunities_decided_review_guard();

CREATE OR REPLACE FUNCTION opportunities_decided_answer_guard() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM opportunities_gatereview r
               WHERE r.id = COALESCE(NEW.review_id, OLD.review_id) AND r.status = 'DECIDED') THEN
        RAISE EXCEPTION 'the answers of a decided gate review cannot change';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS gateanswer_decided_immutable ON opportunities_gateanswer;
CREATE TRIGGER gateanswer_decided_immutable BEFORE INSERT OR UPDATE OR DELETE ON opportunities_gateanswer
    FOR EACH ROW EXECUTE FUNCTION opportunities_decided_answer_guard();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS gatereview_decided_immutable ON opportunities_gatereview;
DROP FUNCTION IF EXISTS opportunities_decided_review_guard();
DROP TRIGGER IF EXISTS gateanswer_decided_immutable ON opportunities_gateanswer;
DROP FUNCTION IF EXISTS opportunities_decided_answer_guard();
"""
SQLITE_FORWARD = [
    """
    CREATE TRIGGER IF NOT EXISTS gatereview_decided_immutable BEFORE UPDATE ON opportunities_gatereview
    FOR EACH ROW WHEN OLD.status = 'DECIDED'
    BEGIN
        SELECT RAISE(ABORT, 'a decided gate review cannot change');
    END;
    """,
    """
    CREATE TRIGGER IF NOT EXISTS gateanswer_decided_no_insert BEFORE INSERT ON opportunities_gateanswer
    FOR EACH ROW WHEN (SELECT status FROM opportunities_gatereview WHERE id = NEW.review_id) = 'DECIDED'
    BEGIN
        SELECT RAISE(ABORT, 'the answers of a decided gate review cannot change');
    END;
    """,
    """
    CREATE TRIGGER IF NOT EXISTS gateanswer_decided_no_update BEFORE UPDATE ON opportunities_gateanswer
    FOR EACH ROW WHEN (SELECT status FROM opportunities_gatereview WHERE id = OLD.review_id) = 'DECIDED'
    BEGIN
        SELECT RAISE(ABORT, 'the answers of a decided gate review cannot change');
    END;
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS gatereview_decided_immutable;",
    "DROP TRIGGER IF EXISTS gateanswer_decided_no_insert;",
    "DROP TRIGGER IF EXISTS gateanswer_decided_no_update;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0002_gates_authority_team_quotes_bids")]
    operations = [migrations.RunPython(forward, backward)]
