"""Deal registration conflict check against 200,000 registrations and 1,000,000 opportunities (PostgreSQL).

    python -m benchmarks.deal_registration [--opportunities 1000000] [--registrations 200000]
                                           [--probes 300] [--reuse] [--database NAME] [--load-only]
                                           [--explain-slow MS]

Setup (not measured): a fresh PostgreSQL database ``m2c_bench_registration``, migrations, then the
pipeline benchmark's loader (reference data, demo users, 20,000 customers, N opportunities with their
offering-line and team rows, COPY) and 200 active partners certified in every product category with
200,000 registrations bulk-loaded through ``core.bulk.insert``: every (customer, offering line) key held
by at most one registration (UNDER_REVIEW, APPROVED or CONVERTED), the rest terminal (REJECTED, EXPIRED,
LOST, CANCELLED). ``--reuse`` keeps a database already loaded; ``--database`` names it (default
``m2c_bench_registration``); ``--load-only`` loads and stops.

Measured, in a new process with no warm-up (its first probe pays the process's first-call costs; a run
right after the load also meets the database as the load left it), for ``--probes`` registrations of
random customers under another spelling (spaces and the legal suffix dropped, a place name prefixed) and
random offering lines:

- the conflict check: identity resolution of the customer (``customers.customer_resolve``), the holder of
  the (customer, offering line) key and the open direct opportunities on it (``opportunities.selectors``);
- the whole submission (``services.registration_submit``: the advisory lock, resolution, certification,
  the numbered insert, the key check, the transition and its events), rolled back after each probe.

Target: conflict check p99 under 100 ms, in the first run after the load as in later ones.
``--explain-slow MS`` (diagnosis, not for figures) prints the plan of every statement slower than MS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from typing import Any

from benchmarks.pipeline import _env as pipeline_env

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "m2c_bench_registration"
HOLDING = ("UNDER_REVIEW", "APPROVED", "CONVERTED")
TERMINAL = ("REJECTED", "EXPIRED", "LOST", "CANCELLED")


def _env() -> dict[str, str]:
    return {**pipeline_env(f"postgres://postgres@127.0.0.1:5432/{PG_DB}"),
            "M2C_VAR_DIR": f"/tmp/{PG_DB}_var"}


def _count(code: str) -> int:
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], env=_env(),
                            capture_output=True, text=True)
    try:
        return int(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return -1


def prepare(opportunities: int, registrations: int, reuse: bool) -> None:
    import psycopg

    if reuse and _count("from m2c.partners.models import DealRegistration; "
                        "print(DealRegistration.objects.count())") == registrations:
        print(f"reusing {registrations:,} registrations", flush=True)
        return
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    subprocess.run([sys.executable, "-m", "m2c.cli", "migrate"], env=_env(), check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import django; django.setup(); from benchmarks.deal_registration import "
                    f"bulk_load; bulk_load({opportunities}, {registrations})"], env=_env(), check=True)
    print(f"loaded {opportunities:,} opportunities and {registrations:,} registrations in "
          f"{time.perf_counter() - started:.0f} s", flush=True)


def bulk_load(opportunities: int, registrations: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from benchmarks.pipeline import bulk_load as load_opportunities
    from m2c.core.bulk import insert
    from m2c.core.models import OfferingLine
    from m2c.partners.models import DealRegistration, Partner, PartnerCertification

    load_opportunities(opportunities)
    rng = random.Random(20261128)
    now = timezone.now()
    today = timezone.localdate()
    categories = sorted(set(OfferingLine.objects.values_list("product_category", flat=True)))
    lines = list(OfferingLine.objects.values_list("pk", flat=True))
    partners = [{"id": uuid.uuid4(), "code": f"bench-p{i:03d}", "legal_name": f"基准伙伴 {i:03d} 有限公司",
                 "credit_code": "", "status": "ACTIVE", "notes": "", "created_at": now, "updated_at": now,
                 "version": 1} for i in range(200)]
    certs = [{"id": uuid.uuid4(), "partner_id": p["id"], "product_category": c, "level": "GOLD", "status": "ACTIVE",
              "valid_from": today - dt.timedelta(days=30), "valid_to": today + dt.timedelta(days=700), "version": 1}
             for p in partners for c in categories]
    customers = _rename_customers(rng)
    held: set[tuple[Any, Any]] = set()
    with transaction.atomic():
        insert(Partner, partners)
        insert(PartnerCertification, certs)
    batch = 20_000
    for start in range(0, registrations, batch):
        rows = []
        for n in range(start, min(registrations, start + batch)):
            cid, name = customers[rng.randrange(len(customers))]
            line = lines[rng.randrange(len(lines))]
            status = rng.choice(TERMINAL)
            if (cid, line) not in held and rng.random() < 0.4:
                held.add((cid, line))
                status = rng.choice(HOLDING)
            submitted = now - dt.timedelta(days=rng.randrange(0, 700))
            rows.append({
                "id": uuid.uuid4(), "number": f"DRB{n:07d}", "partner_id": partners[rng.randrange(200)]["id"],
                "customer_name": name, "credit_code": "", "customer_domain": "", "customer_id": cid, "match": {},
                "project_name": f"基准项目 {n:07d}", "offering_line_id": line, "budget": Decimal(1_000_000),
                "currency": "CNY", "decision_chain": "信息中心 → 院长办公会", "implementation_date": today,
                "status": status, "submitted_at": submitted, "approved_at": submitted if status in HOLDING else None,
                "protected_until": today + dt.timedelta(days=60) if status in HOLDING else None,
                "extension_used": False, "extension_evidence": "", "rejection": "", "override_reason": "",
                "created_at": now, "updated_at": now, "version": 1,
            })
        with transaction.atomic():
            insert(DealRegistration, rows)
        print(f"  {min(registrations, start + batch):,} / {registrations:,} registrations "
              f"({len(held):,} keys held)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE partners_dealregistration")
        cursor.execute("ANALYZE")


CITIES = "北京 上海 广州 深圳 杭州 南京 苏州 成都 重庆 武汉 西安 天津 长沙 郑州 济南 青岛 合肥 福州 厦门 昆明 南宁 贵阳 " \
         "沈阳 大连 长春 哈尔滨 石家庄 太原 南昌 兰州 宁波 无锡 佛山 东莞 温州 烟台 珠海 海口".split()
SYLLABLES = "华信达通宏远恒泰瑞丰新创智联博明安康盛德荣光鼎中天和正嘉祥元亿鑫隆兴邦诚润卓越星海云峰金石伟业汇聚"
KINDS = ["科技有限公司", "信息技术有限公司", "人民医院", "职业技术学院", "集团有限公司", "制造有限公司", "能源有限公司",
         "物流有限公司", "电子有限公司", "建设工程有限公司"]


def _rename_customers(rng: random.Random) -> list[tuple[Any, str]]:
    """Give the loader's customers diverse company names (its own are numbered copies of one name, which
    every fuzzy probe would match), the way a real customer table looks to identity resolution."""
    from m2c.core.services import rows_update
    from m2c.customers.models import Customer
    from m2c.customers.names import company_keys

    seen: set[str] = set()
    customers = list(Customer.objects.only("pk", "legal_name", "normalized_name"))
    for customer in customers:
        while True:
            core = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 4))))
            name = f"{rng.choice(CITIES)}{core}{rng.choice(KINDS)}"
            if name not in seen:
                break
        seen.add(name)
        customer.legal_name, customer.normalized_name = name, company_keys(name)[0]
    from django.db import transaction

    with transaction.atomic():
        rows_update(Customer, customers, ["legal_name", "normalized_name"])
    return [(c.pk, c.legal_name) for c in customers]


def _variant(rng: random.Random, name: str) -> str:
    """Another spelling of a stored customer's name, as a partner types it."""
    core = name.replace("有限公司", "")
    return rng.choice([core, f"{core} 有限公司", f"{name}（总部）", name.replace("有限公司", "有限责任公司")])


PARTS: dict[str, list[float]] = {"resolve": [], "key holder": [], "direct opportunities": []}


def conflict_check(*, name: str, offering_line: Any) -> tuple[Any, Any, list[Any]]:
    from m2c.customers.identity import customer_resolve
    from m2c.opportunities import selectors as opportunity_selectors
    from m2c.partners import selectors

    t0 = time.perf_counter()
    found = customer_resolve(name=name)
    t1 = time.perf_counter()
    PARTS["resolve"].append((t1 - t0) * 1000)
    if found.customer is None:
        return None, None, []
    holder = selectors.key_holder(customer_id=found.customer.id, offering_line_id=offering_line.pk)
    t2 = time.perf_counter()
    direct = opportunity_selectors.open_direct_opportunities(customer_id=found.customer.id,
                                                             offering_line_id=offering_line.pk)
    t3 = time.perf_counter()
    PARTS["key holder"].append((t2 - t1) * 1000)
    PARTS["direct opportunities"].append((t3 - t2) * 1000)
    return found.customer, holder, direct


def _percentiles(runs: list[float]) -> tuple[float, float, float, float]:
    ordered = sorted(runs)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return statistics.median(ordered), p(0.95), p(0.99), ordered[-1]


def measure(probes: int, explain_ms: float | None = None) -> None:
    from django.db import transaction

    from m2c.core.models import OfferingLine, User
    from m2c.customers.models import Customer
    from m2c.partners import services
    from m2c.partners.models import Partner

    rng = random.Random(7)
    names = list(Customer.objects.order_by("?").values_list("legal_name", flat=True)[:probes])
    lines = list(OfferingLine.objects.all())
    partner = Partner.objects.get(code="bench-p000")
    cm = User.objects.filter(is_superuser=True).first()
    found = conflicts = 0
    notices: list[str] = []
    if explain_ms is not None:
        _explain_slow(explain_ms, notices)
    check, submit = [], []
    for name in names:
        line = rng.choice(lines)
        variant = _variant(rng, name)
        started = time.perf_counter()
        customer, holder, _direct = conflict_check(name=variant, offering_line=line)
        check.append((time.perf_counter() - started) * 1000)
        found += customer is not None
        conflicts += holder is not None
        with transaction.atomic():
            started = time.perf_counter()
            services.registration_submit(actor=cm, partner=partner, customer_name=variant, project_name="基准报备",
                                         offering_line=line, budget="1000000", decision_chain="信息中心",
                                         implementation_date=dt.date.today())
            submit.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    print(f"\n{len(names)} probes: {found} resolved to a stored customer, {conflicts} hit a held key\n")
    print("| measurement | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|")
    for label, runs in (("conflict check (resolve + key holder + direct opportunities)", check),
                        *((f"– of which {part}", PARTS[part]) for part in PARTS),
                        ("whole submission (rolled back)", submit)):
        print(f"| {label} | " + " | ".join(f"{v:.1f}" for v in _percentiles(runs)) + " |")
    print(f"\nfirst probe: conflict check {check[0]:.1f} ms, submission {submit[0]:.1f} ms; slowest probes "
          f"(check ms, probe number): {sorted(((round(v, 1), n) for n, v in enumerate(check)), reverse=True)[:6]}")
    for notice in notices:
        print("\n" + notice)


def _explain_slow(ms: float, notices: list[str]) -> None:
    """Diagnosis (``--explain-slow MS``): PostgreSQL's auto_explain sends the plan, with buffers, of every
    statement slower than ``ms`` back to this process as a notice. Not for the figures: it costs time."""
    from django.db import connection

    connection.ensure_connection()
    connection.connection.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
    with connection.cursor() as cursor:
        cursor.execute("LOAD 'auto_explain'")
        cursor.execute("SET track_io_timing = on")  # reads from the OS told apart from CPU time
        for setting, value in (("log_min_duration", int(ms)), ("log_analyze", "on"), ("log_buffers", "on"),
                               ("log_timing", "on"), ("log_level", "notice"), ("log_nested_statements", "on")):
            cursor.execute(f"SET auto_explain.{setting} = '{value}'")


def main() -> None:
    global PG_DB  # noqa: PLW0603 - the database of every subprocess of this run
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opportunities", type=int, default=1_000_000)
    parser.add_argument("--registrations", type=int, default=200_000)
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--database", default=PG_DB, help="the database to load or reuse")
    parser.add_argument("--load-only", action="store_true", help="load, do not measure")
    parser.add_argument("--explain-slow", type=float, metavar="MS",
                        help="diagnosis: print the plans of statements slower than MS (auto_explain)")
    args = parser.parse_args()
    PG_DB = args.database
    prepare(args.opportunities, args.registrations, args.reuse)
    if args.load_only:
        return
    subprocess.run([sys.executable, "-c", "import django; django.setup(); from benchmarks.deal_registration import "
                    f"measure; measure({args.probes}, {args.explain_slow})"], env=_env(), check=True)


if __name__ == "__main__":
    main()
