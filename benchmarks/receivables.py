"""Receivables at scale on PostgreSQL: aging, DSO, allocation throughput and statement matching.

    python -m benchmarks.receivables [--invoices 500000] [--receipts 1000000] [--repeat 7]
                                     [--allocations 2000] [--matches 300] [--reuse] [--keep]

Setup (not measured): a fresh database ``m2c_bench_recv`` on the local PostgreSQL, migrations, reference
data and demo users, then 5,000 customers, 20,000 contracts, N invoices over three years (90 % CNY,
10 % USD; 65 % paid in two receipts, 15 % partly paid, 18 % open, 2 % with a disputed part) and M receipts
(those paying the invoices, with their allocations, the rest unapplied) bulk-loaded with COPY, with a
progress bar. ``--reuse`` keeps a database already loaded with N invoices; the database is dropped at the
end unless ``--keep``.

Measured, in a child process with the database warm (one warm-up, then the median of ``--repeat`` runs):

- the aging report: one aggregate query per currency × customer (and by region, merged in Python);
- DSO over the last 365 days (CNY invoices), by the period method and by count-back (12 months);
- the cash KPI set of the receivables page (both DSOs, collection rate, overdue ratio, unbilled, timeliness);
- allocation throughput through the real service (``receipt_allocate``: row locks, Decimal checks, state
  machine, events), one allocation per transaction, on fresh receipt/invoice pairs; and the same through
  ``receipts_allocate_many``, a statement's confirmed matches 500 rows a command;
- statement matching: ``receipt_suggestions`` on unapplied receipts (remittance quoting an invoice number,
  or only the payer's name to resolve), receipts per second.

Each line shows the median wall time, and the CPU seconds of this process and of its PostgreSQL backend
(read from /proc) over all timed runs, since the machine is shared. Targets: aging and DSO < 1 s each,
allocations ≥ 2,000/s.
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
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "m2c_bench_recv"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
CUSTOMERS, CONTRACTS = 5_000, 20_000


def _env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "M2C_DATABASE_URL": PG_URL, "DJANGO_SETTINGS_MODULE": "m2c.settings",
            "M2C_VAR_DIR": "/tmp/m2c_bench_recv_var", "PYTHONPATH": path}


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def _child(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "benchmarks.receivables", *args], env=_env(), check=True, cwd=ROOT)


# --- bulk load (child process) -----------------------------------------------------------------------


def _money(x: float) -> Decimal:
    return Decimal(str(round(x, 2))).quantize(Decimal("0.01"))


def bulk_load(invoices: int, receipts: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from benchmarks.pipeline import Loader
    from m2c.billing.models import Allocation, Invoice, Receipt
    from m2c.contracts.models import Contract
    from m2c.core.models import FxRate, OrgUnit, User
    from m2c.customers.models import Customer
    from m2c.demo import load_reference, load_users

    load_reference()
    load_users()
    FxRate.objects.get_or_create(currency_id="USD", quote_currency_id="CNY", valid_on=dt.date(2000, 1, 1),
                                 defaults={"rate": Decimal("7.1")})
    rng = random.Random(20261128)
    loader = Loader()
    now, today = timezone.now(), timezone.localdate()
    offices = list(OrgUnit.objects.filter(type=OrgUnit.Type.REP_OFFICE))
    owners = list(User.objects.filter(is_active=True)[:20])
    customers = []
    for i in range(CUSTOMERS):
        customers.append({"id": uuid.UUID(int=rng.getrandbits(128)), "legal_name": f"应收基准客户{i:05d}有限公司",
                          "normalized_name": f"应收基准客户{i:05d}", "country": "CN", "industry": "other",
                          "tier": "general", "org_unit_id": offices[i % len(offices)].pk, "created_at": now,
                          "updated_at": now, "version": 1, "credit_rating": "unrated", "credit_limit": Decimal(0),
                          "credit_currency": "CNY", "credit_hold": False, "compliance_status": "ok"})
    contracts = []
    for i in range(CONTRACTS):
        c = customers[rng.randrange(CUSTOMERS)]
        contracts.append({"id": uuid.UUID(int=rng.getrandbits(128)), "number": f"HTB{i:07d}", "title": f"基准合同 {i}",
                          "customer_id": c["id"], "org_unit_id": c["org_unit_id"],
                          "owner_id": owners[i % len(owners)].pk, "currency": "USD" if i % 10 == 0 else "CNY",
                          "total_value": Decimal(10_000_000), "status": "IN_EXECUTION",
                          "signed_on": today - dt.timedelta(days=1200), "created_at": now, "updated_at": now,
                          "version": 1, "terms": {}})
    with transaction.atomic():
        loader.insert(Customer, customers)
        loader.insert(Contract, contracts)
    names = {c["id"]: c["legal_name"] for c in customers}

    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    batch = 20_000
    made_receipts = 0
    with Progress(*columns) as progress:
        task = progress.add_task("invoices", total=invoices)
        for start in range(0, invoices, batch):
            inv_rows, rec_rows, alloc_rows = [], [], []
            for i in range(start, min(invoices, start + batch)):
                contract = contracts[rng.randrange(CONTRACTS)]
                total = _money(min(5_000 * rng.paretovariate(1.3), 50_000_000))
                net = (total / Decimal("1.13")).quantize(Decimal("0.01"))
                issued = today - dt.timedelta(days=rng.randrange(0, 1095))
                days = rng.choice((30, 45, 60, 90))
                due = issued + dt.timedelta(days=days)
                fate = rng.random()
                iid = uuid.UUID(int=rng.getrandbits(128))
                payments: list[tuple[Decimal, dt.date]] = []
                disputed = Decimal(0)
                if fate < 0.65:
                    half = (total / 2).quantize(Decimal("0.01"))
                    late = rng.randrange(-20, 120)
                    first = min(today, issued + dt.timedelta(days=max(1, days // 2 + late // 2)))
                    second = min(today, max(first, due + dt.timedelta(days=late)))
                    payments = [(half, first), (total - half, second)]
                    status = "PAID"
                elif fate < 0.80:
                    payments = [((total * Decimal("0.4")).quantize(Decimal("0.01")),
                                 min(today, issued + dt.timedelta(days=rng.randrange(1, 60))))]
                    status = "PARTIALLY_PAID"
                elif fate < 0.98:
                    status = "ISSUED"
                else:
                    status, disputed = "DISPUTED", (total * Decimal("0.3")).quantize(Decimal("0.01"))
                paid = sum((p for p, _d in payments), Decimal(0))
                inv_rows.append({
                    "id": iid, "number": f"KPB{i:08d}", "official_number": f"2631{i:016d}",
                    "contract_id": contract["id"], "customer_id": contract["customer_id"], "vat_type": "SPECIAL",
                    "buyer_name": names[contract["customer_id"]], "currency": contract["currency"], "net": net,
                    "tax": total - net, "total": total, "paid": paid, "credited": Decimal(0), "disputed": disputed,
                    "payment_days": days, "issued_on": issued, "due_date": due,
                    "paid_on": payments[-1][1] if status == "PAID" else None,
                    "days_late": max(0, (payments[-1][1] - due).days) if status == "PAID" else None,
                    "status": status, "created_at": now, "updated_at": now, "version": 1})
                for amount, on in payments:
                    rid = uuid.UUID(int=rng.getrandbits(128))
                    rec_rows.append({
                        "id": rid, "number": f"SKB{made_receipts:08d}", "customer_id": contract["customer_id"],
                        "payer_name": names[contract["customer_id"]], "currency": contract["currency"],
                        "amount": amount, "allocated": amount, "refunded": Decimal(0), "received_on": on,
                        "bank_ref": f"BR{made_receipts:09d}", "remittance": f"付 2631{i:016d}", "source": "MANUAL",
                        "status": "APPLIED", "created_at": now, "updated_at": now, "version": 1})
                    alloc_rows.append({"id": uuid.UUID(int=rng.getrandbits(128)), "receipt_id": rid, "invoice_id": iid,
                                       "amount": amount, "invoice_amount": amount, "allocated_on": on,
                                       "created_at": now})
                    made_receipts += 1
            with transaction.atomic():
                loader.insert(Invoice, inv_rows)
                loader.insert(Receipt, rec_rows)
                loader.insert(Allocation, alloc_rows)
            progress.update(task, advance=len(inv_rows))
        # The rest of the receipts: money on account, not yet applied (half quote an invoice number).
        left = max(0, receipts - made_receipts)
        task = progress.add_task("unapplied receipts", total=left)
        for start in range(0, left, batch * 2):
            rows = []
            for _k in range(start, min(left, start + batch * 2)):
                c = customers[rng.randrange(CUSTOMERS)]
                quoted = f"付 2631{rng.randrange(invoices):016d}" if rng.random() < 0.5 else "货款"
                rows.append({
                    "id": uuid.UUID(int=rng.getrandbits(128)), "number": f"SKB{made_receipts:08d}",
                    "customer_id": None, "payer_name": c["legal_name"], "currency": "CNY",
                    "amount": _money(min(5_000 * rng.paretovariate(1.3), 50_000_000)), "allocated": Decimal(0),
                    "refunded": Decimal(0), "received_on": today - dt.timedelta(days=rng.randrange(0, 30)),
                    "bank_ref": f"BR{made_receipts:09d}", "remittance": quoted, "source": "TABLE",
                    "status": "RECEIVED", "created_at": now, "updated_at": now, "version": 1})
                made_receipts += 1
            with transaction.atomic():
                loader.insert(Receipt, rows)
            progress.update(task, advance=len(rows))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE billing_invoice")
        cursor.execute("VACUUM ANALYZE billing_receipt")
        cursor.execute("VACUUM ANALYZE billing_allocation")
        cursor.execute("ANALYZE")


# --- measurements (child process) --------------------------------------------------------------------


def _backend_cpu() -> float:
    """CPU seconds (user + system) of this connection's PostgreSQL backend, from /proc (same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def _timed(name: str, fn: Callable[[], Any], repeat: int, rows: list[tuple]) -> Any:
    fn()  # warm-up
    times, result = [], None
    cpu0, db0 = time.process_time(), _backend_cpu()
    for _i in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    cpu, db = time.process_time() - cpu0, _backend_cpu() - db0
    rows.append((name, statistics.median(times), max(times), cpu / repeat, db / repeat))
    print(f"  {name:<44} median {statistics.median(times) * 1000:8.1f} ms  max {max(times) * 1000:8.1f} ms  "
          f"cpu/run app {cpu / repeat * 1000:7.1f} ms  db {db / repeat * 1000:7.1f} ms", flush=True)
    return result


def _fresh_pairs(count: int) -> list[tuple[Any, Any]]:
    """``count`` new issued invoices and receipts of the same amount, bulk-loaded (setup, not measured)."""
    from django.db import transaction
    from django.utils import timezone

    from benchmarks.pipeline import Loader
    from m2c.billing.models import Invoice, Receipt
    from m2c.contracts.models import Contract

    now, today = timezone.now(), timezone.localdate()
    contracts = list(Contract.objects.filter(currency="CNY").values_list("id", "customer_id")[:count])
    tag = uuid.uuid4().hex[:6]
    invoices, receipts = [], []
    for i in range(count):
        contract_id, customer_id = contracts[i % len(contracts)]
        total = Decimal("113000.00") + i
        invoices.append({"id": uuid.uuid4(), "number": f"KPT{tag}{i:06d}", "contract_id": contract_id,
                         "customer_id": customer_id, "vat_type": "SPECIAL", "buyer_name": "基准", "currency": "CNY",
                         "net": Decimal("100000.00"), "tax": total - Decimal("100000.00"), "total": total,
                         "payment_days": 30, "issued_on": today - dt.timedelta(days=10),
                         "due_date": today + dt.timedelta(days=20), "status": "ISSUED", "created_at": now,
                         "updated_at": now, "version": 1})
        receipts.append({"id": uuid.uuid4(), "number": f"SKT{tag}{i:06d}", "customer_id": customer_id,
                         "payer_name": "基准", "currency": "CNY", "amount": total, "received_on": today,
                         "bank_ref": f"BT{tag}{i:06d}", "status": "RECEIVED", "source": "MANUAL",
                         "created_at": now, "updated_at": now, "version": 1})
    loader = Loader()
    with transaction.atomic():
        loader.insert(Invoice, invoices)
        loader.insert(Receipt, receipts)
    inv = {i.pk: i for i in Invoice.objects.filter(pk__in=[r["id"] for r in invoices])}
    rec = {r.pk: r for r in Receipt.objects.filter(pk__in=[r["id"] for r in receipts])}
    return [(rec[r["id"]], inv[i["id"]]) for r, i in zip(receipts, invoices, strict=True)]


def measure(repeat: int, allocations: int, matches: int, profile: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from m2c.billing import selectors, services
    from m2c.billing.models import BillingItem, Invoice, Receipt

    today = timezone.localdate()
    rows: list[tuple] = []
    print(f"load average before: {os.getloadavg()}", flush=True)
    print(f"invoices {Invoice.objects.count():,}, receipts {Receipt.objects.count():,}", flush=True)
    everything = Invoice.objects.all()
    cny = Invoice.objects.filter(currency="CNY")
    _timed("aging by customer (all currencies)", lambda: selectors.aging_rows(everything, by="customer"), repeat, rows)
    _timed("aging by region (report)", lambda: selectors.aging_report(everything, by="region"), repeat, rows)
    _timed("aging totals per currency", lambda: selectors.aging(everything), repeat, rows)
    year = today - dt.timedelta(days=364)
    _timed("DSO, period method, 365 days (CNY)", lambda: selectors.dso(cny, year, today), repeat, rows)
    _timed("DSO, count-back, 12 months (CNY)", lambda: selectors.dso_count_back(cny, today), repeat, rows)
    _timed("cash KPIs of the page (all currencies, 90 days)", lambda: selectors.cash_kpis(
        everything, BillingItem.objects.all(), start=today - dt.timedelta(days=89), end=today), repeat, rows)

    finance = get_user_model().objects.filter(groups__name="finance", is_active=True).first()
    pairs = _fresh_pairs(allocations + 20)
    for receipt, invoice in pairs[:20]:  # warm-up
        services.receipt_allocate(receipt=receipt, invoice=invoice, actor=finance)
    pairs = pairs[20:]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu0, db0, started = time.process_time(), _backend_cpu(), time.perf_counter()
    for receipt, invoice in pairs:
        services.receipt_allocate(receipt=receipt, invoice=invoice, actor=finance)
    wall = time.perf_counter() - started
    cpu, db = time.process_time() - cpu0, _backend_cpu() - db0
    if profiler:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    print(f"  allocations through receipt_allocate: {len(pairs)} in {wall:.2f} s = {len(pairs) / wall:,.0f}/s; "
          f"cpu per allocation app {cpu / len(pairs) * 1000:.2f} ms, db {db / len(pairs) * 1000:.2f} ms", flush=True)

    # The same allocations as a statement's confirmed matches: receipts_allocate_many, 1,000 rows a command.
    pairs = _fresh_pairs(allocations)
    batch = 500
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu0, db0, started = time.process_time(), _backend_cpu(), time.perf_counter()
    for first in range(0, len(pairs), batch):
        services.receipts_allocate_many(actor=finance, rows=[
            {"receipt": receipt, "invoice": invoice} for receipt, invoice in pairs[first:first + batch]])
    wall = time.perf_counter() - started
    cpu, db = time.process_time() - cpu0, _backend_cpu() - db0
    if profile:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    print(f"  allocations through receipts_allocate_many ({batch} a command): {len(pairs)} in {wall:.2f} s = "
          f"{len(pairs) / wall:,.0f}/s; cpu per allocation app {cpu / len(pairs) * 1000:.2f} ms, "
          f"db {db / len(pairs) * 1000:.2f} ms", flush=True)

    sample = list(Receipt.objects.filter(status="RECEIVED", bank_ref__startswith="BR").order_by("bank_ref")[:matches])
    quoting = [r for r in sample if r.remittance.startswith("付")]
    by_name = [r for r in sample if not r.remittance.startswith("付")]
    for label, group in (("remittance quotes an invoice", quoting), ("payer name only", by_name)):
        if not group:
            continue
        services_count = 0
        selectors.receipt_suggestions(group[0])
        cpu0, db0, started = time.process_time(), _backend_cpu(), time.perf_counter()
        for receipt in group:
            services_count += len(selectors.receipt_suggestions(receipt))
        wall = time.perf_counter() - started
        cpu, db = time.process_time() - cpu0, _backend_cpu() - db0
        print(f"  matching ({label}): {len(group)} receipts in {wall:.2f} s = {len(group) / wall:,.1f} receipts/s, "
              f"{services_count} suggestions; cpu per receipt app {cpu / len(group) * 1000:.1f} ms, "
              f"db {db / len(group) * 1000:.1f} ms", flush=True)
    print(f"load average after: {os.getloadavg()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=500_000)
    parser.add_argument("--receipts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--allocations", type=int, default=2_000)
    parser.add_argument("--matches", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded with --invoices")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--profile", action="store_true", help="cProfile the allocation loop")
    parser.add_argument("--child", choices=("load", "measure"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        if args.child == "load":
            bulk_load(args.invoices, args.receipts)
        else:
            measure(args.repeat, args.allocations, args.matches, args.profile)
        return
    loaded = -1
    if args.reuse:
        code = "import django; django.setup(); from m2c.billing.models import Invoice; print(Invoice.objects.count())"
        done = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True)
        loaded = int(done.stdout.split()[-1]) if done.returncode == 0 and done.stdout.split() else -1
    if loaded < args.invoices:
        _admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        _admin(f"CREATE DATABASE {PG_DB}")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "m2c.cli", "migrate"], env=_env(), check=True, capture_output=True)
        _child("--child", "load", "--invoices", str(args.invoices), "--receipts", str(args.receipts))
        print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
    else:  # a reused database gets the migrations added since it was loaded (indexes)
        subprocess.run([sys.executable, "-m", "m2c.cli", "migrate"], env=_env(), check=True, capture_output=True)
        with __import__("psycopg").connect(PG_URL, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    try:
        _child("--child", "measure", "--repeat", str(args.repeat), "--allocations", str(args.allocations),
               "--matches", str(args.matches), *(["--profile"] if args.profile else []))
    finally:
        if not args.keep:
            _admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
