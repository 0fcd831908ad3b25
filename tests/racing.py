"""Run calls at the same moment in threads, each on its own database connection (PostgreSQL tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from m2c.core.errors import DomainError


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Start every call behind one barrier; return each result or the ``DomainError`` it raised, in order."""
    start, results = threading.Barrier(len(calls)), {}

    def run(name: int, fn: Callable[[], Any]) -> None:
        try:
            start.wait(10)
            results[name] = fn()
        except DomainError as exc:
            results[name] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return [results[i] for i in range(len(calls))]
