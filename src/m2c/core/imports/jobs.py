"""The life of an import job: claim (exactly one run), heartbeat, chunk commits, finish, death, resume.

Transition table (``IMPORT_MACHINE``)::

    uploaded ─start→ running ─→ done | failed | interrupted
    interrupted | failed ─resume/restart→ running
    done (a dry run) ─start→ running        (the dry run continues to the real import, no second upload)

A start is a conditional ``UPDATE … WHERE status = <the status read>``: of six concurrent starts one
updates the row and the five others update nothing and are refused. Every later write of the run is
conditioned on its ``run_token``, so a run declared dead that wakes up again stops at its next chunk
instead of writing beside the run that took over.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core import events
from m2c.core.errors import Conflict
from m2c.core.models_imports import ImportStatus
from m2c.core.state_machine import StateMachine, t

S = ImportStatus

class ImportRun(events.EventPayload):
    """A run starting: where it starts (``cursor``, rows already committed), which attempt, on which host:pid."""

    cursor: int
    attempt: int
    worker: str


class ImportFinished(events.EventPayload):
    """The counts of a finished run (created, updated, merged, rejected, ... per client) and the rows read."""

    model_config = events.ConfigDict(extra="allow")
    rows: int


class ImportStopped(events.EventPayload):
    """A run that failed or whose process died: the rows committed before it stopped."""

    cursor: int
    worker: str | None = None


IMPORT_STARTED = events.register("core.import.started", gettext_lazy("Import started"), ImportRun)
IMPORT_RESUMED = events.register("core.import.resumed", gettext_lazy("Import resumed"), ImportRun)
IMPORT_RESTARTED = events.register("core.import.restarted", gettext_lazy("Import restarted from the first row"), ImportRun)
IMPORT_FINISHED = events.register("core.import.finished", gettext_lazy("Import finished"), ImportFinished)
IMPORT_FAILED = events.register("core.import.failed", gettext_lazy("Import failed"), ImportStopped)
IMPORT_INTERRUPTED = events.register("core.import.interrupted", gettext_lazy("Import interrupted (its process stopped)"),
                                     ImportStopped)


def _was_dry_run(job: Any, _context: dict[str, Any]) -> None:
    if not job.dry_run:
        raise Conflict(_("This import is finished; upload the file again to import it again."), code="import_done")


IMPORT_MACHINE = StateMachine(
    name=gettext_lazy("import"),  # type: ignore[arg-type]
    transitions=[
        t(S.UPLOADED, S.RUNNING, event=IMPORT_STARTED),
        t([S.INTERRUPTED, S.FAILED], S.RUNNING, event=IMPORT_RESUMED),
        t(S.DONE, S.RUNNING, guards=[_was_dry_run], event=IMPORT_STARTED),
        t(S.RUNNING, S.DONE, event=IMPORT_FINISHED),
        t(S.RUNNING, S.FAILED, event=IMPORT_FAILED),
        t(S.RUNNING, S.INTERRUPTED, event=IMPORT_INTERRUPTED),
    ],
    labels=dict(S.choices),
)


class JobLost(Exception):
    """This run no longer owns the job (it was declared dead and taken over): stop without writing."""


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_after() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "M2C_IMPORT_STALE_SECONDS", 300)))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_dead(job: Any, *, now: Any = None) -> bool:
    """A running job whose process is gone: no heartbeat for too long, or its process on this host has exited."""
    if job.status != S.RUNNING:
        return False
    now = now or timezone.now()
    if job.heartbeat_at is None or now - job.heartbeat_at > stale_after():
        return True
    host, _sep, pid = (job.worker or "").rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid))


def claim_mapped(job: Any, *, actor: Any, mapping: dict[str, str], dry_run: bool,
                 value_maps: dict[str, dict[str, str]] | None, language: str) -> str:
    """Start ``job`` from its first row with a checked ``mapping`` and the value maps of its mapped fields."""
    maps = {name: {str(k): str(v) for k, v in table.items()} for name, table in (value_maps or {}).items()
            if name in mapping.values()}
    return claim(job, actor=actor, restart=True, changes={
        "mapping": mapping, "dry_run": dry_run, "value_maps": maps, "language": language or job.language})


def claim(job: Any, *, actor: Any = None, restart: bool = False, changes: dict[str, Any] | None = None) -> str:
    """Move ``job`` to running for exactly one caller; returns this run's token. Refused with 409 otherwise.

    ``restart`` starts again from the first row (counts and errors reset); otherwise a job resumes after
    its cursor. ``changes`` are written in the same UPDATE (mapping, dry_run…).
    """
    model = type(job)
    job.refresh_from_db()
    current = job.status
    if current == S.RUNNING:
        if not is_dead(job):
            raise Conflict(_("This import is already running."), code="import_running")
        mark_dead(job)
        job.refresh_from_db()
        current = job.status
    IMPORT_MACHINE.check(job, S.RUNNING, actor=actor)
    token = uuid.uuid4().hex
    now = timezone.now()
    updates: dict[str, Any] = {"status": S.RUNNING, "run_token": token, "worker": worker_id(), "heartbeat_at": now,
                               "attempts": F("attempts") + 1, "message": "", "finished_at": None, **(changes or {})}
    fresh = restart or current in (S.UPLOADED, S.DONE)
    if fresh:
        updates |= {"cursor": 0, "processed": 0, "started_at": now, **dict.fromkeys(count_fields(model), 0)}
    with transaction.atomic():
        claimed = model._default_manager.filter(pk=job.pk, status=current).update(**updates)
        if claimed != 1:
            raise Conflict(_("This import is already running."), code="import_running")
        if fresh:
            job.errors.all().delete()
        event = IMPORT_STARTED if current in (S.UPLOADED, S.DONE) else IMPORT_RESTARTED if restart else IMPORT_RESUMED
        job.refresh_from_db()
        events.record(event, job, actor=actor, from_state=current, to_state=S.RUNNING,
                      payload={"cursor": job.cursor, "attempt": job.attempts, "worker": job.worker})
    return token


def count_fields(model: type[models.Model]) -> list[str]:
    names = ("created", "merged", "invalid", "rejected", "warnings", "updated")
    return [f.name for f in model._meta.concrete_fields if f.name in names]


def commit_chunk(job: Any, token: str, *, cursor: int, processed: int, counts: dict[str, int]) -> None:
    """Inside the chunk's transaction: move the cursor and counts, beat the heart; JobLost if not ours."""
    written = type(job)._default_manager.filter(pk=job.pk, run_token=token, status=S.RUNNING).update(
        cursor=cursor, processed=processed, heartbeat_at=timezone.now(), **counts)
    if written != 1:
        raise JobLost(str(job.pk))


def heartbeat(job: Any, token: str) -> None:
    written = type(job)._default_manager.filter(pk=job.pk, run_token=token, status=S.RUNNING).update(
        heartbeat_at=timezone.now())
    if written != 1:
        raise JobLost(str(job.pk))


def finish(job: Any, token: str, *, actor: Any = None, processed: int, counts: dict[str, int], cursor: int | None = None,
           payload: dict[str, Any] | None = None) -> None:
    """running → done (in the caller's transaction, with the last chunk if there is one)."""
    now = timezone.now()
    extra = {"cursor": cursor} if cursor is not None else {}
    written = type(job)._default_manager.filter(pk=job.pk, run_token=token, status=S.RUNNING).update(
        status=S.DONE, processed=processed, finished_at=now, heartbeat_at=now, total_rows=processed, **counts, **extra)
    if written != 1:
        raise JobLost(str(job.pk))
    job.refresh_from_db()
    events.record(IMPORT_FINISHED, job, actor=actor, from_state=S.RUNNING, to_state=S.DONE,
                  payload={**counts, "rows": processed, **(payload or {})})


def fail(job: Any, token: str, *, actor: Any = None, message: str) -> None:
    """running → failed, keeping the cursor so the job can be resumed."""
    with transaction.atomic():
        written = type(job)._default_manager.filter(pk=job.pk, run_token=token, status=S.RUNNING).update(
            status=S.FAILED, message=message[:2000], finished_at=timezone.now())
        if written == 1:
            job.refresh_from_db()
            events.record(IMPORT_FAILED, job, actor=actor, from_state=S.RUNNING, to_state=S.FAILED,
                          reason=message[:500], payload={"cursor": job.cursor})


def mark_dead(job: Any) -> bool:
    """running → interrupted when the job's process is gone; True when this call marked it."""
    if not is_dead(job):
        return False
    with transaction.atomic():
        written = type(job)._default_manager.filter(pk=job.pk, status=S.RUNNING, run_token=job.run_token).update(
            status=S.INTERRUPTED, message=_("The import stopped after line %(n)d (its process ended). Resume it to "
                                            "continue after that line.") % {"n": job.cursor})
        if written == 1:
            job.refresh_from_db()
            events.record(IMPORT_INTERRUPTED, job, from_state=S.RUNNING, to_state=S.INTERRUPTED,
                          payload={"cursor": job.cursor, "worker": job.worker})
    return written == 1


def sweep(models_: Iterable[type[models.Model]]) -> int:
    """Mark every dead running job interrupted, and delete stored files nobody will import any more
    (a periodic job runs this)."""
    marked = 0
    for model in models_:
        for job in model._default_manager.filter(status=S.RUNNING):
            marked += mark_dead(job)
        purge_files(model)
    return marked


def purge_files(model: type[models.Model], *, days: float | None = None) -> int:
    """Delete the uploads of jobs finished (not a dry run), or left uploaded or dry-run for ``days``."""
    from .uploads import discard

    days = float(getattr(settings, "M2C_IMPORT_KEEP_DAYS", 7)) if days is None else days
    old = timezone.now() - timedelta(days=days)
    stale = models.Q(status=S.DONE, dry_run=False) | models.Q(status__in=[S.UPLOADED, S.DONE], created_at__lt=old)
    purged = 0
    for pk, path in model._default_manager.filter(stale).exclude(file_path="").values_list("pk", "file_path"):
        discard(path)
        model._default_manager.filter(pk=pk, status__in=[S.UPLOADED, S.DONE]).update(file_path="")
        purged += 1
    return purged
