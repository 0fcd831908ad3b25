"""PostgreSQL only: the customer name trigram index takes new names at once (``fastupdate = off``).

With GIN's default ``fastupdate`` new entries wait in a pending list until a VACUUM (or autovacuum's
ANALYZE, or a list past ``gin_pending_list_limit``, 4 MB) merges them; a plain ANALYZE leaves them. The
planner prices every page of that list into a search through the index, so after a bulk load or a few
thousand new customers identity resolution's "name contains the core name" query (``customers.identity``,
run by every deal registration and lead capture) turned into a sequential scan of every customer with a
LIKE on each name: 20–50 ms at 20,000 customers instead of 0.1 ms, until maintenance happened to run.
Without the list the plan no longer depends on when VACUUM ran. Customers are created one at a time or
imported in batches, so the index is written rarely; a bulk insert into it costs about 1.7 times as much.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_class WHERE relname = 'customer_name_trgm' AND relkind = 'i'")
        if cursor.fetchone() is None:  # no pg_trgm (see 0002): nothing to tune
            return
        cursor.execute("ALTER INDEX customer_name_trgm SET (fastupdate = off)")
        # Turning the list off does not empty it: merge what waits there now.
        cursor.execute("SELECT gin_clean_pending_list('customer_name_trgm'::regclass)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX IF EXISTS customer_name_trgm RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("customers", "0007_rekey_self_qualified_names")]
    operations = [migrations.RunPython(forward, backward)]
