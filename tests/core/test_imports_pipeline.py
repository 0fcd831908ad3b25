"""The import worker process: items in order, errors and deaths surfaced at once, no database, no leftovers."""

import multiprocessing
import os
import signal
import time

import pytest
from django.db import connection

from m2c.core.imports import pipeline
from m2c.core.models import OrgUnit


def _numbers(n: int):
    def produce():
        for i in range(n):
            yield {"row": i, "text": f"行 {i}", "square": i * i}

    return produce


def test_the_worker_yields_every_item_in_order_across_chunks():
    got = list(pipeline.pipelined(_numbers(1234), chunk=100, depth=2))
    assert got == list(_numbers(1234)())
    assert multiprocessing.active_children() == []


def test_an_exception_in_the_worker_is_raised_here_with_its_traceback():
    def produce():
        yield 1
        raise ValueError("row 2 could not be read")

    started = time.monotonic()
    with pytest.raises(pipeline.WorkerFailed, match="ValueError: row 2 could not be read") as failure:
        list(pipeline.pipelined(produce, chunk=1))
    assert "Traceback" not in str(failure.value)  # the message is for the person; the traceback is logged apart
    assert "Traceback" in failure.value.traceback and "row 2 could not be read" in failure.value.traceback
    assert time.monotonic() - started < 10
    assert multiprocessing.active_children() == []


def test_a_worker_killed_without_a_word_is_an_error_not_a_hang():
    def produce():
        yield 1
        time.sleep(0.2)
        os.kill(os.getpid(), signal.SIGKILL)
        yield 2  # never reached

    started = time.monotonic()
    with pytest.raises(pipeline.WorkerFailed, match=r"stopped before the end of the file \(exit code -9\)"):
        list(pipeline.pipelined(produce, chunk=1, poll=0.2))
    assert time.monotonic() - started < 10


@pytest.mark.django_db
def test_the_worker_cannot_use_the_database_and_the_callers_connection_survives(org):
    def produce():
        yield OrgUnit.objects.count()

    with pytest.raises(pipeline.WorkerFailed, match="does not use the database"):
        list(pipeline.pipelined(produce))
    # The worker set the inherited connection aside without closing it: this process goes on using it.
    assert OrgUnit.objects.filter(pk=org.east.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


def test_stopping_early_stops_the_worker():
    def produce():
        i = 0
        while True:
            yield i
            i += 1

    items = pipeline.pipelined(produce, chunk=10, depth=2)
    assert [next(items) for _ in range(25)] == list(range(25))
    items.close()
    assert multiprocessing.active_children() == []


def test_the_worker_is_used_from_the_configured_size(settings):
    settings.M2C_IMPORT_WORKER_MIN_ROWS = 1000
    assert pipeline.enabled(1000) and not pipeline.enabled(999)
    settings.M2C_IMPORT_WORKER = False
    assert not pipeline.enabled(10**6)
