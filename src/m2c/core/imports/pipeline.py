"""A second process for an import's per-row Python work, pipelined with the process that stores.

An import spends more of its time reading, converting and normalising rows than storing them, all on
one interpreter (a second *thread* was slower: ``sqlite3`` gives up the interpreter lock for every row it
steps). :func:`pipelined` runs a generator in a forked worker process and yields its items, in order, in
the calling process, while the caller stores the previous ones. The two meet through a pipe of pickled
chunks fed from a bounded queue, so the worker runs at most ``depth`` chunks ahead and memory stays
bounded.

The worker never touches the database: its connections are detached right after the fork (kept
referenced so the parent's sockets are not closed from here) and any query raises at once. What the
worker cannot answer without the database, the client sends back for the calling process to do.

Failures surface, never hang: an exception in the worker is re-raised here as :class:`WorkerFailed`
with the worker's traceback; a worker that dies without a word (killed, out of memory) closes the
only write end of the pipe, which reads here as its end; the worker leaves when the calling process
goes away (its writes fail) or stops reading (it is terminated).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import queue
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DEFAULT_MIN_ROWS = 20_000  # smaller files: the fork and the pickling are not worth it
_DONE = "done"
_ERROR = "error"
_CHUNK = "chunk"
_DETACHED: list[Any] = []  # the parent's connection objects, kept alive (and unused) in the worker


class WorkerFailed(RuntimeError):
    """The worker process raised or died: a message for the person (no traceback) and the traceback apart."""

    def __init__(self, message: str, traceback_text: str = "") -> None:
        super().__init__(message)
        self.detail = message
        self.traceback = traceback_text


def enabled(estimated_rows: int) -> bool:
    """Whether an import of about ``estimated_rows`` rows should prepare its rows in a worker process.

    ``M2C_IMPORT_WORKER`` (default on) switches it off; ``M2C_IMPORT_WORKER_MIN_ROWS`` is the size
    from which it pays. Only where processes can be forked (Linux, macOS).
    """
    if not getattr(settings, "M2C_IMPORT_WORKER", _env_flag("M2C_IMPORT_WORKER", True)):
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    least = getattr(settings, "M2C_IMPORT_WORKER_MIN_ROWS", None)
    if least is None:
        least = int(os.environ.get("M2C_IMPORT_WORKER_MIN_ROWS") or DEFAULT_MIN_ROWS)
    return estimated_rows >= int(least)


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


class _NoDatabase(Exception):
    pass


def _forbid_database() -> None:
    """In the worker: detach every connection inherited from the parent and refuse new ones.

    Closing an inherited connection would end the parent's session (PostgreSQL) or share its file
    locks (SQLite), so each connection object is only set aside, referenced until the worker exits
    with ``os._exit`` (no finalizers run).
    """

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("The import worker process does not use the database.")

    for alias in connections:
        wrapper = connections[alias]
        _DETACHED.append(wrapper.connection)
        wrapper.connection = None
        wrapper.connect = refuse  # type: ignore[method-assign]
        wrapper.ensure_connection = refuse  # type: ignore[method-assign]


def _work(produce: Callable[[], Iterator[Any]], reader: Any, writer: Any, chunk: int, depth: int) -> None:
    """The worker's body: chunks of ``produce()`` to the parent; an exception goes to it as text.

    A feeder thread writes to the pipe, so the worker keeps preparing up to ``depth`` chunks ahead
    while the parent is busy storing; when the parent is gone the write fails and the worker leaves.
    """
    reader.close()  # the parent's end: with a copy open here, a dead parent's pipe would never break
    _forbid_database()
    pending: queue.Queue[bytes | None] = queue.Queue(maxsize=depth)

    def feed() -> None:
        while (data := pending.get()) is not None:
            try:
                writer.send_bytes(data)
            except OSError:  # the parent is gone: nobody will read this
                os._exit(1)

    feeder = threading.Thread(target=feed, name="m2c-import-feeder", daemon=True)
    feeder.start()

    def send(message: tuple) -> None:
        pending.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    try:
        items: list[Any] = []
        for item in produce():
            items.append(item)
            if len(items) >= chunk:
                send((_CHUNK, items))
                items = []
        if items:
            send((_CHUNK, items))
        send((_DONE, None))
    except BaseException as exc:  # noqa: BLE001 - everything the worker meets is reported to the parent
        send((_ERROR, (f"{type(exc).__name__}: {exc}", traceback.format_exc())))
    finally:
        pending.put(None)
        feeder.join()
        writer.close()


def pipelined(produce: Callable[[], Iterator[Any]], *, chunk: int = 500, depth: int = 16,
              poll: float = 1.0) -> Iterator[Any]:
    """The items of ``produce()``, computed in a forked worker process, yielded here in order.

    ``produce`` is called in the worker (it sees a copy of this process's memory as it is now).
    Raises :class:`WorkerFailed` when the worker raises or dies; closing this generator early stops
    the worker.
    """
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    worker = context.Process(target=_work, args=(produce, reader, writer, chunk, depth), name="m2c-import-worker", daemon=True)
    worker.start()
    writer.close()  # the worker holds the only write end: its death reads as the end of the pipe
    finished = False
    try:
        while True:
            if not reader.poll(poll) and worker.is_alive():
                continue
            try:
                data = reader.recv_bytes()
            except (EOFError, OSError):
                worker.join(timeout=5)
                raise WorkerFailed(_(
                    "The import's worker process stopped before the end of the file (exit code %(code)s); "
                    "resume the import to continue after the last saved row."
                ) % {"code": worker.exitcode}) from None
            kind, payload = pickle.loads(data)  # noqa: S301 - written by our own forked worker
            if kind == _CHUNK:
                yield from payload
            elif kind == _DONE:
                finished = True
                return
            else:
                error, trace = payload
                logger.error("import worker failed: %s", trace)
                raise WorkerFailed(_("The import's worker process failed: %(error)s") % {"error": error[:300]}, trace)
    finally:
        if not finished and worker.is_alive():
            worker.terminate()
        worker.join(timeout=5)
        if worker.is_alive():  # pragma: no cover - ignored SIGTERM
            worker.kill()
            worker.join(timeout=5)
        reader.close()
