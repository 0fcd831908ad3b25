"""Import a generated lead file end to end, on SQLite and PostgreSQL, next to the raw insert speed.

    python -m benchmarks.lead_import [--rows 1000000] [--databases sqlite,postgresql] [--pg postgres://…/]

The file (Chinese and English companies, ~10 % duplicates in realistic variants, ~2 % broken rows) is
generated once under /tmp/m2c-bench-leads. For each database a fresh schema gets the demo reference
data (org units, offering lines, users) and two routing rules, then a child process runs exactly what
``m2c import leads FILE`` runs (normalise, identity resolution, duplicate detection, validity, score,
routing, events) and reports its wall time and peak memory (ru_maxrss). In the same run, another child
inserts the same rows with ``executemany`` into a bare table with one text column per CSV column:
the physical limit of the database driver.

A third child measures the *storage floor*: it takes the rows the import stored (leads, their
offering lines, events, merges, campaign touches) and inserts them again, batch by batch, into empty
copies of the same tables with the same indexes and checks (foreign keys left out, so it is a lower
bound), through the same driver path the import uses (literals for constant columns and
``executemany`` on SQLite, ``COPY`` on PostgreSQL). No import, however its Python is written, can
store these rows faster than that on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/m2c-bench-leads")
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/"
PG_DB = "m2c_bench_leads"


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("M2C_")}
    env.update(M2C_DATABASE_URL=url, M2C_VAR_DIR=str(WORK / "var"), DJANGO_SETTINGS_MODULE="m2c.settings",
               PYTHONPATH=str(ROOT))
    return env


def _prepare_database(kind: str, pg: str) -> str:
    if kind == "sqlite":
        path = WORK / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(pg + "postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB}")
        url = pg + PG_DB
    env = _env(url)
    subprocess.run([sys.executable, "-m", "m2c.cli", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True)
    return url


SETUP = """
import django; django.setup()
from m2c.demo import load_reference, load_users
from m2c.core.models import OrgUnit
from m2c.leads.capture import load_settings
from m2c.leads.models import RoutingRule
load_reference(); load_users(); load_settings()
RoutingRule.objects.create(priority=10, name="named", target="named_ar", tier="named")
RoutingRule.objects.create(priority=50, name="east rr", region=OrgUnit.objects.get(code="east"), target="round_robin",
                           target_unit=OrgUnit.objects.get(code="ro-shanghai"), capacity=1000000)
"""

IMPORT_CHILD = """
import json, resource, sys, time
import django; django.setup()
from pathlib import Path
from m2c.leads import importer
start = time.perf_counter()
counts, _mapping, _job = importer.run(Path(sys.argv[1]), actor=None)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  **counts.as_dict()}))
"""

RAW_CHILD = """
import csv, json, resource, sys, time
import django; django.setup()
from django.db import connection, transaction
path = sys.argv[1]
with connection.cursor() as cursor:
    cursor.execute("DROP TABLE IF EXISTS bench_raw_leads")
    cursor.execute("CREATE TABLE bench_raw_leads (" + ", ".join(f"c{i} TEXT" for i in range(13)) + ")")
sql = "INSERT INTO bench_raw_leads VALUES (" + ", ".join(["%s"] * 13) + ")"
start = time.perf_counter()
rows = 0
with open(path, newline="", encoding="utf-8") as handle:
    reader = csv.reader(handle)
    next(reader)
    batch = []
    for row in reader:
        batch.append(row[:13] + [""] * (13 - len(row)))
        if len(batch) == 5000:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, batch)
            rows += len(batch)
            batch = []
    if batch:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        rows += len(batch)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": rows, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


FLOOR_CHILD = """
import json, re, sys, time
import django; django.setup()
from django.db import connection, transaction
from m2c.leads import bulk
TABLES = ["leads_lead", "leads_lead_offering_lines", "core_event", "leads_leadmerge", "leads_campaigntouch"]
q = connection.ops.quote_name
total = 0.0
per_table = {}
with connection.cursor() as cursor:
    for table in TABLES:
        floor = "floor_" + table
        cursor.execute(f"DROP TABLE IF EXISTS {q(floor)}")
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC", [table])
            ddl = [r[0] for r in cursor.fetchall()]
            for statement in ddl:
                statement = re.sub(r' REFERENCES "\\w+" \\("\\w+"\\)( DEFERRABLE INITIALLY DEFERRED)?', "", statement)
                statement = statement.replace(f'"{table}"', f'"{floor}"', 1).replace('INDEX "', 'INDEX "floor_', 1)
                cursor.execute(statement)
        else:
            cursor.execute(f"CREATE TABLE {q(floor)} (LIKE {q(table)} INCLUDING ALL)")
        cursor.execute(f"SELECT * FROM {q(table)} WHERE 1 = 0")  # noqa: S608
        columns = [c[0] for c in cursor.description]
        names = ", ".join(q(c) for c in columns)
        elapsed, count, last = 0.0, 0, None
        while True:
            # Keyset pages of 5,000 rows: bounded memory on both databases.
            where = f"WHERE {q(columns[0])} > %s " if last is not None else ""
            key = q(columns[0])
            if connection.vendor == "postgresql":
                # The page as COPY text, so only the storing is timed.
                cursor.execute(f"SELECT {key} FROM {q(table)} {where}ORDER BY {key} LIMIT 5000",  # noqa: S608
                               [last] if last is not None else [])
                keys = [r[0] for r in cursor.fetchall()]
                if not keys:
                    break
                first, last, size = keys[0], keys[-1], len(keys)
                with cursor.cursor.copy(f"COPY (SELECT * FROM {q(table)} WHERE {key} BETWEEN %s AND %s) TO STDOUT",
                                        [first, last]) as out:
                    data = b"".join(bytes(chunk) for chunk in out)
                started = time.perf_counter()
                with transaction.atomic(), connection.cursor() as writer, \\
                        writer.cursor.copy(f"COPY {q(floor)} ({names}) FROM STDIN") as copy:
                    copy.write(data)
                elapsed += time.perf_counter() - started
                count += size
                continue
            cursor.execute(f"SELECT * FROM {q(table)} {where}ORDER BY {key} LIMIT 5000",  # noqa: S608
                           [last] if last is not None else [])
            batch = cursor.fetchall()
            if not batch:
                break
            last = batch[-1][0]
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as writer:
                # As the import's insert does: constant columns become literals, the rest is bound.
                values, varying = [], []
                for index, column in enumerate(zip(*batch)):
                    literal = bulk._literal(column[0]) if column.count(column[0]) == len(batch) else None
                    if literal is None:
                        values.append("%s")
                        varying.append(index)
                    else:
                        values.append(literal)
                sql = f"INSERT INTO {q(floor)} ({names}) VALUES ({', '.join(values)})"  # noqa: S608
                writer.executemany(sql, [tuple(r[i] for i in varying) for r in batch])
            elapsed += time.perf_counter() - started
            count += len(batch)
        per_table[table] = {"rows": count, "seconds": round(elapsed, 2)}
        total += elapsed
        cursor.execute(f"DROP TABLE {q(floor)}")
print(json.dumps({"seconds": total, "tables": per_table}))
"""


def _child(code: str, url: str, path: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", code, str(path)], env=_env(url), capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"the child failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg", default=PG_DEFAULT, help="PostgreSQL server URL ending in /")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "var").mkdir(exist_ok=True)
    path = WORK / f"leads-{args.rows}.csv"
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        from benchmarks.lead_data import write_csv

        started = time.perf_counter()
        info = write_csv(path, args.rows)
        print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB, {info['duplicates']} duplicate rows, "
              f"{info['broken']} broken rows) in {time.perf_counter() - started:.0f}s", flush=True)
    rows = []
    for kind in args.databases.split(","):
        url = _prepare_database(kind, args.pg)
        raw = _child(RAW_CHILD, url, path)
        url = _prepare_database(kind, args.pg)
        imported = _child(IMPORT_CHILD, url, path)
        floor = _child(FLOOR_CHILD, url, path)
        imported["floor"] = floor
        rows.append((kind, raw, imported))
        print(f"{kind}: raw {raw['rows'] / raw['seconds']:,.0f} rows/s; storage floor {imported['rows'] / floor['seconds']:,.0f} "
              f"rows/s; import {imported['rows'] / imported['seconds']:,.0f} rows/s {json.dumps(imported)}", flush=True)
    print()
    print(f"{'database':<11} {'rows':>9} {'raw rows/s':>11} {'floor rows/s':>13} {'import rows/s':>14} {'ratio':>6} "
          f"{'floor ratio':>11} {'peak MB':>8} "
          f"{'created':>8} {'merged':>7} {'invalid':>8} {'rejected':>9}")
    for kind, raw, imp in rows:
        raw_rate = raw["rows"] / raw["seconds"]
        rate = imp["rows"] / imp["seconds"]
        floor_rate = imp["rows"] / imp["floor"]["seconds"]
        print(f"{kind:<11} {imp['rows']:>9,} {raw_rate:>11,.0f} {floor_rate:>13,.0f} {rate:>14,.0f} {raw_rate / rate:>5.1f}x "
              f"{raw_rate / floor_rate:>10.1f}x {imp['rss_mb']:>8.0f} "
              f"{imp['created']:>8,} {imp['merged']:>7,} {imp['invalid']:>8,} {imp['rejected']:>9,}")
    shutil.rmtree(WORK / "var", ignore_errors=True)


if __name__ == "__main__":
    main()
