"""Running a claimed import job for a row-by-row client (customers, opportunities, org) or a batch client
(campaign responses: ``client.rows`` stores a chunk's good rows at once and answers each row's outcome).

The file is read again from the start and rows up to the job's cursor are skipped. Rows are stored in
chunks, each chunk in one transaction with its row errors, counts and the new cursor, each row in a
savepoint so a refused row is rolled back alone. A dry run does the same work in one transaction that
is rolled back, then stores only the counts and the rows' outcomes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from m2c.core.errors import DomainError

from . import jobs
from .files import cell_text, open_table
from .mapping import AMOUNT, BOOL, CODE, DATE, TEXT, Schema
from .values import CellWarning, is_placeholder, parse_amount, parse_bool, parse_date

MAX_CELL = 10_000


class Client(Protocol):
    kind: str
    schema: Schema

    def begin(self, job: Any, *, actor: Any) -> None: ...

    def row(self, data: dict[str, Any], *, actor: Any, job: Any) -> str: ...

    # Optional: ``rows(datas, *, actor, job) -> list[str | DomainError]`` stores a chunk's converted rows
    # at once (an outcome or the row's error each, in order), and ``chunk`` sets the chunk size.


@dataclass
class RowProblem:
    row_number: int
    level: str  # "error" (row not stored) or "warning" (stored, a cell left blank)
    field: str
    message: str
    row: list[str]


@dataclass
class Tally:
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


def chunk_size(default: int = 200) -> int:
    return int(getattr(settings, "M2C_IMPORT_CHUNK", 0) or default)


def convert(schema: Schema, columns: list[tuple[int, str]], value_maps: dict[str, dict[str, str]], row: list[Any],
            defaults: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A file row as typed values {field: value} and the warnings of cells left blank.

    Raises ``ValidationFailed``-like ``DomainError`` only for a cell that cannot be kept at all (too long).
    """
    from m2c.core.errors import ValidationFailed

    data: dict[str, Any] = dict(defaults or {})
    warnings: list[tuple[str, str]] = []
    refused: list[dict[str, str]] = []
    for index, name in columns:
        raw = row[index] if index < len(row) else None
        if isinstance(raw, str):
            raw = raw.strip()
            if len(raw) > MAX_CELL:
                raise ValidationFailed(_("The cell is longer than %(n)d characters.") % {"n": MAX_CELL}, field=name)
        raw = schema.apply_values(value_maps, name, raw)
        if raw is None or raw == "":
            continue
        kind = schema.by_name[name].kind
        if kind != TEXT and isinstance(raw, str) and is_placeholder(raw):
            # "面议", "Select", "n/a": the file says there is no value; the row goes on without it.
            warnings.append((name, _("“%(v)s” stands for no value; left blank.") % {"v": raw[:40]}))
            continue
        try:
            if kind == AMOUNT:
                value: Any = parse_amount(raw)
            elif kind == DATE:
                value = parse_date(raw)
            elif kind == BOOL:
                value = parse_bool(raw)
            elif kind == CODE and schema.strict_codes:
                try:
                    value, variant = schema.resolve_code(name, raw)
                except ValidationFailed as exc:
                    refused.extend(exc.errors)  # every unknown value of the row is reported, not only the first
                    continue
                if variant:
                    warnings.append((name, variant))
            else:
                value = cell_text(raw)
        except CellWarning as warning:
            warnings.append((name, warning.reason))
            continue
        if value is not None and value != "":
            data[name] = value
    if refused:
        raise ValidationFailed(refused[0]["reason"], errors=refused)
    return data, warnings


def describe(schema: Schema, exc: DomainError) -> tuple[str, str]:
    """The first field and a message naming each field by its label, in the active language."""
    items = exc.errors or [{"field": exc.field or "", "reason": exc.detail}]
    message = "; ".join(f"{schema.label(e.get('field') or '')}: {e.get('reason')}" if e.get("field") else str(e.get("reason"))
                        for e in items)
    return str(items[0].get("field") or ""), message


def write_problems(job: Any, problems: list[RowProblem]) -> None:
    model = job.errors.model
    model.objects.bulk_create([model(job_id=job.pk, row_number=p.row_number, level=p.level, field=p.field[:60],
                                     message=p.message, row=p.row) for p in problems], batch_size=1000)


def _count_names(job: Any) -> list[str]:
    return jobs.count_fields(type(job))


def run(job: Any, token: str, client: Client, *, actor: Any = None,
        progress: Callable[[int], None] | None = None) -> Tally:
    """Run a claimed job to its end; the job is done, failed (resumable) or lost on return."""
    language = job.language or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            tally = _run(job, token, client, actor=actor, progress=progress)
    except jobs.JobLost:
        raise
    except Exception as exc:
        jobs.fail(job, token, actor=actor, message=getattr(exc, "detail", None) or str(exc) or type(exc).__name__)
        raise
    return tally


class _DryRunRollback(Exception):
    pass


def _run(job: Any, token: str, client: Client, *, actor: Any, progress: Callable[[int], None] | None) -> Tally:
    table = open_table(Path(job.file_path))
    columns = [(table.headers.index(h), t) for h, t in job.mapping.items() if h in table.headers]
    names = _count_names(job)
    tally = Tally(rows=job.processed, counts={n: getattr(job, n) for n in names})
    client.schema.reset()
    client.begin(job, actor=actor)
    size = chunk_size(getattr(client, "chunk", 200))
    chunk: list[tuple[int, list[Any]]] = []

    def store(rows: list[tuple[int, list[Any]]]) -> None:
        if callable(getattr(client, "rows", None)):
            store_batch(rows)
            return
        for number, row in rows:
            tally.rows += 1
            shown = [cell_text(v)[:500] for v in row]
            try:
                data, warnings = convert(client.schema, columns, job.value_maps or {}, row, job.defaults)
                with transaction.atomic():
                    outcome = client.row(data, actor=actor, job=job)
            except DomainError as exc:
                reject(number, exc, shown)
                continue
            accept(number, outcome, warnings, shown)

    def reject(number: int, exc: DomainError, shown: list[str]) -> None:
        name, message = describe(client.schema, exc)
        tally.add("rejected")
        tally.problems.append(RowProblem(number, "error", name, message, shown))

    def accept(number: int, outcome: str, warnings: list[tuple[str, str]], shown: list[str]) -> None:
        tally.add(outcome)
        for name, reason in warnings:
            tally.add("warnings")
            tally.problems.append(RowProblem(number, "warning", name, f"{client.schema.label(name)}: {reason}", shown))

    def store_batch(rows: list[tuple[int, list[Any]]]) -> None:
        """A batch client: the cells of every row converted here (a bad cell rejects its row), then the
        good rows handed to ``client.rows`` at once; it answers each row's outcome or the error that
        kept it out, in order, and stores the good ones together (the same contract as row by row)."""
        ready: list[tuple[int, list[str], dict[str, Any], list[tuple[str, str]]]] = []
        for number, row in rows:
            tally.rows += 1
            shown = [cell_text(v)[:500] for v in row]
            try:
                data, warnings = convert(client.schema, columns, job.value_maps or {}, row, job.defaults)
            except DomainError as exc:
                reject(number, exc, shown)
                continue
            ready.append((number, shown, data, warnings))
        outcomes: list[Any] = []
        for start in range(0, len(ready), size):  # a dry run hands over the whole file: a chunk at a time
            outcomes.extend(client.rows([data for _n, _s, data, _w in ready[start:start + size]], actor=actor, job=job))
        for (number, shown, _data, warnings), outcome in zip(ready, outcomes, strict=True):
            if isinstance(outcome, DomainError):
                reject(number, outcome, shown)
            else:
                accept(number, outcome, warnings, shown)

    def counts() -> dict[str, int]:
        return {n: tally.counts.get(n, 0) for n in names}

    if job.dry_run:
        try:
            with transaction.atomic():
                store([(n, r) for n, r in table.rows])
                raise _DryRunRollback
        except _DryRunRollback:
            pass
        with transaction.atomic():
            write_problems(job, tally.problems)
            jobs.finish(job, token, actor=actor, processed=tally.rows, counts=counts(), payload={"dry_run": True})
        return tally

    last = job.cursor
    for number, row in table.rows:
        if number <= job.cursor:
            continue
        chunk.append((number, row))
        if len(chunk) >= size:
            with transaction.atomic():
                store(chunk)
                last = chunk[-1][0]
                write_problems(job, tally.problems)
                jobs.commit_chunk(job, token, cursor=last, processed=tally.rows, counts=counts())
            tally.problems.clear()
            chunk = []
            if progress:
                progress(tally.rows)
    if chunk:
        last = chunk[-1][0]
    with transaction.atomic():
        store(chunk)
        write_problems(job, tally.problems)
        jobs.finish(job, token, actor=actor, processed=tally.rows, counts=counts(), cursor=last)
    tally.problems.clear()
    if progress:
        progress(tally.rows)
    return tally


def create_job(path: Path, client: Client, *, actor: Any, mapping: dict[str, str] | None = None,
               dry_run: bool = False, value_maps: dict[str, dict[str, str]] | None = None,
               defaults: dict[str, Any] | None = None, stored: Any = None) -> Any:
    """An ``ImportJob`` for a checked file (an upload already stored, or a file given on the command line)."""
    from m2c.core.models_imports import ImportJob

    from . import uploads
    from .files import estimate_rows

    if stored is None:
        uploads.check_path(path, kind=client.kind)
    table = open_table(path)
    used = client.schema.validate(mapping if mapping is not None else client.schema.suggest(table.headers), table.headers)
    return ImportJob.objects.create(
        kind=client.kind, file_name=(stored.name if stored else path.name)[:255], file_path=str(path),
        file_sha256=getattr(stored, "sha256", ""), file_size=path.stat().st_size, encoding=table.encoding,
        headers=table.headers, mapping=used, value_maps=value_maps or {}, defaults=defaults or {}, dry_run=dry_run,
        total_rows=estimate_rows(path, table.kind), language=translation.get_language() or "",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def run_job(job: Any, client: Client, *, actor: Any = None, token: str | None = None, restart: bool = False,
            progress: Callable[[int], None] | None = None) -> Tally:
    """Claim (unless ``token`` says it is claimed) and run ``job``; the stored file goes when it is done."""
    from . import uploads

    if token is None:
        token = jobs.claim(job, actor=actor, restart=restart)
    job.refresh_from_db()
    tally = run(job, token, client, actor=actor, progress=progress)
    if not job.dry_run:
        uploads.discard(job.file_path)
    return tally
