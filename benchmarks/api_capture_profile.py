"""Where the CPU time of one ``POST /api/v1/leads`` goes, in one process, through the whole WSGI stack.

    python -m benchmarks.api_capture_profile [--requests 400] [--profile | --statements] [--top 40]
                                             [--mode leads|me] [--pg postgres://postgres@127.0.0.1:5432/]
                                             [--db NAME] [--reuse] [--src DIR]

A fresh PostgreSQL database (m2c_bench_capture_prof) gets the demo reference data and a marketing user
with an API token, as ``benchmarks.api_capture`` sets it up. Then the requests are sent straight to
Django's WSGI handler (no network, no load generator) with a bearer token and an Idempotency-Key,
distinct realistic leads as in the load test. Reported: the app's CPU time per request
(``time.process_time``) and the CPU time of the PostgreSQL backend serving it (from /proc), after a
warm-up; ``--profile`` also runs cProfile over as many further new leads and prints the top functions by
cumulative time (profiling inflates the figures; the CPU line is measured without it first).
``--statements`` also sends as many further new leads and splits the backend's CPU by statement (from
``/proc/<pid>/schedstat``, to the nanosecond, read around each statement and the commit): what
``pg_stat_statements`` would tell, on a server where it cannot be loaded.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks.api_capture import _cpu_seconds, write_bodies
from benchmarks.lead_api_load import PG_DEFAULT, SETUP, _env

DB = "m2c_bench_capture_prof"


def _environ(method: str, path: str, token: str, body: bytes = b"", key: str = "") -> dict:
    env = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Bearer {token}", "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
    }
    if body:
        env["CONTENT_TYPE"] = "application/json"
    if key:
        env["HTTP_IDEMPOTENCY_KEY"] = key
    return env


def _statements(one: Any, bodies: list[bytes], backend: int) -> None:
    """The backend's CPU per request, split by statement (its first 100 characters) and the commit."""
    import re
    from collections import defaultdict

    import psycopg
    from django.db import connection

    stat = Path(f"/proc/{backend}/schedstat").open("rb")

    def ns() -> int:
        stat.seek(0)
        return int(stat.read().split()[0])

    spent: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = ns()
        try:
            return execute(sql, params, many, context)
        finally:
            item = spent[re.sub(r"\s+", " ", sql)[:100]]
            item[0] += 1
            item[1] += ns() - start

    commit = psycopg.Connection.commit

    def timed_commit(self: Any) -> None:
        start = ns()
        try:
            commit(self)
        finally:
            spent["COMMIT"][0] += 1
            spent["COMMIT"][1] += ns() - start

    psycopg.Connection.commit = timed_commit  # type: ignore[method-assign]
    try:
        start = ns()
        with connection.execute_wrapper(timed):
            for body in bodies:
                one(body)
        total = ns() - start
    finally:
        psycopg.Connection.commit = commit  # type: ignore[method-assign]
    n = len(bodies)
    print(f"PostgreSQL backend CPU by statement ({n} requests, {total / n / 1e3:.0f} µs a request in all; "
          f"not in a statement: BEGIN, the health check, the protocol):")
    for sql, (count, used) in sorted(spent.items(), key=lambda kv: -kv[1][1]):
        print(f"{used / n / 1e3:8.1f} µs/req {count / n:5.2f}×  {sql}")


def run(token: str, bodies: list[bytes], mode: str, warm: int, profile: bool, top: int, statements: bool = False) -> None:
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    app = WSGIHandler()
    statuses: dict[str, int] = {}

    def start_response(status: str, _headers: list) -> None:
        statuses[status] = statuses.get(status, 0) + 1

    def one(body: bytes) -> None:
        if mode == "me":
            env = _environ("GET", "/api/v1/me", token)
        else:
            env = _environ("POST", "/api/v1/leads", token, body, uuid.uuid4().hex)
        result = app(env, start_response)
        b"".join(result)
        result.close()

    for body in bodies[:warm]:
        one(body)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    n = (len(bodies) - warm) // 2 if profile or statements else len(bodies) - warm
    measured, profiled = bodies[warm:warm + n], bodies[warm + n:]  # the profiled leads are new ones too
    db0, cpu0, wall0 = _cpu_seconds(backend), time.process_time(), time.perf_counter()
    for body in measured:
        one(body)
    cpu, wall, db = time.process_time() - cpu0, time.perf_counter() - wall0, _cpu_seconds(backend) - db0
    print(f"{mode}: {n} requests, app CPU {cpu / n * 1000:.2f} ms/req, PostgreSQL backend CPU {db / n * 1000:.2f} ms/req "
          f"(server {(cpu + db) / n * 1000:.2f}), wall {wall / n * 1000:.2f} ms/req; statuses {statuses}")
    if statements:
        _statements(one, profiled, backend)
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile(time.process_time)
        prof.enable()
        for body in profiled:
            one(body)
        prof.disable()
        prof.dump_stats("/tmp/capture_prof.pstats")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--warm", type=int, default=100)
    parser.add_argument("--mode", choices=["leads", "me"], default="leads")
    extra = parser.add_mutually_exclusive_group()
    extra.add_argument("--profile", action="store_true")
    extra.add_argument("--statements", action="store_true", help="the backend's CPU split by statement")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--pg", default=PG_DEFAULT)
    parser.add_argument("--db", default=DB, help="the benchmark database's name (give your own on a shared server)")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run")
    parser.add_argument("--src", help="profile the m2c package under this folder instead (e.g. an older checkout's src)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # the measured process, with the benchmark database's environment
        token, path = args.child.split(" ", 1)
        lines = Path(path).read_bytes().splitlines()
        run(token, lines, args.mode, args.warm, args.profile, args.top, args.statements)
        return
    import psycopg

    env = _env(args.pg + args.db)
    env["M2C_REFERENCE_TTL"] = "60"
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
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
        path = Path(handle.name)
    try:
        twice = args.profile or args.statements
        write_bodies(path, args.warm + args.requests * (2 if twice else 1), seed=random.randrange(1 << 30))
        cmd = [sys.executable, "-m", "benchmarks.api_capture_profile", "--mode", args.mode, "--warm", str(args.warm),
               "--top", str(args.top), "--child", f"{token} {path}"]
        if args.profile:
            cmd.append("--profile")
        if args.statements:
            cmd.append("--statements")
        paths = [str(Path(args.src).resolve())] if args.src else []
        paths += [str(Path(__file__).resolve().parent.parent), env["PYTHONPATH"]]
        subprocess.run(cmd, env={**env, "PYTHONPATH": os.pathsep.join(paths)}, check=True)
    finally:
        path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
