"""Sustained ``POST /api/v1/leads`` against several app processes on PostgreSQL, with retried requests.

    python -m benchmarks.lead_api_load [--workers 3] [--threads 1] [--seconds 30] [--clients 12]
                                       [--retry-share 0.1] [--pg postgres://postgres@127.0.0.1:5432/]

A fresh database (m2c_bench_api) gets the demo reference data and a marketing user with an API token.
``m2c serve --workers N`` starts gunicorn with N app processes on 127.0.0.1. Separate load processes
(``--clients`` keep-alive connections in all) send leads for distinct companies, each with its own
``Idempotency-Key``; a share of them is sent a second time with the same key, as a client retries
after a timeout. The table shows requests per second, latency percentiles and errors, and then checks
the database: one lead per key, however often it was sent.

The load here comes from Python processes on the same two cores as the server; for figures that
compare with a quiet machine use ``benchmarks/api_capture.py``, which drives ``wrk`` (compiled) and
reports the server's CPU time per request.

``--floor`` runs the same servers and clients (the same payloads are built) but sends
``GET /api/v1/me``: token authentication, one small response. No capture can be served faster than
that on the same machine, so it shows how much of the time is the stack and how much the capture.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from benchmarks.lead_data import GIVEN, SURNAMES, _mobile, _pinyinish, make_company

ROOT = Path(__file__).resolve().parent.parent
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/"
PG_DB = "m2c_bench_api"
PORT = 0  # a free port, chosen at start


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("M2C_")}
    env.update(M2C_DATABASE_URL=url, M2C_VAR_DIR="/tmp/m2c-bench-api", DJANGO_SETTINGS_MODULE="m2c.settings",
               PYTHONPATH=str(ROOT), M2C_ALLOWED_HOSTS="127.0.0.1,localhost")
    return env


SETUP = """
import django; django.setup()
from m2c.demo import load_reference, load_users
from m2c.core.models import User
from m2c.core.services import token_create
from m2c.leads.capture import load_settings
load_reference(); load_users(); load_settings()
_, clear = token_create(user=User.objects.get(username="mkt.ops"), name="load test")
print(clear)
"""

CHECK = """
import json, django; django.setup()
from m2c.leads.models import IdempotencyRecord, Lead
leads, keys = Lead.objects.count(), IdempotencyRecord.objects.count()
print(json.dumps({"leads": leads, "keys": keys, "extra_leads": leads - keys}))
"""


def _load(worker: int, clients: int, seconds: float, retry_share: float, token: str, queue: multiprocessing.Queue,
          port: int, floor: bool = False) -> None:
    stop_at = time.time() + seconds
    results: list[tuple[float, int, bool]] = []
    lock = threading.Lock()
    offering = ["campus", "wlan", "dc", "storage", "security"]

    def client(n: int) -> None:
        rng = random.Random(worker * 1000 + n)
        seen: set[str] = set()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local: list[tuple[float, int, bool]] = []
        counter = 0
        while time.time() < stop_at:
            counter += 1
            key = uuid.uuid4().hex
            company = make_company(rng, seen)
            body = json.dumps({
                "customer_name": company.name,
                "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN), "contact_phone": _mobile(rng),
                "contact_email": f"{_pinyinish(rng)}@{company.domain}",
                "province": company.province, "city": company.city,
                "offering_lines": [rng.choice(offering)], "budget_status": rng.choice(["confirmed", "planned", "unknown"]),
                "pain_confirmed": rng.random() < 0.5, "industry": company.industry,
            })
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key}
            for attempt in range(2 if rng.random() < retry_share else 1):
                started = time.perf_counter()
                try:
                    if floor:  # the same client work, then the cheapest authenticated request
                        conn.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
                    else:
                        conn.request("POST", "/api/v1/leads", body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    status = 0
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                local.append((time.perf_counter() - started, status, attempt > 0))
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=3, help="app processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per app process")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=12, help="concurrent connections in all")
    parser.add_argument("--load-processes", type=int, default=2)
    parser.add_argument("--retry-share", type=float, default=0.1)
    parser.add_argument("--pg", default=PG_DEFAULT)
    parser.add_argument("--floor", action="store_true",
                        help="send GET /api/v1/me instead: the request floor of the same servers, auth and clients")
    args = parser.parse_args()

    import psycopg

    with psycopg.connect(args.pg + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    env = _env(args.pg + PG_DB)
    subprocess.run([sys.executable, "-m", "m2c.cli", "migrate"], env=env, check=True, capture_output=True)
    token = subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "m2c.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
         "--threads", str(args.threads), "--no-worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise SystemExit("the app server did not start")
            time.sleep(0.5)
        # Warm up every process (imports, connections) before measuring.
        warm = multiprocessing.Queue()
        _load(99, args.workers * args.threads, 3, 0.0, token, warm, port)
        warm.get()
        queue: multiprocessing.Queue = multiprocessing.Queue()
        per = max(1, args.clients // args.load_processes)
        started = time.perf_counter()
        procs = [multiprocessing.Process(target=_load, args=(w, per, args.seconds, args.retry_share, token, queue, port,
                                                             args.floor))
                 for w in range(args.load_processes)]
        for p in procs:
            p.start()
        results = []
        for _ in procs:
            results.extend(queue.get())
        for p in procs:
            p.join()
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    latencies = sorted(r[0] * 1000 for r in results)
    errors = sum(1 for r in results if r[1] != (200 if args.floor else 201))
    retries = sum(1 for r in results if r[2])
    check = json.loads(subprocess.run([sys.executable, "-c", CHECK], env=env, check=True, capture_output=True,
                                      text=True).stdout.strip().splitlines()[-1])
    firsts = sum(1 for r in results if not r[2] and r[1] == 201)
    if args.floor:
        check["leads"] = check["extra_leads"] = 0
    q = statistics.quantiles(latencies, n=100)
    print(f"{'processes':>9} {'clients':>7} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
          f"{'errors':>6} {'retried':>7} {'leads':>7} {'dup leads':>9}")
    print(f"{args.workers:>9} {args.clients:>7} {len(results):>9,} {len(results) / elapsed:>7.0f} {q[49]:>7.1f} {q[98]:>7.1f} "
          f"{latencies[-1]:>7.1f} {errors:>6} {retries:>7} {check['leads']:>7,} {check['extra_leads']:>9}")
    print(f"check: {check['leads']:,} leads for {check['keys']:,} idempotency keys ({firsts:,} first sends answered 201); "
          f"leads beyond one per key: {check['extra_leads']}")


if __name__ == "__main__":
    main()
