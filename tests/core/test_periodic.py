import datetime as dt

from django.utils import timezone

from m2c.core import periodic
from m2c.core.ratelimit import allow
from m2c.core.worker import loop


def test_a_job_runs_once_per_interval(db, monkeypatch):
    calls = []
    monkeypatch.setattr(periodic, "_JOBS", {})
    periodic.every(60, name="test.sweep")(lambda: calls.append(1))
    now = timezone.now()
    assert periodic.run_due(now) == ["test.sweep"]
    assert periodic.run_due(now + dt.timedelta(seconds=30)) == []
    assert periodic.run_due(now + dt.timedelta(seconds=61)) == ["test.sweep"]
    assert len(calls) == 2


def test_a_failing_job_does_not_stop_the_others(db, monkeypatch):
    calls = []
    monkeypatch.setattr(periodic, "_JOBS", {})

    def broken():
        raise RuntimeError("boom")

    periodic.every(60, name="test.broken")(broken)
    periodic.every(60, name="test.fine")(lambda: calls.append(1))
    assert sorted(periodic.run_due()) == ["test.broken", "test.fine"]
    assert calls == [1]


def test_the_worker_loop_runs_due_jobs_in_batch_mode(db, monkeypatch):
    import threading

    from m2c.core import worker

    calls = []
    monkeypatch.setattr(periodic, "_JOBS", {})
    monkeypatch.setattr(worker, "_import_task_modules", lambda: None)
    periodic.every(60, name="test.loop")(lambda: calls.append(1))
    loop(threading.Event(), batch=True)
    assert calls == [1]


def test_rate_limit_allows_up_to_the_limit_per_window(db):
    key = f"test-{timezone.now().timestamp()}"
    results = [allow(key, limit=3, window=60) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert allow(key + "-other", limit=3, window=60) is True
