"""``POST /api/v1/leads`` under load from ``wrk`` (compiled, so the client does not eat the server's cores).

    python -m benchmarks.api_capture [--workers 2] [--threads 1] [--seconds 30] [--connections 8]
                                     [--wrk-threads 1] [--retry-share 0.1] [--mode leads|me]
                                     [--pg postgres://postgres@127.0.0.1:5432/]

A fresh PostgreSQL database (m2c_bench_api) gets the demo reference data and a marketing user with
an API token. ``m2c serve --workers N`` starts gunicorn with N app processes on 127.0.0.1. Distinct
realistic leads (``benchmarks.lead_data.make_company``) are written one JSON body a line; the wrk
script ``benchmarks/api_capture.lua`` sends each once with its own ``Idempotency-Key`` and repeats a
share of them (same key, same body), as a client retries after a timeout.

Reported: requests per second, latency p50/p90/p99/max (wrk's own figures), errors (connection,
timeouts, any status but 201), and after the run the database: leads created, idempotency keys,
leads beyond one per key (duplicates). Because the machine may be shared, it also reports the CPU
time the server used per request: the app processes (gunicorn master and workers) and the
PostgreSQL backends serving this database, each from /proc before and after the measured run, and
wrk's own CPU time.

``--mode me`` sends ``GET /api/v1/me`` instead: token authentication and one small response, the
floor of the same stack on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.lead_api_load import CHECK, PG_DB, PG_DEFAULT, SETUP, _env, _free_port
from benchmarks.lead_data import GIVEN, SURNAMES, _mobile, _pinyinish, make_company

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("api_capture.lua")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
OFFERING = ["campus", "wlan", "dc", "storage", "security"]


def write_bodies(path: Path, count: int, *, seed: int) -> None:
    """``count`` leads of distinct companies, one JSON object a line."""
    rng = random.Random(seed)
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(count):
            company = make_company(rng, seen)
            handle.write(json.dumps({
                "customer_name": company.name,
                "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN), "contact_phone": _mobile(rng),
                "contact_email": f"{_pinyinish(rng)}@{company.domain}",
                "province": company.province, "city": company.city,
                "offering_lines": [rng.choice(OFFERING)], "budget_status": rng.choice(["confirmed", "planned", "unknown"]),
                "pain_confirmed": rng.random() < 0.5, "industry": company.industry,
            }, ensure_ascii=False) + "\n")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (its own, not its children's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14 and 15 of stat)


def _process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _backend_pids(pg: str, db: str = PG_DB) -> list[int]:
    import psycopg

    with psycopg.connect(pg + "postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [db]).fetchall()
    return [r[0] for r in rows]


def _cpu_snapshot(server_pid: int, pg: str, db: str = PG_DB) -> dict[str, dict[int, float]]:
    return {"app": {p: _cpu_seconds(p) for p in _process_tree(server_pid)},
            "db": {p: _cpu_seconds(p) for p in _backend_pids(pg, db)}}


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    # A process that appeared during the run counts from zero; one that ended is lost (none should).
    return sum(after[p] - before.get(p, 0.0) for p in after)


def run_wrk(*, url: str, seconds: float, connections: int, threads: int, bodies: Path, token: str, run_id: str,
            retry_share: float, mode: str) -> tuple[dict, float]:
    env = {**os.environ, "BODIES": str(bodies), "TOKEN": token, "RUN_ID": run_id, "RETRY_SHARE": str(retry_share),
           "WRK_THREADS": str(threads), "MODE": mode}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{int(seconds)}s", "--timeout", "10s", "--latency",
         "-s", str(LUA), url], env=env, capture_output=True, text=True,
    )
    if proc.returncode:
        raise SystemExit(f"wrk failed: {proc.stderr or proc.stdout}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("WRK_RESULT "))
    return json.loads(line.removeprefix("WRK_RESULT ")), (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="app processes (gunicorn)")
    parser.add_argument("--threads", type=int, default=1, help="threads per app process")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections of wrk in all")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--retry-share", type=float, default=0.1)
    parser.add_argument("--mode", choices=["leads", "me"], default="leads")
    parser.add_argument("--rate", type=int, default=1500, help="bodies generated per second of the run (an upper bound)")
    parser.add_argument("--pg", default=PG_DEFAULT)
    parser.add_argument("--db", default=PG_DB, help="the benchmark database's name (give your own on a shared server)")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run (no migrate)")
    parser.add_argument("--seed", type=int, default=11,
                        help="seed of the measured leads; with --reuse give each run its own, or its leads merge "
                             "into those of the earlier run with the same seed instead of being new")
    parser.add_argument("--src", help="serve the m2c package under this folder instead (e.g. an older checkout's src)")
    parser.add_argument("--set", action="append", default=[], metavar="M2C_NAME=VALUE",
                        help="an environment setting for the server (repeatable), e.g. M2C_PG_PREPARED=0")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    import psycopg

    env = _env(args.pg + args.db)
    env.update(item.split("=", 1) for item in args.set)
    if args.src:
        env["PYTHONPATH"] = os.pathsep.join([str(Path(args.src).resolve()), env["PYTHONPATH"]])
    setup = SETUP
    if args.reuse:
        setup = SETUP.replace("load_reference(); load_users(); load_settings()", "")
    else:
        with psycopg.connect(args.pg + "postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {args.db}")
        subprocess.run([sys.executable, "-m", "m2c.cli", "migrate"], env=env, check=True, capture_output=True)
    token = subprocess.run([sys.executable, "-c", setup], env=env, check=True, capture_output=True,
                           text=True).stdout.strip().splitlines()[-1]
    work = Path(tempfile.mkdtemp(prefix="m2c-api-capture-"))
    warm_bodies, bodies = work / "warm.jsonl", work / "bodies.jsonl"
    write_bodies(warm_bodies, 3000, seed=7)
    write_bodies(bodies, int(args.rate * args.seconds), seed=args.seed)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "m2c.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers",
         str(args.workers), "--threads", str(args.threads), "--no-worker"],
        env=env, stdout=subprocess.DEVNULL, start_new_session=True,
        # The server's errors (a 500's traceback) are kept beside the bodies, named in the report.
        stderr=(work / "server.log").open("w"),
    )
    try:
        _wait_up(url, token)
        # Warm up every process (imports, connections, caches) with other leads, then measure.
        run_wrk(url=url, seconds=3, connections=args.connections, threads=args.wrk_threads, bodies=warm_bodies,
                token=token, run_id="warm", retry_share=0.0, mode=args.mode)
        cpu_before = _cpu_snapshot(server.pid, args.pg, args.db)
        result, wrk_cpu = run_wrk(url=url, seconds=args.seconds, connections=args.connections, threads=args.wrk_threads,
                                  bodies=bodies, token=token, run_id=uuid.uuid4().hex[:8],
                                  retry_share=args.retry_share, mode=args.mode)
        cpu_after = _cpu_snapshot(server.pid, args.pg, args.db)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        errors = [line for line in (work / "server.log").read_text(errors="replace").splitlines()
                  if "Error" in line or "Traceback" in line]
        if errors:  # what a 500 was: the server's own lines, kept
            kept = Path(tempfile.gettempdir()) / f"m2c-api-capture-{args.db}-server.log"
            shutil.copy(work / "server.log", kept)
            print(f"server errors ({len(errors)} lines; the log: {kept}): {errors[-1][:300]}")
        shutil.rmtree(work, ignore_errors=True)
    check = json.loads(subprocess.run([sys.executable, "-c", CHECK], env=env, check=True, capture_output=True,
                                      text=True).stdout.strip().splitlines()[-1])
    report(args, result, check, app_cpu=_cpu_used(cpu_before["app"], cpu_after["app"]),
           db_cpu=_cpu_used(cpu_before["db"], cpu_after["db"]), wrk_cpu=wrk_cpu)


def _wait_up(url: str, token: str) -> None:
    import http.client

    host, port = url.removeprefix("http://").split(":")
    deadline = time.time() + 300  # a shared machine under load can take minutes to start gunicorn
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection(host, int(port), timeout=5)
            c.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the app server did not start")


def report(args: argparse.Namespace, r: dict, check: dict, *, app_cpu: float, db_cpu: float, wrk_cpu: float) -> None:
    requests = r["requests"]
    seconds = r["duration_us"] / 1e6
    ok = 200 if args.mode == "me" else 201
    statuses = {int(k): v for k, v in r["statuses"].items()}
    errors = (r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
              + sum(v for k, v in statuses.items() if k != ok))
    per = 1000 / max(requests, 1)
    print(f"code served: {args.src or 'this checkout'} {' '.join(args.set)}")
    print(f"{'mode':>5} {'procs':>5} {'conns':>5} {'requests':>9} {'req/s':>6} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} "
          f"{'max ms':>7} {'errors':>6} {'retried':>7} {'app CPU ms/req':>14} {'db CPU ms/req':>13} {'wrk CPU ms/req':>14}")
    print(f"{args.mode:>5} {args.workers:>5} {args.connections:>5} {requests:>9,} {requests / seconds:>6.0f} "
          f"{r['p50_us'] / 1000:>7.1f} {r['p90_us'] / 1000:>7.1f} {r['p99_us'] / 1000:>7.1f} {r['max_us'] / 1000:>7.1f} "
          f"{errors:>6} {r['retried']:>7} {app_cpu * per:>14.2f} {db_cpu * per:>13.2f} {wrk_cpu * per:>14.2f}")
    print(f"statuses: {dict(sorted(statuses.items()))}; socket errors: connect {r['connect_errors']}, read "
          f"{r['read_errors']}, write {r['write_errors']}, timeouts {r['timeouts']}; bodies reused: {r['wrapped']}")
    if args.mode == "leads":
        print(f"check: {check['leads']:,} leads for {check['keys']:,} idempotency keys (warm-up included); "
              f"leads beyond one per key (duplicates): {check['extra_leads']}")
    print(f"server CPU per request: {app_cpu * per + db_cpu * per:.2f} ms (app {app_cpu:.1f} s + PostgreSQL {db_cpu:.1f} s "
          f"over {requests:,} requests in {seconds:.1f} s)")


if __name__ == "__main__":
    main()
