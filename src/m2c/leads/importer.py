"""File import of leads, a client of the shared import engine (``m2c.core.imports``).

The engine reads the file by its content (CSV in UTF-8/GBK/GB18030/mixed, XLSX, XLS), suggests the
mapping and value maps, turns cells into values (amounts in 万/亿, placeholders such as 面议 left blank
with a warning) and runs the job (exactly one run, heartbeat, cursor). This module brings the lead
fields and stores rows through the same capture pipeline as every other channel, in batches; each
batch commits with its row errors, the counts and the cursor, so a resumed job continues after the last
committed batch. Every stored row has a fingerprint, so importing the same file again creates nothing.

Counting (the CLI prints it as the last line): ``rows = created + merged + rejected``, where
``created`` counts new leads stored (valid or not), ``merged`` rows merged into an existing lead or
opportunity (including rows already imported before), ``invalid`` the created leads that failed the
validity gate, and ``rejected`` rows not stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core import bulk
from m2c.core.errors import ValidationFailed
from m2c.core.imports import files, jobs, pipeline, runner, uploads
from m2c.core.imports.mapping import (
    AMOUNT,
    BOOL,
    CODE,
    DATE,
    Field,
    Schema,
    distinct_values,
    has_cjk,
    labels_both,
)
from m2c.core.models import OfferingLine, Role
from m2c.core.normalize import neutralise_cell
from m2c.customers.models import Industry

from . import capture
from .models import BudgetStatus, Channel, InvalidReason, Lead, LeadImport, LeadImportError, SourceType

BATCH = 5000
DRY_RUN_OUTCOMES = 2000  # rows whose dry-run outcome is kept for the page
OUTCOME_LABELS = {"created": gettext_lazy("would be created"), "merged": gettext_lazy("would be merged"),
                  "invalid": gettext_lazy("would be created as invalid")}
MAX_CELL = runner.MAX_CELL
ROLES = ("marketing", "ar", "sr")
__all__ = ["SCHEMA", "TARGETS", "has_cjk", "preview", "run", "suggest_mapping"]


def _industries() -> dict[str, list[str]]:
    words = labels_both(Industry)
    for word, code in capture.INDUSTRY_WORDS.items():
        words.setdefault(code, []).append(word)
    return words


def _lines() -> dict[str, list[str]]:
    return {line.code: [line.name, getattr(line, "name_en", "") or "", getattr(line, "name_zh", "") or ""]
            for line in OfferingLine.objects.filter(active=True)}


def _budget() -> dict[str, list[str]]:
    words = labels_both(BudgetStatus)
    for word, code in capture.BUDGET_WORDS.items():
        words.setdefault(code, []).append(word)
    return words


F = Field
SCHEMA = Schema([
    F("customer_name", gettext_lazy("Company"), ("公司名称", "客户名称", "单位名称", "企业名称", "公司", "客户", "单位", "机构名称",
      "company", "companyname", "customer", "customername", "account", "accountname", "organization", "organisation",
      "organizationname")),
    F("credit_code", gettext_lazy("Credit code"), ("统一社会信用代码", "信用代码", "社会信用代码", "税号", "creditcode", "uscc", "taxid")),
    F("contact_name", gettext_lazy("Contact name"), ("联系人", "联系人姓名", "姓名", "客户联系人", "contact", "contactname", "name",
      "fullname")),
    F("contact_title", gettext_lazy("Contact title"), ("职位", "职务", "岗位", "title", "jobtitle", "position", "role")),
    F("contact_phone", gettext_lazy("Mobile"), ("手机", "手机号", "手机号码", "移动电话", "联系方式", "mobile", "mobilephone", "cell",
      "cellphone")),
    F("contact_landline", gettext_lazy("Phone"), ("电话", "联系电话", "座机", "办公电话", "phone", "telephone", "tel", "phonenumber")),
    F("contact_email", gettext_lazy("Email"), ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "emailaddress", "mail")),
    F("province", gettext_lazy("Province"), ("省份", "省", "所在省份", "province", "state")),
    F("city", gettext_lazy("City"), ("城市", "市", "所在城市", "city")),
    F("industry", gettext_lazy("Industry"), ("行业", "所属行业", "industry", "sector", "vertical"), CODE, _industries),
    F("offering_lines", gettext_lazy("Offering lines"), ("产品线", "意向产品", "需求产品", "产品", "关注产品", "offering", "offerings",
      "offeringline", "offeringlines", "product", "products", "interest"), CODE, _lines),
    F("budget_amount", gettext_lazy("Budget"), ("预算", "预算金额", "项目预算", "budget", "budgetamount"), AMOUNT),
    F("estimated_amount", gettext_lazy("Estimated amount"), ("预计金额", "预估金额", "金额", "estimatedamount", "amount", "dealsize"),
      AMOUNT),
    F("currency", gettext_lazy("Currency"), ("币种", "货币", "currency")),
    F("budget_status", gettext_lazy("Budget status"), ("预算状态", "budgetstatus"), CODE, _budget),
    F("expected_purchase_date", gettext_lazy("Expected purchase date"), ("预计采购时间", "采购时间", "预计签约时间", "预计时间",
      "expectedpurchasedate", "purchasedate", "closedate", "timing"), DATE),
    F("description", gettext_lazy("Description"), ("需求描述", "描述", "备注", "需求", "说明", "description", "notes", "note",
      "comments", "comment", "message")),
    F("title", gettext_lazy("Lead title"), ("线索名称", "项目名称", "线索标题", "项目", "leadname", "leadtitle", "project", "projectname",
      "subject")),
    F("source_campaign", gettext_lazy("Campaign"), ("活动", "活动编码", "营销活动", "campaign", "campaigncode")),
    F("source_type", gettext_lazy("Source"), ("来源", "线索来源", "source", "leadsource"), CODE, lambda: labels_both(SourceType)),
    F("region", gettext_lazy("Region"), ("区域", "地区部", "大区", "region")),
    F("decision_chain_known", gettext_lazy("Decision chain known"), ("决策链", "决策链清晰", "decisionchain", "decisionchainknown"),
      BOOL),
    F("pain_confirmed", gettext_lazy("Pain confirmed"), ("痛点确认", "痛点", "pain", "painconfirmed"), BOOL),
    F("consent", gettext_lazy("Consents to be contacted"), ("是否同意联系", "同意联系", "同意接收", "consent", "optin", "marketingconsent"),
      BOOL),
    F("do_not_email", gettext_lazy("Do not email"), ("不发邮件", "拒收邮件", "donotemail", "emailoptout", "hasoptedoutofemail"), BOOL),
    F("do_not_call", gettext_lazy("Do not call"), ("勿电话", "拒接电话", "不打电话", "donotcall", "calloptout"), BOOL),
    F("external_id", gettext_lazy("External id"), ("编号", "线索编号", "外部编号", "id", "externalid", "leadid", "ref", "reference")),
], need_one_of=("customer_name", "contact_email", "contact_phone", "contact_landline", "credit_code"))

TARGETS = SCHEMA.by_name


def target_choices() -> list[tuple[str, str]]:
    return SCHEMA.choices()


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    return SCHEMA.suggest(headers)


def validate_mapping(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    return SCHEMA.validate(mapping, headers)


clean_headers = files.clean_headers
detect_encoding = files.detect_encoding


def read_rows(path: Path) -> Iterator[list[Any]]:
    """Every row of the file (the header first), streamed."""
    return files.raw_rows(path)


def estimate_rows(path: Path) -> int:
    return files.estimate_rows(path)


@dataclass
class Preview:
    headers: list[str]
    rows: list[list[str]]
    mapping: dict[str, str]
    encoding: str
    estimated_rows: int
    kind: str = files.CSV


def preview(path: Path, *, limit: int = 10) -> Preview:
    table = files.open_table(path)
    sample = []
    for _number, row in table.rows:
        sample.append([files.cell_text(v) for v in row][: len(table.headers)])
        if len(sample) >= limit:
            break
    return Preview(table.headers, sample, SCHEMA.suggest(table.headers), table.encoding,
                   files.estimate_rows(path, table.kind), table.kind)


def value_suggestions(path: Path, mapping: dict[str, str]) -> dict[str, list[Any]]:
    """For each mapped coded column: the file's distinct values with the code each suggests."""
    table = files.open_table(path)
    coded = {f.name for f in SCHEMA.coded()}
    columns = {table.headers.index(h): t for h, t in mapping.items() if t in coded and h in table.headers}
    found = distinct_values(table.rows, columns)
    return {name: SCHEMA.suggest_values(SCHEMA.by_name[name], values) for name, values in found.items()}


# --- running ----------------------------------------------------------------------------------------


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    merged: int = 0
    invalid: int = 0
    rejected: int = 0
    warnings: int = 0
    outcomes: int = 0
    errors: list[tuple[int, str, str, list[str], str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"rows": self.rows, "created": self.created, "merged": self.merged, "invalid": self.invalid,
                "rejected": self.rejected}

    def stored(self) -> dict[str, int]:
        return {"created": self.created, "merged": self.merged, "invalid": self.invalid, "rejected": self.rejected,
                "warnings": self.warnings}


DEFAULT_LINE = "default_offering_line"


def with_default_line(defaults: dict[str, Any], code: str) -> dict[str, Any]:
    """``defaults`` with the import's default offering line (an active line's code; blank removes it)."""
    result = {k: v for k, v in defaults.items() if k != DEFAULT_LINE}
    code = (code or "").strip()
    if code:
        if not OfferingLine.objects.filter(code=code, active=True).exists():
            raise ValidationFailed(_("No active offering line “%(v)s”.") % {"v": code[:60]}, field="offering_line")
        result[DEFAULT_LINE] = code
    return result


def create_job(path: Path, *, actor: Any, mapping: dict[str, str] | None = None, defaults: dict[str, Any] | None = None,
               dry_run: bool = False, value_maps: dict[str, dict[str, str]] | None = None,
               default_offering_line: str | None = None) -> LeadImport:
    """A job for a file given on the command line (checked as an upload is)."""
    if default_offering_line:
        defaults = with_default_line(defaults or {}, default_offering_line)
    uploads.check_path(path, kind="leads")
    table = files.open_table(path)
    used = SCHEMA.validate(mapping if mapping is not None else SCHEMA.suggest(table.headers), table.headers)
    return LeadImport.objects.create(
        file_name=path.name, file_path=str(path), file_size=path.stat().st_size, encoding=table.encoding,
        headers=table.headers, mapping=used, value_maps=value_maps or {}, defaults=defaults or {}, dry_run=dry_run,
        total_rows=files.estimate_rows(path, table.kind), language=translation.get_language() or "",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def run(
    path: Path,
    *,
    actor: Any,
    mapping: dict[str, str] | None = None,
    defaults: dict[str, Any] | None = None,
    dry_run: bool = False,
    job: LeadImport | None = None,
    progress: Callable[[int], None] | None = None,
    token: str | None = None,
    value_maps: dict[str, dict[str, str]] | None = None,
) -> tuple[Counts, dict[str, str], LeadImport]:
    """Import ``path``; returns the counts, the mapping used and the job row (with its errors)."""
    if job is None:
        job = create_job(path, actor=actor, mapping=mapping, defaults=defaults, dry_run=dry_run, value_maps=value_maps)
    if token is None:
        token = jobs.claim(job, actor=actor)
    job.refresh_from_db()
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            counts = _run(job, token, actor=actor, progress=progress)
    except jobs.JobLost:
        raise
    except Exception as exc:
        jobs.fail(job, token, actor=actor, message=getattr(exc, "detail", None) or str(exc) or type(exc).__name__)
        raise
    job.refresh_from_db()
    if not job.dry_run:
        uploads.discard(job.file_path)
        if getattr(actor, "is_authenticated", False):
            _notify(actor, job, counts)
    return counts, job.mapping, job


def _notify(actor: Any, job: LeadImport, counts: Counts) -> None:
    from django.urls import reverse

    from m2c.core.notifications import notify

    notify(actor, title=_("Import of %(f)s finished") % {"f": job.file_name},
           body=_("%(created)d created, %(merged)d merged, %(invalid)d invalid, %(rejected)d rejected.") % counts.as_dict(),
           url=reverse("leads:import-detail", args=[job.pk]), kind="leads.import", email=False)


def _run(job: LeadImport, token: str, *, actor: Any, progress: Callable[[int], None] | None) -> Counts:
    table = files.open_table(Path(job.file_path))
    if connection.vendor == "sqlite":
        # A larger page cache for the duplicate-key indexes while a big file streams in.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -98304")
    counts = Counts(rows=job.processed, created=job.created, merged=job.merged, invalid=job.invalid,
                    rejected=job.rejected, warnings=job.warnings)
    ref = capture.Reference()
    ref.customer_index = capture.CustomerIndex(preload=True, threshold=ref.config.match_threshold)  # type: ignore[attr-defined]
    rows = _RowPreparer(job, table.headers, ref, actor)
    size = runner.chunk_size(BATCH)
    if pipeline.enabled(job.total_rows - job.cursor):
        # Read, convert and normalise in a worker process while this one matches and stores.
        rows.warm()
        items: Iterator[tuple] = pipeline.pipelined(lambda: rows.offline(table.rows, job.cursor), chunk=min(500, size))
    else:
        items = rows.all(table.rows, job.cursor)
    inserter = bulk.inserter(LeadImportError)
    batch: list[capture.Prepared] = []
    last = job.cursor
    analyzed_at = max(BATCH, Lead.objects.count() if connection.vendor == "postgresql" else 0)
    for number, p, errors, raw in items:
        if raw is not None:  # the worker needed the database for this row
            p, errors = rows.prepare(number, raw)
        elif type(p) is tuple:
            p = _unpack(p)
        last = number
        counts.rows += 1
        if p is None:
            counts.rejected += 1
        else:
            counts.warnings += len(errors)
            batch.append(p)
        if errors:
            counts.errors += errors
        if counts.rows % size == 0:
            _flush(batch, ref, actor, job, token, counts, inserter, last)
            batch = []
            if counts.created >= analyzed_at * 2:
                analyzed_at = _analyze(counts.created)
            if progress:
                progress(counts.rows)
    with transaction.atomic():
        _store(batch, ref, actor, job, counts)
        _write_errors(job, counts, inserter)
        jobs.finish(job, token, actor=actor, processed=counts.rows, counts=counts.stored(), cursor=last,
                    payload={"file": job.file_name, "dry_run": job.dry_run})
    if progress:
        progress(counts.rows)
    return counts


class _RowPreparer:
    """A file row into a prepared lead, or into its row errors: the same code in process and in the worker."""

    def __init__(self, job: LeadImport, headers: list[str], ref: capture.Reference, actor: Any) -> None:
        self.columns = [(headers.index(h), t) for h, t in job.mapping.items() if h in headers]
        self.value_maps = job.value_maps or {}
        self.defaults = job.defaults or {}
        self.ref = ref
        self.actor = actor

    def prepare(self, number: int, row: list[Any]) -> tuple[capture.Prepared | None, list[tuple]]:
        """(prepared lead, its warnings) or (None, the row's error), as error-report entries."""
        try:
            data, warnings = runner.convert(SCHEMA, self.columns, self.value_maps, row, self.defaults)
            _consent(data)
            p = capture.prepare(data, self.ref, channel=Channel.IMPORT, actor=self.actor)
        except ValidationFailed as exc:
            name, message = runner.describe(SCHEMA, exc)
            return None, [(number, name, message, [files.cell_text(v)[:500] for v in row], "error")]
        errors: list[tuple] = []
        shown: list[str] | None = None
        for name, reason in warnings:
            shown = shown or [files.cell_text(v)[:500] for v in row]
            errors.append((number, name, f"{SCHEMA.label(name)}: {reason}", shown, "warning"))
        p.row_number = number
        ext = p.values.get("external_ref")
        p.values["external_ref"] = "import:" + (str(ext)[:120] if ext else _fingerprint(p))
        return p, errors

    def all(self, rows: Iterator[tuple[int, list[Any]]], cursor: int) -> Iterator[tuple]:
        """(row number, prepared or None, errors, None) for each row after ``cursor``."""
        prepare = self.prepare
        for number, row in rows:
            if number > cursor:
                yield (number, *prepare(number, row), None)

    def warm(self) -> None:
        """Before the fork: what the worker will need and cannot read itself (the actor's roles)."""
        if getattr(self.actor, "is_authenticated", False):
            self.actor.has_role(Role.PARTNER)

    def offline(self, rows: Iterator[tuple[int, list[Any]]], cursor: int) -> Iterator[tuple]:
        """In the worker: as :meth:`all`, with a row that needs the database handed back raw."""
        self.ref.offline = True
        prepare = self.prepare
        for number, row in rows:
            if number <= cursor:
                continue
            try:
                p, errors = prepare(number, row)
            except capture.NeedsDatabase:
                yield (number, None, None, row)
            else:
                yield (number, None if p is None else _pack(p), errors, None)


def _pack(p: capture.Prepared) -> tuple:
    """A prepared lead as plain values for the way from the worker: a slotted dataclass unpickles slowly."""
    k = p.keys
    return (p.values, (k.normalized, k.core, k.block, k.credit_code, k.email, k.phone, k.domain, k.customer_id),
            p.line_ids, p.campaign, p.customer_id, p.touch_kind, p.row_number, p.inferred)


def _unpack(packed: tuple) -> capture.Prepared:
    values, keys, line_ids, campaign, customer_id, touch_kind, row_number, inferred = packed
    return capture.Prepared(values=values, keys=capture.Keys(*keys), line_ids=line_ids, campaign=campaign,
                            customer_id=customer_id, touch_kind=touch_kind, row_number=row_number,
                            line_set=frozenset(line_ids), inferred=inferred)


def _consent(data: dict[str, Any]) -> None:
    """``Do not email`` / ``Do not call`` columns: an opt-out withdraws consent; both "no" grant it."""
    dne, dnc = data.pop("do_not_email", None), data.pop("do_not_call", None)
    if dne or dnc:
        data["consent"] = False
    elif "consent" not in data and (dne is False or dnc is False):
        data["consent"] = True


def _analyze(created: int) -> int:
    """PostgreSQL: refresh the lead tables' statistics each time the import has doubled what it stored.

    The duplicate lookups must stay on the key columns' indexes; with statistics from when the table
    was small (autovacuum off, or not yet round), the planner reads the whole table for every batch.
    A few ANALYZE runs of a fraction of a second each, log2 of the rows imported in all.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Lead, Lead.offering_lines.through):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
    return created


def _fingerprint(p: capture.Prepared) -> str:
    v = p.values
    parts = [v["normalized_name"], v["credit_code"], v["contact_email"], v["contact_phone"], v["contact_name"],
             ",".join(sorted(str(x) for x in p.line_ids)), v["title"], v["description"][:200],
             v.get("source_campaign_id"), v["budget_amount"], v["expected_purchase_date"]]
    return hashlib.sha1("\x1f".join("" if x is None else str(x) for x in parts).encode(), usedforsecurity=False).hexdigest()


def _store(batch: list[capture.Prepared], ref: capture.Reference, actor: Any, job: LeadImport, counts: Counts) -> None:
    """Capture a batch inside the caller's transaction (a dry run stores nothing)."""
    if not batch:
        return
    if job.dry_run:
        outcomes = capture.capture(batch, ref, actor=actor, import_job_id=job.pk, dry_run=True, notify=False)
    else:
        from .services import _serialize_capture

        _serialize_capture(ref, None)  # type: ignore[arg-type]
        outcomes = capture.capture(batch, ref, actor=actor, import_job_id=job.pk, notify=True)
    for p, outcome in zip(batch, outcomes, strict=True):
        if outcome.kind == "created":
            counts.created += 1
            if outcome.invalid_reasons:
                counts.invalid += 1
        else:
            counts.merged += 1
        if job.dry_run and counts.outcomes < DRY_RUN_OUTCOMES:
            # A dry run keeps each row's outcome and reasons, so the page can show what the import would do.
            counts.outcomes += 1
            kind = "invalid" if outcome.invalid_reasons else outcome.kind if outcome.kind == "created" else "merged"
            reasons = "; ".join(str(InvalidReason(r).label) if r in InvalidReason.values else r for r in outcome.invalid_reasons)
            counts.errors.append((p.row_number, "", reasons, [], kind))


def _flush(batch: list[capture.Prepared], ref: capture.Reference, actor: Any, job: LeadImport, token: str,
           counts: Counts, inserter: Any, cursor: int) -> None:
    """One batch, its row errors, the counts and the cursor: one transaction."""
    with transaction.atomic():
        _store(batch, ref, actor, job, counts)
        _write_errors(job, counts, inserter)
        jobs.commit_chunk(job, token, cursor=cursor, processed=counts.rows, counts=counts.stored())


def _write_errors(job: LeadImport, counts: Counts, inserter: Any) -> None:
    errors = counts.errors
    for start in range(0, len(errors), 5000):
        inserter.insert(
            {"job_id": job.pk, "row_number": n, "field": f[:60], "message": m, "row": r, "level": level}
            for n, f, m, r, level in errors[start:start + 5000]
        )
    errors.clear()


def run_job(import_id: str, token: str | None = None) -> dict[str, int]:
    job = LeadImport.objects.select_related("created_by").get(pk=import_id)
    counts, _mapping, _job = run(Path(job.file_path), actor=job.created_by, job=job, token=token)
    return counts.as_dict()


def error_report(job: LeadImport) -> Iterator[list[str]]:
    """The rejected rows as CSV rows: the original columns plus row number and error; formulas neutralised."""
    headers = None
    for error in job.errors.filter(level="error").iterator(chunk_size=2000):
        if headers is None:
            width = len(error.row)
            names = job.headers or [_("column %(n)d") % {"n": i + 1} for i in range(width)]
            headers = [_("row"), *names, _("error")]
            yield headers
        yield [str(error.row_number)] + [neutralise_cell(v) for v in error.row] + [neutralise_cell(error.message)]
    if headers is None:
        yield [_("row"), _("error")]


csv_bytes = files.csv_bytes
