"""Pipeline report and board latency with many opportunities, on SQLite and PostgreSQL.

    python -m benchmarks.pipeline [--engines sqlite,postgres] [--sqlite-count 100000]
                                  [--pg-count 1000000] [--repeat 9] [--reuse]

For each engine: a fresh database (``/tmp/m2c_bench_pipeline.sqlite3``, or the PostgreSQL database
``m2c_bench_pipeline``), migrations, reference data and the demo users, then N opportunities (with their
offering-line and team rows), 20,000 customers and 50 account managers per office bulk-loaded: COPY on PostgreSQL, executemany on
SQLite. That is setup, not measured. ``--reuse`` keeps a database already loaded with N rows.

Then, in one process with the database warm, each measurement runs once to warm up and ``--repeat``
times timed; the table shows the median and the slowest run:

- the weighted-pipeline report by region × stage in the reporting currency (the selector the API and
  the reports page use), for an executive (sees everything), a user of the East region (its subtree)
  and an AR of the Shanghai office (the office, plus deals they own or are on the team of);
- the first page of the board (20 cards per stage and each column's count, amount and weighted amount
  in the reporting currency), for the same three users;
- the board filtered by grade (answered by the running totals) and by sign date in the next 90 days,
  which they cannot answer (column totals counted from the deals);
- the same through the full request path, in process: ``GET /api/v1/reports/pipeline`` and the HTML
  board ``GET /opportunities/`` (middleware, scoping, template).

Targets (PostgreSQL, 1,000,000 opportunities): report under 1 s, first page of the board under 300 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = Path("/tmp/m2c_bench_pipeline.sqlite3")
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "m2c_bench_pipeline"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"

# stage, share, probability, forecast category
STAGES = [
    ("O1_VALIDATE", 0.30, 10, "pipeline"), ("O2_SHAPE", 0.20, 25, "pipeline"), ("O3_BID", 0.15, 40, "best_case"),
    ("O4_NEGOTIATE", 0.10, 75, "commit"), ("ON_HOLD", 0.03, 0, "omitted"), ("WON", 0.10, 100, "closed"),
    ("LOST", 0.08, 0, "omitted"), ("ABANDONED", 0.04, 0, "omitted"),
]
CURRENCIES = [("CNY", 0.85, Decimal(1)), ("USD", 0.10, Decimal("7.1")), ("EUR", 0.05, Decimal("7.9"))]


def pythonpath() -> str:
    return os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "M2C_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "m2c.settings",
            "M2C_VAR_DIR": "/tmp/m2c_bench_pipeline_var", "PYTHONPATH": pythonpath()}


def _pg_create() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")


def prepare(engine: str, count: int, reuse: bool) -> str:
    url = f"sqlite:///{SQLITE_PATH}" if engine == "sqlite" else PG_URL
    if reuse and _loaded(url) == count:
        print(f"{engine}: reusing {count:,} opportunities", flush=True)
        return url
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        _pg_create()
    env = _env(url)
    subprocess.run([sys.executable, "-m", "m2c.cli", "migrate"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import django; django.setup(); from benchmarks.pipeline import "
                    f"bulk_load; bulk_load({count})"], env=env, check=True)
    print(f"{engine}: loaded {count:,} opportunities in {time.perf_counter() - started:.0f} s", flush=True)
    return url


def _loaded(url: str) -> int:
    code = ("import django; django.setup(); from m2c.opportunities.models import Opportunity; "
            "print(Opportunity.objects.count())")
    result = subprocess.run([sys.executable, "-c", code], env=_env(url), capture_output=True, text=True)
    try:
        return int(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return -1


# --- bulk load (runs in a child process configured for the target database) --------------------------


def _default(field: Any) -> Any:
    """The value a column gets when a row does not say: the field's default, NULL, or an empty string."""
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    return ""


def _columns(model: Any) -> list[Any]:
    return list(model._meta.concrete_fields)


class Loader:
    """Row inserts as fast as the engine allows: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor

    def insert(self, model: Any, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        # Auto-increment keys are left to the database.
        fields = [f for f in _columns(model) if f.attname in rows[0]
                  or f.get_internal_type() not in ("AutoField", "BigAutoField")]
        table = model._meta.db_table
        columns = [f.column for f in fields]
        defaults = {f.attname: _default(f) for f in fields if f.attname not in rows[0]}
        prepped = [[f.get_db_prep_save(row[f.attname] if f.attname in row else defaults[f.attname],
                                       connection=self.connection) for f in fields] for row in rows]
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for values in prepped:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", prepped)


def _pick(rng: random.Random, table: list[tuple]) -> tuple:
    x = rng.random()
    for row in table:
        x -= row[1]
        if x <= 0:
            return row
    return table[-1]


def bulk_load(count: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from m2c.core.models import FxRate, OfferingLine, OrgUnit, User
    from m2c.customers.models import Customer
    from m2c.demo import load_reference, load_users
    from m2c.opportunities.defaults import ensure_defaults
    from m2c.opportunities.models import Opportunity, TeamAssignment

    load_reference()
    load_users()
    ensure_defaults()
    for code, _share, rate in CURRENCIES[1:]:
        FxRate.objects.get_or_create(currency_id=code, quote_currency_id="CNY", valid_on=dt.date(2000, 1, 1),
                                     defaults={"rate": rate})
    rng = random.Random(20260601)
    loader = Loader()
    now = timezone.now()
    today = timezone.localdate()
    offices = list(OrgUnit.objects.filter(type=OrgUnit.Type.REP_OFFICE))
    region_of = {o.pk: o.region().pk for o in offices}
    lines = list(OfferingLine.objects.all())
    # Account managers belong to the office whose deals they own: 50 per representative office, each
    # with about 1,000 of the 1,000,000 deals (open and closed history), as in a large sales force.
    from django.contrib.auth.models import Group

    ar_group, _ = Group.objects.get_or_create(name="ar")
    staff = []
    for office in offices:
        for n in range(50):
            staff.append(User(username=f"bench.ar.{office.code}.{n:02d}", display_name=f"AR {office.code} {n:02d}",
                              org_unit=office, password="!"))
    User.objects.bulk_create(staff, batch_size=1000)
    staff = list(User.objects.filter(username__startswith="bench.ar."))
    ar_group.user_set.add(*staff)
    ars_by_office: dict[Any, list[Any]] = {}
    for ar in staff:
        ars_by_office.setdefault(ar.org_unit_id, []).append(ar)

    customer_rows = []
    for i in range(20_000):
        office = offices[i % len(offices)]
        customer_rows.append({"id": uuid.UUID(int=rng.getrandbits(128)), "legal_name": f"基准客户 {i:05d} 有限公司",
                              "normalized_name": f"基准客户{i:05d}", "country": "CN", "industry": "other",
                              "tier": "general", "org_unit_id": office.pk, "created_at": now, "updated_at": now,
                              "version": 1, "credit_rating": "unrated", "credit_limit": Decimal(0),
                              "credit_currency": "CNY", "credit_hold": False, "compliance_status": "ok",
                              "registration_no": "", "province": "", "city": "", "address": "", "website": "",
                              "compliance_note": ""})
    with transaction.atomic():
        loader.insert(Customer, customer_rows)
    customers = [(r["id"], r["org_unit_id"]) for r in customer_rows]
    by_office: dict[Any, list[Any]] = {}
    for cid, office in customers:
        by_office.setdefault(office, []).append(cid)

    through = Opportunity.offering_lines.through
    batch = 50_000
    for start in range(0, count, batch):
        opps, links, team = [], [], []
        for _i in range(start, min(count, start + batch)):
            office = offices[rng.randrange(len(offices))]
            region = region_of[office.pk]
            stage, _share, probability, forecast = _pick(rng, STAGES)
            currency, _share, rate = _pick(rng, CURRENCIES)
            cny = Decimal(int(min(200_000 * rng.paretovariate(1.2), 400_000_000)))
            amount = (cny / rate).quantize(Decimal(1))
            reporting = amount * rate
            grade = "A" if reporting >= 50_000_000 else "B" if reporting >= 5_000_000 else "C"
            owner = rng.choice(ars_by_office[office.pk])
            line = lines[rng.randrange(len(lines))]
            oid = uuid.UUID(int=rng.getrandbits(128))
            sign = None if rng.random() < 0.05 else today + dt.timedelta(days=rng.randrange(-60, 540))
            opps.append({
                "id": oid, "name": f"基准机会点 {_i:07d}", "customer_id": rng.choice(by_office[office.pk]),
                "org_unit_id": office.pk, "region_id": region, "offering_line_id": line.pk, "amount": amount,
                "currency": currency, "amount_reporting": reporting, "expected_sign_date": sign, "stage": stage,
                "stage_changed_at": now, "owner_id": owner.pk, "budget_status": "confirmed", "description": "",
                "grade": grade, "priority_type": "routine", "probability": Decimal(probability),
                "forecast_category": forecast, "forecast_category_manual": False, "direct_negotiation": False,
                "previous_stage": "", "hold_reason": "", "loss_reason": "", "loss_detail": "", "loss_competitor": "",
                "abandon_reason": "", "created_at": now, "updated_at": now, "version": 1,
            })
            links.append({"opportunity_id": oid, "offeringline_id": line.pk})
            team.append({"id": uuid.UUID(int=rng.getrandbits(128)), "opportunity_id": oid, "role": "AR",
                         "user_id": owner.pk, "valid_from": today, "note": "", "created_at": now})
        with transaction.atomic():
            loader.insert(Opportunity, opps)
            loader.insert(through, links)
            loader.insert(TeamAssignment, team)
        print(f"  {min(count, start + batch):,} / {count:,}", flush=True)
    # The running totals the services keep in step; a bulk load bypasses them, so rebuild once.
    from m2c.opportunities import totals

    totals.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if connection.vendor == "postgresql":
        # What autovacuum would do after a load of this size: the visibility map lets index-only scans work.
        connection.cursor().execute("VACUUM ANALYZE opportunities_opportunity")


# --- measurements -----------------------------------------------------------------------------------


def _time(fn: Any, repeat: int) -> tuple[float, float]:
    fn()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), max(runs)


def measure(repeat: int) -> list[tuple[str, str, float, float]]:
    from django.test import Client

    from m2c.core.models import User
    from m2c.opportunities import selectors

    executive = User.objects.get(username="exec.liu")
    manager = User.objects.get(username="sdt.east")  # org unit: the East region
    account = User.objects.get(username="bench.ar.ro-shanghai.00")  # a Shanghai office AR
    results = []
    for label, user in (("executive", executive), ("East region user", manager), ("Shanghai office AR", account)):
        results.append(("report: region × stage (selector)", label, *_time(
            lambda u=user: selectors.pipeline_report(user=u, group_by=["region", "stage"]), repeat)))
        results.append(("board: first page (selector)", label, *_time(
            lambda u=user: selectors.board(user=u, per_column=20), repeat)))
    # A filter the running totals answer (grade), and one they cannot (sign dates in the next 90 days):
    # then the column totals are counted from the deals.
    graded = selectors.Filters(grade="A")
    results.append(("board: first page, grade A", "executive", *_time(
        lambda: selectors.board(user=executive, filters=graded, per_column=20), repeat)))
    from django.utils import timezone

    today = timezone.localdate()
    soon = selectors.Filters(sign_from=today, sign_to=today + dt.timedelta(days=90))
    results.append(("board: first page, signing in 90 days (totals counted directly)", "executive", *_time(
        lambda: selectors.board(user=executive, filters=soon, per_column=20), repeat)))
    client = Client()
    client.force_login(executive)

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    results.append(("GET /api/v1/reports/pipeline?group_by=region,stage", "executive",
                    *_time(lambda: get("/api/v1/reports/pipeline?group_by=region,stage"), repeat)))
    results.append(("GET /api/v1/pipeline/board", "executive", *_time(lambda: get("/api/v1/pipeline/board"), repeat)))
    results.append(("GET /opportunities/ (HTML board)", "executive", *_time(lambda: get("/opportunities/"), repeat)))
    return results


def run_measure(url: str, repeat: int) -> list[tuple]:
    code = (f"import django, json; django.setup(); from benchmarks.pipeline import measure; "
            f"print('RESULT ' + json.dumps(measure({repeat})))")
    result = subprocess.run([sys.executable, "-c", code], env={**_env(url), "M2C_DEBUG": "0"}, capture_output=True,
                            text=True, check=True)
    import json

    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--sqlite-count", type=int, default=100_000)
    parser.add_argument("--pg-count", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded with N rows")
    args = parser.parse_args()
    rows = []
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        count = args.sqlite_count if engine == "sqlite" else args.pg_count
        url = prepare("sqlite" if engine == "sqlite" else "postgres", count, args.reuse)
        for name, who, median, worst in run_measure(url, args.repeat):
            rows.append((engine, f"{count:,}", name, who, median, worst))
    print()
    print(f"| engine | opportunities | measurement | user | median | slowest of {args.repeat} |")
    print("|---|---|---|---|---|---|")
    for engine, count, name, who, median, worst in rows:
        print(f"| {engine} | {count} | {name} | {who} | {median:.1f} ms | {worst:.1f} ms |")


if __name__ == "__main__":
    main()
