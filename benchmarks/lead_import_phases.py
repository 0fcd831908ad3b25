"""CPU microseconds a row of each phase of the importing process, with and without the worker process.

    python -m benchmarks.lead_import_phases [--rows 20000] [--worker off|on]

SQLite only, under the whole demo (as ``benchmarks.lead_import``): ``time.process_time`` around the
import's phases (wrapped here for the measurement only; the import runs unchanged). The file comes
from ``benchmarks.lead_data``; the demo schema is built once under /tmp/m2c-bench-phases.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("M2C_BENCH_DIR", "/tmp/m2c-bench-phases"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--worker", choices=["on", "off"], default="on")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    template, db, path = WORK / "demo.sqlite3", WORK / "run.sqlite3", WORK / f"leads-{args.rows}.csv"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("M2C_")}, "M2C_VAR_DIR": str(WORK / "var"),
           "DJANGO_SETTINGS_MODULE": "m2c.settings", "PYTHONPATH": str(ROOT)}
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        from benchmarks.lead_data import write_csv

        write_csv(path, args.rows)
    if not template.exists():  # built under another name, so an interrupted build is never used
        building = WORK / "building.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(building) + suffix).unlink(missing_ok=True)
        demo_env = {**env, "M2C_DATABASE_URL": f"sqlite:///{building}"}
        for command in (["migrate"], ["demo", "--quiet"]):
            subprocess.run([sys.executable, "-m", "m2c.cli", *command], env=demo_env, check=True, capture_output=True)
        subprocess.run(["sqlite3", str(building), "PRAGMA wal_checkpoint(TRUNCATE);"], check=False, capture_output=True)
        shutil.copy(building, template)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copy(template, db)
    os.environ.update(env, M2C_DATABASE_URL=f"sqlite:///{db}", M2C_IMPORT_WORKER="1" if args.worker == "on" else "0",
                      M2C_IMPORT_WORKER_MIN_ROWS="0")
    _measure(path, args.worker)


def _measure(path: Path, mode: str) -> None:
    import django

    django.setup()
    from m2c.core import bulk
    from m2c.core import events as core_events
    from m2c.core.imports import pipeline
    from m2c.leads import capture, importer
    from m2c.leads.capture import pipeline as capture_pipeline

    spent: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - started

        return wrapper

    insert = bulk.Inserter.insert

    def timed_insert(self, rows):
        return timed(f"insert {self.model._meta.label}", insert)(self, rows)

    pipelined = pipeline.pipelined

    def timed_pipelined(*args, **kwargs):
        items = pipelined(*args, **kwargs)
        while True:
            started = time.process_time()
            try:
                item = next(items)
            except StopIteration:
                return
            finally:
                spent["receive and unpickle"] = spent.get("receive and unpickle", 0.0) + time.process_time() - started
            yield item

    bulk.Inserter.insert = timed_insert
    capture.capture = timed("capture (all)", capture.capture)
    capture_pipeline.load_candidates = timed("candidate lookups", capture_pipeline.load_candidates)
    core_events.record_many = timed("record_many (with the event insert)", core_events.record_many)
    pipeline.pipelined = timed_pipelined
    importer._RowPreparer.prepare = timed("convert, prepare, fingerprint in process", importer._RowPreparer.prepare)
    importer._unpack = timed("unpack", importer._unpack)
    cpu, wall = time.process_time(), time.perf_counter()
    counts, _mapping, _job = importer.run(path, actor=None)
    cpu = time.process_time() - cpu
    n = counts.rows
    print(json.dumps({"worker": mode, "cpu_us_row": round(cpu / n * 1e6), "wall_s": round(time.perf_counter() - wall, 1),
                      **counts.as_dict()}))
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {name:<42} {seconds / n * 1e6:8.1f} µs/row")


if __name__ == "__main__":
    main()
