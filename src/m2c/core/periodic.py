"""Periodic jobs (SLA sweeps, stale-lead checks, dunning), run by ``m2c worker``.

A job is a plain function registered with :func:`every`. Jobs must be idempotent sweeps: they select
what is due and lock each row they change. The ``PeriodicRun`` row per job, claimed under a row lock,
keeps several workers from starting the same job at the same moment.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models_periodic import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    seconds: int
    fn: Callable[[], object]


_JOBS: dict[str, Job] = {}


def every(seconds: int, name: str | None = None) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def decorator(fn: Callable[[], object]) -> Callable[[], object]:
        job_name = name or f"{fn.__module__}.{fn.__qualname__}"
        _JOBS[job_name] = Job(job_name, seconds, fn)
        return fn

    return decorator


def jobs() -> dict[str, Job]:
    return dict(_JOBS)


def _claim(job: Job, now: dt.datetime) -> bool:
    with transaction.atomic():
        PeriodicRun.objects.get_or_create(name=job.name)
        row = PeriodicRun.objects.select_for_update().get(name=job.name)
        if row.last_run_at and now - row.last_run_at < dt.timedelta(seconds=job.seconds):
            return False
        row.last_run_at = now
        row.save(update_fields=["last_run_at"])
        return True


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Run every job whose interval has passed; returns the names run."""
    moment = now or timezone.now()
    ran = []
    for job in list(_JOBS.values()):
        if not _claim(job, moment):
            continue
        try:
            job.fn()
        except Exception:  # noqa: BLE001 - one failing job must not stop the others
            logger.exception("periodic job %s failed", job.name)
        ran.append(job.name)
    return ran
