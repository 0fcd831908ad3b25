"""Import a generated lead file end to end, on SQLite and PostgreSQL, against its storage floor.

    python -m benchmarks.lead_import [--rows 1000000] [--databases sqlite,postgresql] [--pg postgres://…/]
                                     [--worker both|on|off]

The file (Chinese and English companies, ~10 % duplicates in realistic variants, ~2 % broken rows, an
offering-line column so the leads are valid) is generated once under /tmp/m2c-bench-leads. For each
database a fresh schema gets the whole demo as ``m2c demo`` loads it (reference data and territories,
users, 320 customers, campaigns, the demo's routing rules, its leads and opportunities), then a child
process runs exactly what ``m2c import leads FILE`` runs (normalise, identity resolution, duplicate
detection, validity, score, routing, events) and reports its wall time, its CPU seconds and its
worker's, and peak memory (ru_maxrss of the process and of its worker). ``--worker both`` (the
default) imports twice, on fresh schemas, without and with the worker process that prepares the rows
(``M2C_IMPORT_WORKER``). In the same run, another child inserts the same rows with ``executemany``
into a bare table with one text column per CSV column: the physical limit of the database driver.

A third child measures the *storage floor*: it takes the rows the import stored (leads, their
offering lines, events, merges, campaign touches) and inserts them again, batch by batch, into empty
copies of the same tables with the same indexes and checks (foreign keys left out, so it is a lower
bound), through the same driver path the import uses (literals for constant columns and
``executemany`` on SQLite, ``COPY`` on PostgreSQL). No import, however its Python is written, can
store these rows faster than that on the same machine. "÷ floor" is the import's time over the floor's.
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
WORK = Path(os.environ.get("M2C_BENCH_DIR", "/tmp/m2c-bench-leads"))
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/"
PG_DB = "m2c_bench_leads"


def _env(url: str, worker: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("M2C_")}
    env.update(M2C_DATABASE_URL=url, M2C_VAR_DIR=str(WORK / "var"), DJANGO_SETTINGS_MODULE="m2c.settings",
               PYTHONPATH=str(ROOT))
    if worker:
        env["M2C_IMPORT_WORKER"] = "1" if worker == "on" else "0"
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
from m2c.demo import load_demo
# The demo as `m2c demo` loads it: reference data with territories, users, 320 customers, campaigns, the
# demo's routing rules and its leads and opportunities, so the import resolves, routes and scores as it
# would on a real installation.
load_demo(customers=320, progress=False)
"""

IMPORT_CHILD = """
import json, resource, sys, time
import django; django.setup()
from pathlib import Path
from m2c.leads import importer
start, cpu = time.perf_counter(), time.process_time()
counts, _mapping, _job = importer.run(Path(sys.argv[1]), actor=None)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": elapsed, "cpu": cpu, "worker_cpu": kids.ru_utime + kids.ru_stime,
                  "rss_mb": me.ru_maxrss / 1024, "worker_mb": kids.ru_maxrss / 1024, **counts.as_dict()}))
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
from m2c.core import bulk
TABLES = ["leads_lead", "leads_lead_offering_lines", "core_event", "leads_leadmerge", "leads_campaigntouch"]
q = connection.ops.quote_name
total = 0.0
cpu = 0.0  # this process's CPU seconds while storing (on SQLite, the whole storing work)
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
                started, cpu_started = time.perf_counter(), time.process_time()
                with transaction.atomic(), connection.cursor() as writer, \\
                        writer.cursor.copy(f"COPY {q(floor)} ({names}) FROM STDIN") as copy:
                    copy.write(data)
                elapsed += time.perf_counter() - started
                cpu += time.process_time() - cpu_started
                count += size
                continue
            cursor.execute(f"SELECT * FROM {q(table)} {where}ORDER BY {key} LIMIT 5000",  # noqa: S608
                           [last] if last is not None else [])
            batch = cursor.fetchall()
            if not batch:
                break
            last = batch[-1][0]
            started, cpu_started = time.perf_counter(), time.process_time()
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
            cpu += time.process_time() - cpu_started
            count += len(batch)
        per_table[table] = {"rows": count, "seconds": round(elapsed, 2)}
        total += elapsed
        cursor.execute(f"DROP TABLE {q(floor)}")
print(json.dumps({"seconds": total, "cpu": cpu, "tables": per_table}))
"""


def _child(code: str, url: str, path: Path, worker: str = "") -> dict:
    result = subprocess.run([sys.executable, "-c", code, str(path)], env=_env(url, worker), capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"the child failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg", default=PG_DEFAULT, help="PostgreSQL server URL ending in /")
    parser.add_argument("--worker", choices=["on", "off", "both"], default="both",
                        help="prepare rows in a worker process (M2C_IMPORT_WORKER), without, or one run of each")
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
    modes = ["off", "on"] if args.worker == "both" else [args.worker]
    for kind in args.databases.split(","):
        url = _prepare_database(kind, args.pg)
        raw = _child(RAW_CHILD, url, path)
        floor = None
        for mode in modes:
            url = _prepare_database(kind, args.pg)
            imported = _child(IMPORT_CHILD, url, path, mode)
            if floor is None:  # the same rows are stored whatever the mode: one floor per database
                floor = _child(FLOOR_CHILD, url, path)
            imported["floor"] = floor
            rows.append((f"{kind} ({mode})", raw, imported))
            print(f"{kind}, worker {mode}: raw {raw['rows'] / raw['seconds']:,.0f} rows/s; storage floor "
                  f"{imported['rows'] / floor['seconds']:,.0f} rows/s; import {imported['rows'] / imported['seconds']:,.0f} "
                  f"rows/s {json.dumps(imported)}", flush=True)
    print()
    print(f"{'database (worker)':<19} {'rows':>9} {'raw rows/s':>11} {'floor rows/s':>13} {'import rows/s':>14} "
          f"{'÷ floor':>8} {'CPU s':>6} {'worker CPU s':>13} {'floor CPU s':>12} {'peak MB':>8} {'worker MB':>10} "
          f"{'created':>8} {'merged':>7} {'invalid':>8} {'rejected':>9}")
    for kind, raw, imp in rows:
        raw_rate = raw["rows"] / raw["seconds"]
        rate = imp["rows"] / imp["seconds"]
        floor_rate = imp["rows"] / imp["floor"]["seconds"]
        print(f"{kind:<19} {imp['rows']:>9,} {raw_rate:>11,.0f} {floor_rate:>13,.0f} {rate:>14,.0f} "
              f"{floor_rate / rate:>7.2f}x {imp['cpu']:>6.1f} {imp['worker_cpu']:>13.1f} {imp['floor']['cpu']:>12.1f} "
              f"{imp['rss_mb']:>8.0f} "
              f"{imp['worker_mb']:>10.0f} {imp['created']:>8,} {imp['merged']:>7,} {imp['invalid']:>8,} {imp['rejected']:>9,}")
    shutil.rmtree(WORK / "var", ignore_errors=True)


if __name__ == "__main__":
    main()
