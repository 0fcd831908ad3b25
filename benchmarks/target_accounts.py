"""Target-account list over a million customers on PostgreSQL (issue 13 item 5, 扩大喇叭口).

    python -m benchmarks.target_accounts [--customers 1000000] [--repeat 5] [--reuse] [--keep]

Setup (not measured): a fresh database ``m2c_bench_targets`` on the local PostgreSQL, migrations, the demo's
reference data and users, then bulk-loaded with ``core.bulk.insert`` (COPY), with a progress bar:
N customers over 11 industries, 15 offices in 5 regions and 3 tiers; N/7 opportunities (60 % open);
N/5 activities on them over the past year (the "last contact"); N/12 signed contracts (the installed base).
``--reuse`` keeps a database already loaded with N customers; it is dropped at the end unless ``--keep``.

Measured, in a child process with the database warm (one warm-up, then the median of ``--repeat`` runs), for
a list with five criteria — industries education + government, region East, tiers general + strategic,
no installed base, no open opportunity, last contact older than 90 days:

- preview: the matching count and the first page of 50 accounts (``selectors.target_matches``), what the
  list page shows;
- refresh from empty: ``services.target_list_refresh`` of a new list — the match into a temporary table,
  the diff against the stored members and the insert of every matching customer, in one transaction;
- refresh again: the same list refreshed with nothing changed (the match and an empty diff).

Target: each under 1 s.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "m2c_bench_targets"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
INDUSTRIES = ["education", "government", "finance", "healthcare", "manufacturing", "energy", "transport",
              "telecom", "retail", "internet", "other"]
OFFICES = ["ro-shanghai", "ro-hangzhou", "ro-nanjing", "ro-beijing", "ro-tianjin", "ro-shenzhen", "ro-guangzhou",
           "ro-chengdu", "ro-xian", "ro-singapore", "ro-dubai", "east", "north", "south", "west"]
OPEN = ["O1_VALIDATE", "O2_SHAPE", "O3_BID", "O4_NEGOTIATE"]
CHUNK = 50_000


def _env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "M2C_DATABASE_URL": PG_URL, "DJANGO_SETTINGS_MODULE": "m2c.settings",
            "M2C_VAR_DIR": "/tmp/m2c_bench_targets_var", "PYTHONPATH": path}


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def _child(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "benchmarks.target_accounts", *args], env=_env(), check=True, cwd=ROOT)


def bulk_load(customers: int) -> None:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from m2c.contracts.models import Contract
    from m2c.core import bulk
    from m2c.core.models import OrgUnit, User
    from m2c.customers.models import Customer
    from m2c.demo import load_reference, load_users
    from m2c.opportunities.models import Activity, Opportunity

    rng = random.Random(13)
    load_reference()
    load_users()
    units = dict(OrgUnit.objects.filter(code__in=OFFICES).values_list("code", "pk"))
    unit_ids = [units[c] for c in OFFICES]
    owner = User.objects.get(username="ar.li").pk
    today = timezone.localdate()
    now = timezone.now()
    opportunities, activities, contracts = customers // 7, customers // 5, customers // 12
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    customer_ids: list[uuid.UUID] = []
    with Progress(*columns) as bar:
        task = bar.add_task("customers", total=customers)
        for start in range(0, customers, CHUNK):
            rows = []
            for n in range(start, min(customers, start + CHUNK)):
                pk = uuid.UUID(int=rng.getrandbits(128), version=4)
                customer_ids.append(pk)
                tier = rng.random()
                rows.append({"id": pk, "legal_name": f"基准客户{n:07d}有限公司", "normalized_name": f"基准客户{n:07d}",
                             "industry": rng.choice(INDUSTRIES), "org_unit_id": rng.choice(unit_ids),
                             "tier": "named" if tier < 0.05 else "strategic" if tier < 0.2 else "general",
                             "created_at": now, "updated_at": now})
            with transaction.atomic():
                bulk.insert(Customer, rows)
            bar.advance(task, len(rows))
        task = bar.add_task("opportunities", total=opportunities)
        opp_ids = []
        for start in range(0, opportunities, CHUNK):
            rows = []
            for n in range(start, min(opportunities, start + CHUNK)):
                pk = uuid.UUID(int=rng.getrandbits(128), version=4)
                opp_ids.append(pk)
                rows.append({"id": pk, "name": f"商机{n}", "customer_id": rng.choice(customer_ids), "owner_id": owner,
                             "stage": rng.choice(OPEN) if rng.random() < 0.6 else rng.choice(["WON", "LOST"]),
                             "created_at": now, "updated_at": now, "stage_changed_at": now})
            with transaction.atomic():
                bulk.insert(Opportunity, rows)
            bar.advance(task, len(rows))
        task = bar.add_task("activities", total=activities)
        for start in range(0, activities, CHUNK):
            rows = [{"opportunity_id": rng.choice(opp_ids), "subject": "拜访", "user_id": owner, "created_at": now,
                     "occurred_on": today - dt.timedelta(days=rng.randrange(365))}
                    for _ in range(start, min(activities, start + CHUNK))]
            with transaction.atomic():
                bulk.insert(Activity, rows)
            bar.advance(task, len(rows))
        task = bar.add_task("contracts", total=contracts)
        for start in range(0, contracts, CHUNK):
            rows = [{"number": f"HT-B{n:08d}", "title": "基准合同", "customer_id": rng.choice(customer_ids),
                     "org_unit_id": rng.choice(unit_ids), "owner_id": owner, "created_at": now, "updated_at": now,
                     "status": rng.choice(["SIGNED", "IN_EXECUTION", "CLOSED"]),
                     "signed_on": today - dt.timedelta(days=rng.randrange(1500))}
                    for n in range(start, min(contracts, start + CHUNK))]
            with transaction.atomic():
                bulk.insert(Contract, rows)
            bar.advance(task, len(rows))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(repeat: int) -> None:
    import django

    django.setup()
    from django.db import connection

    from m2c.core.models import OrgUnit
    from m2c.customers.models import Customer
    from m2c.insight import selectors, services
    from m2c.insight.models import TargetListMember

    target = services.target_list_create(
        actor=None, org_unit=OrgUnit.objects.get(code="hq"), name="基准名单", industries=["education", "government"],
        region=OrgUnit.objects.get(code="east"), tiers=["general", "strategic"], installed_base="without",
        no_open_opportunity=True, last_contact_days=90)

    def cpu_backend() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def preview() -> int:
        qs = selectors.target_matches(target)
        rows = list(qs.order_by("normalized_name").values_list("pk", "legal_name")[:50])
        return qs.count() + 0 * len(rows)

    def refresh() -> int:
        services.target_list_refresh(actor=None, target_list=target)
        return target.member_count

    def clear() -> None:
        TargetListMember.objects.filter(target_list=target).delete()
        with connection.cursor() as cursor:  # as a new list finds it: no dead rows of the previous run
            cursor.execute("VACUUM ANALYZE insight_targetlistmember")

    total = Customer.objects.count()
    print(f"customers {total:,}; list: education+government, East, general+strategic, no installed base, "
          "no open opportunity, last contact > 90 days")
    for name, fn, before in (("preview (count + first 50)", preview, None), ("refresh from empty", refresh, clear),
                             ("refresh again (unchanged)", refresh, None)):
        if before:
            before()
        fn()  # warm-up
        times, cpu, backend = [], 0.0, 0.0
        result = 0
        for _ in range(repeat):
            if before:
                before()
            c0, b0, t0 = time.process_time(), cpu_backend(), time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t0)
            cpu += time.process_time() - c0
            backend += cpu_backend() - b0
        print(f"{name:<28} median {statistics.median(times) * 1000:8.1f} ms   max {max(times) * 1000:8.1f} ms   "
              f"matches {result:,}   CPU: python {cpu:.2f} s, postgres {backend:.2f} s over {repeat} runs")
    with connection.cursor() as cursor:
        sql, params = selectors.target_matches(target).values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY ON) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    print("plan:", *plan[:3], "…", plan[-1], sep="\n  ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child", choices=["load", "measure"])
    args = parser.parse_args()
    if args.child == "load":
        bulk_load(args.customers)
        return
    if args.child == "measure":
        measure(args.repeat)
        return
    if not args.reuse:
        _admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        _admin(f"CREATE DATABASE {PG_DB}")
        subprocess.run([sys.executable, "-m", "m2c.cli", "migrate"], env=_env(), check=True, cwd=ROOT,
                       capture_output=True)
        _child("--child", "load", "--customers", str(args.customers))
    try:
        _child("--child", "measure", "--repeat", str(args.repeat))
    finally:
        if not args.keep:
            _admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
