"""PostgreSQL only: a trigram index so "name contains fragment" searches stay fast at 100k+ rows.

Creating the pg_trgm extension needs the right privilege; without it the index is skipped and
searches fall back to a sequential scan (correct, only slower).
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                cursor.execute("SAVEPOINT m2c_trgm")
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute("RELEASE SAVEPOINT m2c_trgm")
            except Exception:  # noqa: BLE001 - no privilege: keep going without the index
                cursor.execute("ROLLBACK TO SAVEPOINT m2c_trgm")
                return
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS customer_name_trgm ON customers_customer "
            "USING gin (normalized_name gin_trgm_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
