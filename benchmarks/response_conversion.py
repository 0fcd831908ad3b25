"""Campaign responses at volume: a GBK response file through the import engine, then the worker's sweep
converting every response into a lead through the lead capture rules (issue 11 item 5).

    python -m benchmarks.response_conversion [--responses 2000] [--customers 2000] [--pg]

Setup (not measured): a fresh database (SQLite under /tmp/m2c_bench_resp, or with ``--pg`` the PostgreSQL
database ``m2c_bench_resp``), migrations, reference data, demo users, ``--customers`` demo customers and
the demo campaigns. The file has one response a row: a third of them from contacts of stored customers
(resolved by identity), the rest from new companies, 10 % repeats of an earlier person (merged into that
lead), types mixed, written in GBK.

Measured: the import (rows/s: mapping, value maps, identity resolution, the journey stage, one response
and its event per row) and the conversion sweep (responses/s: capture, duplicates, validity, scoring,
routing, the touch, one response at a time as the worker does).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("M2C_BENCH_RESP_VAR", "/tmp/m2c_bench_resp"))
PG_DB = os.environ.get("M2C_BENCH_RESP_DB", "m2c_bench_resp")  # another name when benchmarks run side by side


def _setup_env(pg: bool) -> None:
    sys.path[:0] = [str(ROOT / "src")]
    os.environ["DJANGO_SETTINGS_MODULE"] = "m2c.settings"
    os.environ["M2C_VAR_DIR"] = str(VAR)
    if pg:
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
        os.environ["M2C_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=2000)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--pg", action="store_true")
    args = parser.parse_args()
    _setup_env(args.pg)
    subprocess.run([sys.executable, "-m", "m2c.cli", "migrate"], check=True, env={
        **os.environ, "PYTHONPATH": str(ROOT / "src")}, stdout=subprocess.DEVNULL)
    import django

    django.setup()
    from m2c import demo
    from m2c.campaigns import demo as campaign_demo
    from m2c.campaigns.imports import CLIENT
    from m2c.campaigns.models import CampaignResponse
    from m2c.campaigns.services import responses_convert_pending
    from m2c.core.imports import runner
    from m2c.core.models import User
    from m2c.customers.models import Customer
    from m2c.leads.capture import load_settings

    demo.load_reference()
    demo.load_users()
    demo.load_customers(args.customers, progress=False)
    campaign_demo.load(progress=False)
    load_settings()
    actor = User.objects.get(username="mkt.zhou")
    rng = random.Random(11)
    known = list(Customer.objects.values_list("legal_name", flat=True))
    kinds = ["展台", "下载", "签到", "报名", "会议请求", "回电"]
    campaigns = ["smart-campus-roadshow", "finance-dc-summit"]
    rows, people = [], []
    for i in range(args.responses):
        if people and rng.random() < 0.10:
            name, company, email, phone = rng.choice(people)
        else:
            company = rng.choice(known) if rng.random() < 0.33 else f"新客户{i}号科技有限公司"
            name, email, phone = f"联系人{i}", f"p{i}@example{i % 97}.cn", f"139{i:08d}"
            people.append((name, company, email, phone))
        rows.append(f"{rng.choice(campaigns)},{rng.choice(kinds)},{name},{company},{email},{phone},2026-03-05 10:{i % 60:02d},是\n")
    path = VAR / "responses.csv"
    path.write_bytes(("活动,响应类型,姓名,公司名称,邮箱,手机,时间,同意接收\n" + "".join(rows)).encode("gbk"))

    job = runner.create_job(path, CLIENT, actor=actor)
    started = time.perf_counter()
    if os.environ.get("PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(runner.run_job, job, CLIENT, actor=actor)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    else:
        runner.run_job(job, CLIENT, actor=actor)
    imported = time.perf_counter() - started
    job.refresh_from_db()
    started = time.perf_counter()
    converted = 0
    while True:
        done = responses_convert_pending(limit=500)
        converted += done
        if not done:
            break
    swept = time.perf_counter() - started
    engine = "PostgreSQL" if args.pg else "SQLite"
    pending = CampaignResponse.objects.filter(status="PENDING").count()
    print(f"{engine}: {args.responses:,} rows, {job.created:,} responses imported in {imported:.1f} s "
          f"({job.created / imported:,.0f} rows/s, {job.rejected} rejected); {converted:,} converted in {swept:.1f} s "
          f"({converted / swept:,.0f} responses/s), {pending} left pending")


if __name__ == "__main__":
    main()
