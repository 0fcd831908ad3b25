"""The background worker: queued tasks (django-tasks database backend) plus periodic jobs."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time

from django.apps import apps
from django.db import close_old_connections, connection

from . import periodic

logger = logging.getLogger(__name__)


def _import_task_modules() -> None:
    # Periodic jobs register when their app's tasks module is imported.
    from importlib import import_module

    for config in apps.get_app_configs():
        if config.name.startswith("m2c."):
            try:
                import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise


def _drain_tasks(worker_id: str) -> None:
    from django.conf import settings

    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db"):
        return
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def _close_old_connections() -> None:
    # Never inside a transaction: the caller (a test, or an embedding process) owns that connection.
    if not connection.in_atomic_block:
        close_old_connections()


def loop(stop: threading.Event, *, interval: float = 1.0, batch: bool = False) -> None:
    _import_task_modules()
    worker_id = f"{socket.gethostname()}-{os.getpid()}-{threading.get_ident() % 10000}"[:64]
    while not stop.is_set():
        _close_old_connections()
        try:
            periodic.run_due()
            _drain_tasks(worker_id)
        except Exception:  # noqa: BLE001 - keep the worker alive; the error is logged
            logger.exception("worker iteration failed")
        _close_old_connections()
        if batch:
            return
        stop.wait(interval)


def run_worker(*, interval: float = 1.0, batch: bool = False) -> None:
    stop = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        logger.warning("worker stopping")
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    print(f"m2c worker running (pid {os.getpid()}); Ctrl+C stops it", flush=True)  # noqa: T201
    loop(stop, interval=interval, batch=batch)


def start_in_thread(interval: float = 2.0) -> threading.Event:
    """The embedded default: tasks run inside the app server process."""
    stop = threading.Event()
    thread = threading.Thread(target=loop, args=(stop,), kwargs={"interval": interval}, daemon=True, name="m2c-worker")
    thread.start()
    time.sleep(0)
    return stop
