"""Opt-in pytest plugin: the CPU time of every test phase, per process, for speed work on a shared machine.

Wall times (``--durations``) mean little when other work shares the cores: the same test took 5 s or 50 s.
CPU time (user + system of the process, and of its children once they have been waited for) does not
depend on the neighbours, so it shows where the suite's time goes. Enable it with ``-p tests.cpu_times``;
each process (the controller and every xdist worker) appends lines to
``var/test-cpu/<M2C_CPU_TAG or "run">-<worker>.tsv``:

    node id <TAB> phase (setup, call, teardown; "collect" and "end" for the whole process) <TAB>
    own CPU s <TAB> children's CPU s <TAB> wall s

``python -m benchmarks.suite_cpu var/test-cpu/<tag>-*.tsv`` sums them per file and lists the costliest
tests. Children's CPU counts once a child has been waited for, so Chromium's (a child of Playwright's
driver, reaped when the browser closes) would show up only in the "end" line of the worker that ran the
browser tests. Hence a fourth phase per test, "tree": the CPU the process's *live* descendants (Playwright's
driver, Chromium's browser, zygote, GPU and renderer processes) spent from the test's setup to its teardown,
read from ``/proc/<pid>/stat`` (user + system, plus what each has reaped of its own children, so a renderer
that exits with its context still counts), plus the children this process has reaped (so a descendant's
CPU is counted once whether it is still running or was waited for). It is written in the children's
column, own CPU 0. Where a file has "tree" lines, ``benchmarks.suite_cpu`` counts a test's children from
them only, not also from its setup, call and teardown lines.

Chromium does not wait for its zygote when it closes, so the zygote and the renderers it reaped vanish
from every count (``os.times``, ``/usr/bin/time``: three renderers busy for 4.3 s, 1.4 s reported). The
plugin makes the process a child subreaper (Linux), so such orphans come back to it; once they have exited
it reaps them (the ones it saw as grandchildren at each sample, all of them when the run ends), so their
CPU joins its children's and ``/usr/bin/time`` sees it too.
"""

from __future__ import annotations

import contextlib
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


def pytest_configure(config: Any) -> None:
    """Adopt orphaned descendants (PR_SET_CHILD_SUBREAPER), so their CPU is counted, not lost."""
    if os.path.isdir("/proc"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)


_GRANDCHILDREN: set[int] = set()
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[str, int, int]]:
    """Every process: pid -> (state, parent pid, clock ticks of user + system CPU with its reaped children)."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        # after the command name: state ppid ... utime(11) stime(12) cutime(13) cstime(14), counted from 0
        found[int(entry.name)] = (fields[0], int(fields[1]), sum(int(f) for f in fields[11:15]))
    return found


def _reap_adopted(processes: dict[int, tuple[str, int, int]], *, only_seen: bool) -> set[int]:
    """Wait for the adopted children that have exited (zombies), so their CPU joins this process's.

    ``only_seen``: only those seen as grandchildren before (adopted for sure, not a child that a test's
    ``subprocess`` call is about to wait for itself). Returns the pids reaped.
    """
    me, reaped = os.getpid(), set()
    for pid, (state, parent, _cpu_ticks) in processes.items():
        if state == "Z" and parent == me and (pid in _GRANDCHILDREN or not only_seen):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
                reaped.add(pid)
            _GRANDCHILDREN.discard(pid)
    return reaped


def _tree_cpu() -> float:
    """CPU seconds of every live descendant of this process (with what they have reaped) and of its reaped ones.

    One pass over ``/proc`` (~3 ms of CPU with 150 processes): the adopted zombies are reaped (their CPU
    moves to this process's children's) and left out of the live sum.
    """
    me = os.getpid()
    processes = _processes()
    reaped = _reap_adopted(processes, only_seen=True)
    children: dict[int, list[int]] = {}
    for pid, (_state, parent, _cpu_ticks) in processes.items():
        if pid not in reaped:
            children.setdefault(parent, []).append(pid)
    total, todo = 0, list(children.get(me, []))
    while todo:
        pid = todo.pop()
        _state, parent, ticks = processes[pid]
        if parent != me:
            _GRANDCHILDREN.add(pid)
        total += ticks
        todo.extend(children.get(pid, []))
    return total / _TICKS + _cpu()[1]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: Any, nextitem: Any) -> Any:
    if not os.path.isdir("/proc"):
        return (yield)
    before, started = _tree_cpu(), time.perf_counter()
    try:
        return (yield)
    finally:
        _write(item.config, item.nodeid, "tree", 0.0, _tree_cpu() - before, time.perf_counter() - started)


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
    if os.path.isdir("/proc"):
        _reap_adopted(_processes(), only_seen=False)
    own, children = _cpu()
    _write(config, "<process>", "end", own, children, 0.0)
