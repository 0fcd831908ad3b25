"""``m2c serve``: waitress (any OS) for one process, gunicorn for several."""

from __future__ import annotations

import os
import shutil
import sys


def serve(*, host: str, port: int, workers: int = 1, threads: int = 8, task_worker: bool = True) -> None:
    if workers > 1:
        gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
        if not os.path.exists(gunicorn):
            raise SystemExit("several workers need gunicorn (Linux or macOS): pip install gunicorn")
        print(f"m2c serving on http://{host}:{port}/ with {workers} processes", flush=True)  # noqa: T201
        # No access log unless asked for: one written to /dev/null was still formatted for every request
        # (~50 µs of CPU each, with every environ entry and header copied into its atoms).
        os.execv(
            gunicorn,
            [gunicorn, "m2c.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers),
             "--threads", str(threads), "--worker-class", "gthread" if threads > 1 else "sync",
             *(["--access-logfile", "-"] if os.environ.get("M2C_ACCESS_LOG") else []), "--log-level", "warning"],
        )
    from waitress import serve as waitress_serve

    from m2c.wsgi import application

    if task_worker:
        from .worker import start_in_thread

        start_in_thread()
    print(f"m2c serving on http://{host}:{port}/  (Ctrl+C stops it)", flush=True)  # noqa: T201
    waitress_serve(application, host=host, port=port, threads=threads, ident="m2c")
