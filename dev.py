#!/usr/bin/env python3
"""Developer entry point; needs only Python >= 3.11.

    python3 dev.py start      create .venv, install m2c, migrate SQLite, load demo data, serve on :8000
    python3 dev.py test       install dev dependencies, run ruff and the whole test suite (SQLite)
    python3 dev.py test --pg  the same suite on PostgreSQL (M2C_DATABASE_URL, default the local "test" db)

The suite runs one pytest-xdist worker per CPU core (``--workers N`` to change, ``0`` for one process):
the test databases are copied from a template migrated once (tests/db_template.py), so a worker costs
a second, not a migration, and on 2 cores two workers beat one process (docs/benchmarks.md, "Test suite").
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/test"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env={**os.environ, **(env or {})})
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_venv(extras: str = "") -> None:
    if not PYTHON.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".{extras}" if extras else "."
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target)


def start(args: argparse.Namespace) -> None:
    ensure_venv()
    m2c = BIN / "m2c"
    var = Path(os.environ.get("M2C_VAR_DIR", ROOT / "var"))
    run(m2c, "migrate")
    run(m2c, "demo")
    password_file = var / "admin-password.txt"
    run(m2c, "createuser", "admin", "--admin", "--if-missing", "--display-name", "Administrator",
        "--password-file", password_file)
    password = password_file.read_text().strip() if password_file.exists() else "(see var/admin-password.txt)"
    print("\n" + "=" * 72)
    print(f"  m2c is starting on http://{args.host}:{args.port}/")
    print(f"  administrator login:  admin / {password}")
    print("  demo users (ar.li, mkt.zhou, fin.sun, sdt.east …) use the password m2c-demo-2026")
    print("=" * 72 + "\n", flush=True)
    os.execv(str(m2c), [str(m2c), "serve", "--host", args.host, "--port", str(args.port)])


def test(args: argparse.Namespace) -> None:
    ensure_venv("[dev]")
    # Let Python keep compiled bytecode, pytest its rewritten test modules (both in __pycache__, ignored by
    # git): with PYTHONDONTWRITEBYTECODE set, every worker and child process compiled them again (~2.5 s of
    # CPU per worker to collect the suite; docs/benchmarks.md, "Test suite").
    env = {"PYTHONDONTWRITEBYTECODE": ""}
    if args.pg:
        env["M2C_DATABASE_URL"] = os.environ.get("M2C_DATABASE_URL", DEFAULT_PG)
    run(BIN / "ruff", "check", "src", "tests", "benchmarks", "scripts", "dev.py")
    count = default_workers() if args.workers == "cores" else int(args.workers)
    workers = ["-n", str(count)] if count > 1 else ["-p", "no:xdist"]
    run(PYTHON, "-m", "pytest", *workers, *args.pytest_args, env=env)


def default_workers() -> int:
    """One worker per core the process may use (measured fastest; see docs/benchmarks.md)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("start", help="install, migrate, load demo data and serve")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=start)
    p = sub.add_parser("test", help="ruff and the whole test suite")
    p.add_argument("--pg", action="store_true", help="run on PostgreSQL (M2C_DATABASE_URL)")
    p.add_argument("--workers", default="cores", help="pytest-xdist workers (default: one per CPU core; 0 or 1 = one process)")
    p.add_argument("pytest_args", nargs="*", help="extra pytest arguments")
    p.set_defaults(func=test)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
