"""Opt-in pytest plugin: the CPU time of every test phase, per process, for speed work on a shared machine.

Wall times (``--durations``) mean little when other work shares the cores: the same test took 5 s or 50 s.
CPU time (user + system of the process, and of its children once they have been waited for) does not
depend on the neighbours, so it shows where the suite's time goes. Enable it with ``-p tests.cpu_times``;
each process (the controller and every xdist worker) appends lines to
``var/test-cpu/<M2C_CPU_TAG or "run">-<worker>.tsv``:

    node id <TAB> phase (setup, call, teardown; "collect" and "end" for the whole process) <TAB>
    own CPU s <TAB> children's CPU s <TAB> wall s

``python -m benchmarks.suite_cpu var/test-cpu/<tag>-*.tsv`` sums them per file and lists the costliest
tests. Children's CPU counts once a child has been waited for: Chromium's shows up in the "end" line of
the worker that ran the browser tests, not per test.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, TextIO

import pytest

_OUT: list[TextIO] = []


def _write(config: Any, node: str, phase: str, own: float, children: float, wall: float) -> None:
    if not _OUT:
        from django.conf import settings

        folder = Path(settings.VAR_DIR) / "test-cpu"
        folder.mkdir(parents=True, exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        _OUT.append(open(folder / f"{os.environ.get('M2C_CPU_TAG', 'run')}-{worker}.tsv", "a", buffering=1))  # noqa: SIM115
    _OUT[0].write(f"{node}\t{phase}\t{own:.3f}\t{children:.3f}\t{wall:.3f}\n")


def _cpu() -> tuple[float, float]:
    times = os.times()
    return times.user + times.system, times.children_user + times.children_system


def _timed(item: Any, phase: str) -> Any:
    before, started = _cpu(), time.perf_counter()
    try:
        return (yield)
    finally:
        after = _cpu()
        _write(item.config, item.nodeid, phase, after[0] - before[0], after[1] - before[1],
               time.perf_counter() - started)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: Any) -> Any:
    return (yield from _timed(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: Any) -> Any:
    return (yield from _timed(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    return (yield from _timed(item, "teardown"))


def pytest_collection_finish(session: Any) -> None:
    own, children = _cpu()
    _write(session.config, "<process>", "collect", own, children, 0.0)


def pytest_unconfigure(config: Any) -> None:
    own, children = _cpu()
    _write(config, "<process>", "end", own, children, 0.0)
