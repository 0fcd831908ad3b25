"""Customer search latency with 100,000 customers, on SQLite and PostgreSQL.

    python -m benchmarks.api_customers [--customers 100000] [--requests 300] [--engines sqlite,postgres]

For each engine: a fresh database (a SQLite file under /tmp, or the PostgreSQL database
``m2c_bench_customers``), migrations, reference data, N customers bulk-inserted (setup, not measured),
then ``m2c serve`` in a separate process and a client on 127.0.0.1 timing, one request at a time:

- ``GET /api/v1/customers?search=<fragment>`` with a bearer token;
- ``GET /customers/?search=<fragment>`` (the full HTML page) with a session.

Fragments are 2–4 character pieces of real names (cities, words, legal-form-free stems), so some match
one customer and some match thousands. Prints median, p95 and max per engine.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "m2c_bench_customers"


def pythonpath() -> str:
    return os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def m2c(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "m2c.cli", *args], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def prepare(url: str, customers: int) -> None:
    """Migrate and bulk-load in a child process so Django is configured for that database."""
    env = {**os.environ, "M2C_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "m2c.settings"}
    m2c("migrate", env=env)
    code = f"""
import django; django.setup()
from benchmarks.api_customers import bulk_load
bulk_load({customers})
"""
    subprocess.run([sys.executable, "-c", code], env={**env, "PYTHONPATH": pythonpath()}, check=True)


def bulk_load(count: int) -> None:
    from django.db import connection, transaction

    from m2c.core.models import OrgUnit, User
    from m2c.core.normalize import credit_code_check_char, normalize_company_name
    from m2c.customers.models import Customer
    from m2c.customers.search import index_customers
    from m2c.demo import CORE_WORDS, INDUSTRY_NAMES, REGIONS, load_reference, load_users

    load_reference()
    load_users()
    units = {u.code: u for u in OrgUnit.objects.all()}
    ars = list(User.objects.filter(groups__name="ar"))
    rng = random.Random(42)
    cities = [(region, *city) for region, rows in REGIONS.items() for city in rows]
    words = [(industry, w, forms, prefix) for industry, (ws, forms, prefix) in INDUSTRY_NAMES.items() for w in ws]
    seen: set[str] = set()
    batch: list[Customer] = []
    made = 0
    started = time.perf_counter()
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while made < count:
        region, province, city, division, office = rng.choice(cities)
        (c1, _), (c2, _) = rng.choice(CORE_WORDS), rng.choice(CORE_WORDS)
        industry, (word, _), forms, prefix = rng.choice(words)
        form = rng.choice(forms)
        name = f"{city}{c1}{c2 if c2 != c1 else ''}{word}{form}"
        key = normalize_company_name(name)
        if key in seen:
            name = f"{city}{c1}{c2}{word}第{made % 97 + 1}分部"
            key = normalize_company_name(name)
            if key in seen:
                continue
        seen.add(key)
        body = prefix + division + "".join(rng.choice(charset) for _ in range(9))
        batch.append(
            Customer(
                legal_name=name,
                normalized_name=key,
                credit_code=body + credit_code_check_char(body),
                country="CN",
                province=province,
                city=city,
                industry=industry,
                org_unit=units[office],
                tier=rng.choice(["named", "strategic", "general", "general", "general"]),
                ar_owner=rng.choice(ars),
            )
        )
        made += 1
        if len(batch) == 5000:
            with transaction.atomic():
                index_customers(Customer.objects.bulk_create(batch))
            batch.clear()
    if batch:
        with transaction.atomic():
            index_customers(Customer.objects.bulk_create(batch))
    # The steady state of a live database: statistics gathered and, on PostgreSQL, the visibility map
    # set (autovacuum's job) so index-only scans need no heap visits.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"  loaded {Customer.objects.count():,} customers in {time.perf_counter() - started:.1f}s", flush=True)


def fragments(url: str, n: int) -> list[str]:
    env = {**os.environ, "M2C_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "m2c.settings", "PYTHONPATH": pythonpath()}
    code = f"""
import django, random, json; django.setup()
from m2c.customers.models import Customer
names = list(Customer.objects.order_by('?').values_list('normalized_name', flat=True)[:{n}])
rng = random.Random(7)
out = []
for name in names:
    size = rng.choice([2, 2, 3, 4])
    start = rng.randrange(0, max(1, len(name) - size))
    out.append(name[start:start + size])
print(json.dumps(out, ensure_ascii=False))
"""
    import json

    return json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                     check=True).stdout)


def timed(opener: urllib.request.OpenerDirector, url: str, headers: dict[str, str]) -> float:
    request = urllib.request.Request(url, headers=headers)
    started = time.perf_counter()
    with opener.open(request) as response:
        response.read()
        assert response.status == 200, response.status
    return (time.perf_counter() - started) * 1000


def session_opener(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/login/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"username": "bench", "password": "bench-pass-123", "csrfmiddlewaretoken": csrf})
    opener.open(urllib.request.Request(f"{base}/login/", data=data.encode(), headers={"Referer": f"{base}/login/"}))
    return opener


def measure(engine: str, url: str, requests: int) -> dict[str, list[float]]:
    env = {**os.environ, "M2C_DATABASE_URL": url, "M2C_DEBUG": "0"}
    m2c("createuser", "bench", "--password", "bench-pass-123", "--admin", "--if-missing", env=env)
    token = m2c("token", "create", "bench", "--name", f"bench-{time.time()}", env=env).strip()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "m2c.cli", "serve", "--port", str(port), "--no-worker"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        words = fragments(url, requests)
        plain = urllib.request.build_opener()
        page = session_opener(base)
        auth = {"Authorization": f"Bearer {token}"}
        for word in words[:20]:  # warm caches and connections
            timed(plain, f"{base}/api/v1/customers?search={urllib.parse.quote(word)}", auth)
        results: dict[str, list[float]] = {"api": [], "page": []}
        for word in words:
            q = urllib.parse.quote(word)
            results["api"].append(timed(plain, f"{base}/api/v1/customers?search={q}", auth))
            results["page"].append(timed(page, f"{base}/customers/?search={q}", {}))
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def pg_reset() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return f"postgres://postgres@127.0.0.1:5432/{PG_DB}"


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"{statistics.median(ordered):7.1f} {p95:7.1f} {ordered[-1]:7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--engines", default="sqlite,postgres")
    args = parser.parse_args()
    rows = []
    for engine in args.engines.split(","):
        print(f"{engine}: preparing {args.customers:,} customers", flush=True)
        if engine == "sqlite":
            path = Path("/tmp/m2c-bench-customers.sqlite3")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            url = f"sqlite:///{path}"
        else:
            url = pg_reset()
        prepare(url, args.customers)
        print(f"{engine}: timing {args.requests} searches", flush=True)
        results = measure(engine, url, args.requests)
        rows.append((engine, "GET /api/v1/customers?search=…", summary(results["api"])))
        rows.append((engine, "GET /customers/?search=… (HTML)", summary(results["page"])))
    print()
    print(f"{'engine':9} {'request':34} {'median':>7} {'p95':>7} {'max':>7}  (ms, {args.customers:,} customers)")
    for engine, label, figures in rows:
        print(f"{engine:9} {label:34} {figures}")


if __name__ == "__main__":
    main()
