"""One deal end to end through the services, serially: deals per second on SQLite and PostgreSQL.

    python -m benchmarks.deal_flow [--engines sqlite,postgres] [--deals 100] [--warmup 3] [--profile]

For each engine: a fresh database (``/tmp/m2c_bench_deal_flow.sqlite3``, or the PostgreSQL database
``m2c_bench_deal_flow``), migrations and the small demo (12 customers: users, org units, decision bodies
and the authority matrix, products and price lists). That is setup, not measured.

Then, in one process, each deal runs every step a real deal takes, each through its service as the user
who does it (the S1–S11 scenarios' path):

 1. lead captured by marketing (validity rules, scoring, routing), assigned to an AR and accepted; a
    meeting logged (→ nurturing); (budget, amount, date) and its decision maker recorded; converted → customer + O1 opportunity;
 2. a competitor and a risk (the contacts became stakeholders at conversion); SR on the team; ATI submitted, put to the rep office SDT, GO; O2;
 3. tender recorded, quote drafted and approved; O3; ATB submitted and decided GO with a floor price;
    bid submitted; O4; ATC submitted and decided GO; won → the contract is created from the quote (SIGNED);
 4. payment terms 30 % at signature / 70 % at final acceptance; handover to the PM; shipment delivered;
    FAC for the whole contract (fulfils it and releases the 70 %);
 5. one invoice requested for both items and issued with its official number; the customer's payment
    recorded and allocated → invoice PAID, milestones SETTLED.

The first ``--warmup`` deals are not timed. ``--profile`` runs cProfile over the timed deals and prints
where the time goes (cumulative, top functions, and time per step). Target: ≥ 20 deals/s.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = Path("/tmp/m2c_bench_deal_flow.sqlite3")
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "m2c_bench_deal_flow"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
VAR_DIR = "/tmp/m2c_bench_deal_flow_var"
PROFILE_PATH = "/tmp/m2c_bench_deal_flow.prof"


def _env(url: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "M2C_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "m2c.settings", "M2C_VAR_DIR": VAR_DIR,
            "PYTHONPATH": path, "M2C_DEBUG": "0"}


PRISTINE_SQLITE = Path("/tmp/m2c_bench_deal_flow_pristine.sqlite3")
PRISTINE_PG_DB = f"{PG_DB}_pristine"


def prepare(engine: str, reuse: bool = False) -> str:
    """A fresh database with the migrations and the demo. ``reuse``: copy the one a previous ``--reuse`` run
    kept (then only the migrations added since are applied), to measure again without the ~90 s of setup."""
    url = f"sqlite:///{SQLITE_PATH}" if engine == "sqlite" else PG_URL
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        kept = reuse and PRISTINE_SQLITE.exists()
        if kept:
            import shutil

            shutil.copyfile(PRISTINE_SQLITE, SQLITE_PATH)
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            kept = reuse and conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                          [PRISTINE_PG_DB]).fetchone() is not None
            conn.execute(f"CREATE DATABASE {PG_DB}" + (f" TEMPLATE {PRISTINE_PG_DB}" if kept else ""))
    env = _env(url)
    subprocess.run([sys.executable, "-m", "m2c.cli", "migrate"], env=env, check=True, capture_output=True)
    if kept:
        return url
    subprocess.run([sys.executable, "-c", "import django; django.setup(); from m2c.demo import load_demo; "
                    "load_demo(customers=12, progress=False)"], env=env, check=True, capture_output=True)
    if reuse and engine == "sqlite":
        import sqlite3

        with sqlite3.connect(SQLITE_PATH) as source, sqlite3.connect(PRISTINE_SQLITE) as copy:
            source.backup(copy)
    elif reuse:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PRISTINE_PG_DB}")
            conn.execute(f"CREATE DATABASE {PRISTINE_PG_DB} TEMPLATE {PG_DB}")
    return url


# --- one deal -------------------------------------------------------------------------------------------


class World:
    """The demo's people and catalogue the deals are made with (looked up once)."""

    def __init__(self) -> None:
        from m2c.core.models import User
        from m2c.opportunities.models import PriceList, Product

        def user(name: str) -> Any:
            return User.objects.get(username=name)

        self.marketing = User.objects.filter(groups__name="marketing", is_active=True).order_by("username").first()
        self.ar, self.sr, self.fr, self.finance = user("ar.li"), user("sr.zhao"), user("fr.chen"), \
            User.objects.filter(groups__name="finance", is_active=True).order_by("username").first()
        self.product = Product.objects.get(code="AP-W7-760")
        self.price_list = PriceList.objects.get(code="cn-2026")
        self.run = f"{random.randrange(16**6):06x}"


class Steps:
    """Wall time per step over all timed deals."""

    def __init__(self) -> None:
        self.times: dict[str, float] = defaultdict(float)
        self._last = 0.0
        self._name = ""

    def start(self, name: str) -> None:
        now = time.perf_counter()
        if self._name:
            self.times[self._name] += now - self._last
        self._name, self._last = name, now

    def stop(self) -> None:
        self.start("")


def one_deal(w: World, i: int, steps: Steps) -> None:
    from django.utils import timezone

    from m2c.billing import services as billing
    from m2c.contracts import services as contracts
    from m2c.contracts.models import Contract
    from m2c.leads import services as leads
    from m2c.leads.models import Lead
    from m2c.opportunities import services as opps
    from m2c.opportunities.demo import _decide, _submit
    from m2c.opportunities.states import TeamRole

    today = timezone.localdate()
    name = f"基准客户 {w.run}-{i:05d} 有限公司"
    steps.start("1 lead → opportunity")
    lead, _outcome = leads.lead_create(actor=w.marketing, data={
        "customer_name": name, "title": f"{name} 园区无线网络", "offering_lines": ["wlan"], "industry": "education",
        "contact_name": "王主任", "contact_title": "信息中心主任", "contact_role": "decision_maker",
        "contact_phone": f"138{i:08d}"[:11], "province": "上海", "city": "上海", "region": "ro-shanghai",
        "budget_status": "confirmed", "budget_amount": "1000000", "estimated_amount": "1000000", "currency": "CNY",
        "expected_purchase_date": str(today + dt.timedelta(days=120)), "decision_chain_known": True,
        "pain_confirmed": True, "description": "旧网络需整体替换。"})
    lead = Lead.objects.get(pk=lead.pk)
    if lead.owner_id != w.ar.pk:
        leads.lead_assign(lead=lead, actor=w.marketing, owner=w.ar)
    lead = leads.lead_accept(lead=Lead.objects.get(pk=lead.pk), actor=w.ar)
    leads.lead_log_activity(lead=lead, actor=w.ar, type="meeting", subject="技术交流", next_step="报价",
                            next_step_due=today + dt.timedelta(days=7))
    if not lead.contacts.filter(decision_role="decision_maker").exists():
        leads.lead_add_contact(lead=lead, actor=w.ar, name="王主任", title="信息中心主任", decision_role="decision_maker")
    opp = leads.lead_convert(lead=Lead.objects.get(pk=lead.pk), actor=w.ar)

    steps.start("2 team, records, ATI → O2")
    opps.competitor_add(opportunity=opp, actor=w.ar, name="Vendor Z", threat="medium", strengths="现网份额大")
    opps.risk_add(opportunity=opp, actor=w.ar, description="工期紧", category="delivery", probability="low",
                  impact="medium", mitigation="分期验收")
    opps.team_assign(opportunity=opp, actor=w.ar, role=TeamRole.SR, user=w.sr)
    _decide(_submit(opp, "ATI", w.ar, margin="30"), "GO", rationale="GO")
    opp = opps.opportunity_advance(opportunity=opp, actor=w.ar)

    steps.start("3 quote, ATB, bid, ATC → won, contract")
    deadline = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=28), dt.time(17, 0)))
    opps.bid_record(opportunity=opp, actor=w.ar, rfp_received_on=today, deadline=deadline, reference=f"ZB-{i}")
    quote = opps.quote_create(opportunity=opp, actor=w.sr, price_list=w.price_list, payment_terms="30/70",
                              valid_until=today + dt.timedelta(days=90))
    opps.quote_line_add(quote=quote, actor=w.sr, product=w.product, quantity="100", discount_pct="5",
                        site="一期 Phase 1")
    opp = opps.opportunity_advance(opportunity=opp, actor=w.ar)
    quote = opps.quote_request_approval(quote=quote, actor=w.sr)
    opps.team_assign(opportunity=opp, actor=w.ar, role=TeamRole.FR, user=w.fr)
    floor = (quote.total_net * Decimal("0.94")).quantize(Decimal(1))
    _decide(_submit(opp, "ATB", w.ar, margin="30", quote=quote), "GO", floor_price=floor, rationale="GO")
    opps.bid_submit(bid=opp.bids.get(), actor=w.ar, quote=quote)
    opp = opps.opportunity_advance(opportunity=opp, actor=w.ar)
    _decide(_submit(opp, "ATC", w.ar, quote=quote), "GO", rationale="GO")
    opps.opportunity_win(opportunity=opp, actor=w.ar)
    contract = Contract.objects.get(opportunity=opp)

    steps.start("4 terms, handover, delivery, FAC")
    billing.milestone_plan(contract=contract, actor=w.finance, rows=[
        {"name": "预付款", "percent": "30", "trigger": "SIGNATURE", "scope": "CONTRACT", "payment_days": 30},
        {"name": "终验款", "percent": "70", "trigger": "FAC", "scope": "CONTRACT", "payment_days": 45}])
    contracts.contract_handover(contract=contract, actor=w.ar, pm=w.fr, handover_on=today)
    contracts.shipment_record(contract=contract, actor=w.ar, description="AP 到货", shipped_on=today,
                              delivered_on=today, site=contract.sites.first().pk)
    contracts.certificate_record(contract=contract, actor=w.ar, type="FAC", whole_contract=True, signed_on=today,
                                 signatory="王主任")

    steps.start("5 invoice, receipt, allocation")
    invoice = billing.invoice_request(contract=contract, actor=w.ar, vat_type="NORMAL")
    invoice = billing.invoice_issue(invoice=invoice, actor=w.finance, issued_on=today,
                                    official_number=f"{int(w.run, 16) % 10**8:08d}{i:07d}")
    receipt = billing.receipt_record(actor=w.finance, amount_=invoice.total, received_on=today,
                                     payer_name=contract.customer.legal_name, bank_ref=f"B-{w.run}-{i}")
    billing.receipt_allocate(receipt=receipt, invoice=invoice, actor=w.finance)
    steps.stop()


def check(w: World, i: int) -> dict[str, Any]:
    """The last deal reconciles: contract fulfilled, invoice paid, five flows equal."""
    from m2c.billing import selectors
    from m2c.contracts.models import Contract

    contract = Contract.objects.filter(customer__legal_name=f"基准客户 {w.run}-{i:05d} 有限公司").get()
    flows = selectors.five_flows(contract)
    return {"contract": contract.status, "flows": [str(v) for _k, v in flows.flows()]}


def measure(deals: int, warmup: int, profile: bool) -> dict[str, Any]:
    from django.db import connection

    w = World()
    steps = Steps()
    for i in range(warmup):
        one_deal(w, i, Steps())
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    cpu_started = time.process_time()
    durations = []
    if profiler:
        profiler.enable()
    for i in range(warmup, warmup + deals):
        t0 = time.perf_counter()
        one_deal(w, i, steps)
        durations.append(time.perf_counter() - t0)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    out: dict[str, Any] = {
        "engine": connection.vendor, "deals": deals, "seconds": round(elapsed, 2),
        "deals_per_s": round(deals / elapsed, 2), "median_ms": round(statistics.median(durations) * 1000, 1),
        "p95_ms": round(sorted(durations)[int(len(durations) * 0.95) - 1] * 1000, 1),
        # This process's CPU per deal: what a busy machine's wall clock hides (PostgreSQL's own work is not in it).
        "cpu_ms_per_deal": round(cpu / deals * 1000, 1),
        "steps_ms_per_deal": {k: round(v / deals * 1000, 1) for k, v in sorted(steps.times.items())},
        "last": check(w, warmup + deals - 1),
    }
    if profiler:
        buffer = io.StringIO()
        profiler.dump_stats(PROFILE_PATH)  # for pstats: python -c "import pstats; pstats.Stats('…').print_callers(…)"
        stats = pstats.Stats(profiler, stream=buffer)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(r"m2c", 80)
        out["profile"] = buffer.getvalue()
    return out


class QueryLog:
    """Every query of one deal, by step and by the code that made it (``--queries``)."""

    def __init__(self, steps: Steps) -> None:
        self.steps = steps
        self.by_step: dict[str, int] = defaultdict(int)
        self.by_kind: dict[str, int] = defaultdict(int)
        self.by_site: dict[tuple[str, str], int] = defaultdict(int)
        self.by_command: dict[str, int] = defaultdict(int)

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        import traceback

        self.by_step[self.steps._name] += 1
        self.by_kind[sql.split(None, 1)[0].upper()] += 1
        stack = traceback.extract_stack()[:-1]
        top = next((i for i, f in enumerate(stack) if f.name == "one_deal"), 0)
        frames = [f for f in stack[top + 1:] if "/m2c/" in f.filename or "/benchmarks/" in f.filename]
        command = frames[0].name if frames else "?"
        inner = [f for f in frames if not any(x in f.filename for x in ("/core/state_machine", "/core/events",
                                                                         "/core/bulk", "/core/models.py"))]
        site = f"{inner[-1].filename.split('/m2c/')[-1]}:{inner[-1].lineno} {inner[-1].name}" if inner else "?"
        if frames and "/core/" in frames[-1].filename:
            site += f" → {frames[-1].filename.split('/m2c/')[-1]}:{frames[-1].lineno}"
        self.by_site[(self.steps._name, site)] += 1
        self.by_command[command] += 1
        return execute(sql, params, many, context)


def queries(warmup: int) -> dict[str, Any]:
    """One deal after ``warmup`` deals, its queries counted per step, statement kind and call site."""
    from django.db import connection

    w = World()
    for i in range(warmup):
        one_deal(w, i, Steps())
    steps = Steps()
    log = QueryLog(steps)
    with connection.execute_wrapper(log):
        one_deal(w, warmup, steps)
    top = sorted(log.by_site.items(), key=lambda kv: -kv[1])[:60]
    return {"engine": connection.vendor, "by_step": dict(sorted(log.by_step.items())), "by_kind": dict(log.by_kind),
            "total": sum(log.by_step.values()),
            "commands": sorted(log.by_command.items(), key=lambda kv: -kv[1]), "sites": [[step, site, n] for (step, site), n in top]}


FLOOR_SQLITE = Path("/tmp/m2c_bench_deal_flow_floor.sqlite3")
FLOOR_PG_DB = f"{PG_DB}_floor"


def clone(engine: str) -> dict[str, Any]:
    """A copy of the freshly prepared database (before any deal) that the floor replays the writes into."""
    if engine == "sqlite":
        import shutil

        for suffix in ("", "-wal", "-shm"):
            Path(f"{FLOOR_SQLITE}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(SQLITE_PATH, FLOOR_SQLITE)
        return {"NAME": str(FLOOR_SQLITE)}
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {FLOOR_PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {FLOOR_PG_DB} TEMPLATE {PG_DB}")
    return {"NAME": FLOOR_PG_DB}


class WriteLog:
    """Every INSERT, UPDATE and DELETE the deals make, with its parameters, grouped by transaction."""

    def __init__(self) -> None:
        self.deal = -1
        self.statements: list[tuple[int, Any, str, Any, bool]] = []  # deal, transaction, sql, params, many

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        from django.db import connection

        verb = _verb(sql)
        if verb in ("INSERT", "UPDATE", "DELETE"):
            # One group per outermost transaction (the command); a statement in autocommit is its own.
            group = id(connection.atomic_blocks[0]) if connection.in_atomic_block else object()
            self.statements.append((self.deal, group, sql, params, many))
        return execute(sql, params, many, context)


def _verb(sql: str) -> str:
    """The statement's kind; ``WITH a AS (INSERT …) INSERT …`` (``core.bulk.insert_together``: the API capture's
    lead, offering lines and event in one PostgreSQL statement) is an INSERT."""
    verb = sql.lstrip().split(None, 1)[0].upper()
    if verb == "WITH" and "INSERT INTO" in sql.upper():
        return "INSERT"
    return verb


def _table(sql: str) -> str:
    if sql.lstrip().upper().startswith("WITH"):
        return "(WITH … INSERT: several tables)"
    words = [w for w in sql.replace('"', " ").split() if w.upper() not in ("OR", "IGNORE")]
    return words[2] if words[0].upper() in ("INSERT", "DELETE") else words[1]


def _rows(verb: str, sql: str, params: Any, many: bool, rowcount: int) -> int:
    """Rows a statement wrote (an INSERT ... RETURNING reports no rowcount on SQLite: count its VALUES)."""
    if verb != "INSERT" or sql.lstrip().upper().startswith("WITH"):
        return max(rowcount, 0)
    if many:
        return len(params)
    values = sql.upper().split(" VALUES ", 1)
    return values[1].count("), (") + 1 if len(values) == 2 else max(rowcount, 0)


def floor(warmup: int, deals: int, target: dict[str, Any]) -> dict[str, Any]:
    """Run the deals capturing their writes, then replay just those writes (same statements, same
    parameters, one transaction per command, no reads, no ORM) on a copy of the database as it was before
    the first deal: what storing a deal's rows costs on this engine with nothing else."""
    from django.db import connection, connections, transaction

    w = World()
    log = WriteLog()
    with connection.execute_wrapper(log):
        for i in range(warmup + deals):
            log.deal = i
            one_deal(w, i, Steps())
    connections.settings["floor"] = {**connections.settings["default"], **target}
    replica = connections["floor"]
    rows: dict[str, dict[str, int]] = defaultdict(lambda: {"INSERT": 0, "UPDATE": 0, "DELETE": 0})
    statements: dict[str, int] = defaultdict(int)
    spent: dict[str, float] = defaultdict(float)

    def replay(first: int, last: int, count: bool) -> int:
        groups: list[list[tuple[str, Any, bool]]] = []
        current = None
        for deal, group, sql, params, many in log.statements:
            if not first <= deal < last:
                continue
            if group != current:
                groups.append([])
                current = group
            groups[-1].append((sql, params, many))
        for group in groups:
            with transaction.atomic(using="floor"), replica.cursor() as cursor:
                for sql, params, many in group:
                    t0 = time.perf_counter()
                    if many:
                        cursor.executemany(sql, params)
                    else:
                        cursor.execute(sql, params)
                    if count:
                        verb = _verb(sql)
                        spent[verb] += time.perf_counter() - t0
                        rows[_table(sql)][verb] += _rows(verb, sql, params, many, cursor.rowcount)
                        statements[verb] += 1
                t0 = time.perf_counter()
            if count:
                spent["COMMIT"] += time.perf_counter() - t0
        return len(groups)

    replay(0, warmup, False)
    started, cpu_started = time.perf_counter(), time.process_time()
    transactions = replay(warmup, warmup + deals, True)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    per_deal = {table: {verb: round(n / deals, 1) for verb, n in counts.items() if n}
                for table, counts in sorted(rows.items(), key=lambda kv: -sum(kv[1].values()))}
    return {
        "engine": connection.vendor, "deals": deals, "floor_ms_per_deal": round(elapsed / deals * 1000, 2),
        "floor_cpu_ms_per_deal": round(cpu / deals * 1000, 2), "floor_deals_per_s": round(deals / elapsed, 1),
        "transactions_per_deal": round(transactions / deals, 1),
        "statements_per_deal": {k: round(v / deals, 1) for k, v in statements.items()},
        "ms_per_deal": {k: round(v / deals * 1000, 2) for k, v in spent.items()},
        "rows_per_deal": round(sum(sum(c.values()) for c in rows.values()) / deals, 1), "tables": per_deal,
    }


def run(engine: str, deals: int, warmup: int, profile: bool, reuse: bool = False) -> dict[str, Any]:
    url = prepare(engine, reuse)
    code = (f"import django, json; django.setup(); from benchmarks.deal_flow import measure; "
            f"print('RESULT' + json.dumps(measure({deals}, {warmup}, {profile})))")
    result = subprocess.run([sys.executable, "-c", code], env=_env(url), capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(result.stderr[-4000:])
    line = [x for x in result.stdout.splitlines() if x.startswith("RESULT")][-1]
    return json.loads(line[len("RESULT"):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--deals", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--queries", action="store_true", help="count one deal's queries per step and call site")
    parser.add_argument("--floor", action="store_true",
                        help="replay only the deals' writes on a copy of the database: the storage floor")
    parser.add_argument("--reuse", action="store_true",
                        help="start from a copy of the database a previous --reuse run prepared (setup once)")
    args = parser.parse_args()
    if args.queries:
        for engine in args.engines.split(","):
            url = prepare(engine, args.reuse)
            code = (f"import django, json; django.setup(); from benchmarks.deal_flow import queries; "
                    f"print('RESULT' + json.dumps(queries({args.warmup})))")
            result = subprocess.run([sys.executable, "-c", code], env=_env(url), capture_output=True, text=True)
            if result.returncode:
                raise SystemExit(result.stderr[-4000:])
            out = json.loads([x for x in result.stdout.splitlines() if x.startswith("RESULT")][-1][len("RESULT"):])
            print(f"{engine}: {out['total']} queries {out['by_kind']}")
            for step, n in out["by_step"].items():
                print(f"    {step:<45} {n:>5}")
            for command, n in out["commands"]:
                print(f"  {n:>4}  {command}")
            for step, site, n in out["sites"]:
                print(f"  {n:>4}  {step[:1]}  {site}")
        return
    if args.floor:
        for engine in args.engines.split(","):
            url = prepare(engine)
            target = clone(engine)
            code = (f"import django, json; django.setup(); from benchmarks.deal_flow import floor; "
                    f"print('RESULT' + json.dumps(floor({args.warmup}, {args.deals}, {target!r})))")
            result = subprocess.run([sys.executable, "-c", code], env=_env(url), capture_output=True, text=True)
            if result.returncode:
                raise SystemExit(result.stderr[-4000:])
            out = json.loads([x for x in result.stdout.splitlines() if x.startswith("RESULT")][-1][len("RESULT"):])
            print(f"{engine}: storage floor {out['floor_ms_per_deal']} ms a deal = {out['floor_deals_per_s']} deals/s "
                  f"(CPU {out['floor_cpu_ms_per_deal']} ms); {out['rows_per_deal']} rows a deal in "
                  f"{out['transactions_per_deal']} transactions, statements {out['statements_per_deal']}, "
                  f"ms a deal {out['ms_per_deal']}")
            for table, counts in out["tables"].items():
                print(f"    {table:<40} {counts}")
        return
    rows = []
    for engine in args.engines.split(","):
        result = run(engine, args.deals, args.warmup, args.profile, args.reuse)
        rows.append(result)
        print(f"{engine}: {result['deals']} deals in {result['seconds']} s = {result['deals_per_s']} deals/s "
              f"(median {result['median_ms']} ms, p95 {result['p95_ms']} ms, CPU {result['cpu_ms_per_deal']} ms/deal); "
              f"last deal {result['last']}", flush=True)
        for step, ms in result["steps_ms_per_deal"].items():
            print(f"    {step:<45} {ms:>8} ms/deal")
        if "profile" in result:
            print(result["profile"])
    print("| engine | deals | deals/s | median ms | p95 ms |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['engine']} | {r['deals']} | {r['deals_per_s']} | {r['median_ms']} | {r['p95_ms']} |")


if __name__ == "__main__":
    main()
