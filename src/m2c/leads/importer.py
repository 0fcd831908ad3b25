"""File import of leads: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, even mixed line by line) and XLSX.

Rows stream from the file in bounded memory and go through the same capture service as every other
channel, in batches. A row that cannot be stored is reported with its error and the others are kept;
every stored row gets a fingerprint, so importing the same file again creates nothing twice.

Counting (the CLI prints it as the last line): ``rows = created + merged + rejected``, where
``created`` counts new leads stored (valid or not), ``merged`` rows merged into an existing lead or
opportunity (including rows already imported before), ``invalid`` the created leads that failed the
validity gate, and ``rejected`` rows not stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core import events as core_events
from m2c.core.errors import ValidationFailed
from m2c.core.normalize import neutralise_cell

from . import bulk, capture, events
from .models import Channel, Lead, LeadImport, LeadImportError

BATCH = 5000
MAX_CELL = 10_000

# Target fields of an import and the header words (English and Chinese) that suggest them.
TARGETS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "customer_name": (gettext_lazy("Company"), ("公司名称", "客户名称", "单位名称", "企业名称", "公司", "客户", "单位", "机构名称",
                                                 "company", "companyname", "customer", "customername", "account",
                                                 "accountname", "organization", "organisation", "organizationname")),
    "credit_code": (gettext_lazy("Credit code"), ("统一社会信用代码", "信用代码", "社会信用代码", "税号", "creditcode", "uscc", "taxid")),
    "contact_name": (gettext_lazy("Contact name"), ("联系人", "联系人姓名", "姓名", "客户联系人", "contact", "contactname", "name", "fullname")),
    "contact_title": (gettext_lazy("Contact title"), ("职位", "职务", "岗位", "title", "jobtitle", "position", "role")),
    "contact_phone": (gettext_lazy("Mobile"), ("手机", "手机号", "手机号码", "移动电话", "联系方式", "mobile", "mobilephone", "cell", "cellphone")),
    "contact_landline": (gettext_lazy("Phone"), ("电话", "联系电话", "座机", "办公电话", "phone", "telephone", "tel", "phonenumber")),
    "contact_email": (gettext_lazy("Email"), ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "emailaddress", "mail")),
    "province": (gettext_lazy("Province"), ("省份", "省", "所在省份", "province", "state")),
    "city": (gettext_lazy("City"), ("城市", "市", "所在城市", "city")),
    "industry": (gettext_lazy("Industry"), ("行业", "所属行业", "industry", "sector", "vertical")),
    "offering_lines": (gettext_lazy("Offering lines"), ("产品线", "意向产品", "需求产品", "产品", "关注产品", "offering", "offerings",
                                                        "offeringline", "offeringlines", "product", "products", "interest")),
    "budget_amount": (gettext_lazy("Budget"), ("预算", "预算金额", "项目预算", "budget", "budgetamount")),
    "estimated_amount": (gettext_lazy("Estimated amount"), ("预计金额", "预估金额", "金额", "estimatedamount", "amount", "dealsize")),
    "currency": (gettext_lazy("Currency"), ("币种", "货币", "currency")),
    "budget_status": (gettext_lazy("Budget status"), ("预算状态", "budgetstatus")),
    "expected_purchase_date": (gettext_lazy("Expected purchase date"), ("预计采购时间", "采购时间", "预计签约时间", "预计时间",
                                                                          "expectedpurchasedate", "purchasedate", "closedate", "timing")),
    "description": (gettext_lazy("Description"), ("需求描述", "描述", "备注", "需求", "说明", "description", "notes", "note", "comments", "comment", "message")),
    "title": (gettext_lazy("Lead title"), ("线索名称", "项目名称", "线索标题", "项目", "leadname", "leadtitle", "project", "projectname", "subject")),
    "source_campaign": (gettext_lazy("Campaign"), ("活动", "活动编码", "营销活动", "campaign", "campaigncode")),
    "source_type": (gettext_lazy("Source"), ("来源", "线索来源", "source", "leadsource")),
    "region": (gettext_lazy("Region"), ("区域", "地区部", "大区", "region")),
    "decision_chain_known": (gettext_lazy("Decision chain known"), ("决策链", "决策链清晰", "decisionchain", "decisionchainknown")),
    "pain_confirmed": (gettext_lazy("Pain confirmed"), ("痛点确认", "痛点", "pain", "painconfirmed")),
    "external_id": (gettext_lazy("External id"), ("编号", "线索编号", "外部编号", "id", "externalid", "leadid", "ref", "reference")),
}
_HEADER_INDEX = {alias: target for target, (_label, aliases) in TARGETS.items() for alias in aliases}


def target_choices() -> list[tuple[str, str]]:
    return [(k, str(label)) for k, (label, _aliases) in TARGETS.items()]


def _header_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    folded = re.sub(r"[\s_\-./:：()（）*]+", "", folded)
    return folded


def clean_headers(raw: list[Any]) -> list[str]:
    """Blank headers become ``column N``; repeated ones get `` (2)``, `` (3)``…"""
    seen: dict[str, int] = {}
    headers = []
    for i, value in enumerate(raw, start=1):
        text = str(value).strip() if value is not None else ""
        text = text.lstrip("\ufeff") or _("column %(n)d") % {"n": i}
        count = seen.get(text, 0) + 1
        seen[text] = count
        headers.append(text if count == 1 else f"{text} ({count})")
    return headers


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """Header → target field, each target used once (the first header that suggests it wins)."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        key = _header_key(re.sub(r"\s*\(\d+\)$", "", header))
        target = _HEADER_INDEX.get(key)
        if target is None:
            target = next((t for alias, t in _HEADER_INDEX.items() if len(alias) >= 2 and has_cjk(alias) and alias in key), None)
        if target and target not in used:
            mapping[header] = target
            used.add(target)
    return mapping


def has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


# --- reading ----------------------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    if b"\x00" in raw:
        raw = raw.replace(b"\x00", b"")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def detect_encoding(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(65536)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    utf8 = gbk = 0
    for line in head.splitlines()[:-1] or head.splitlines():
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            gbk += 1
    if gbk and utf8 and any(b > 0x7F for b in head):
        return "mixed"
    return "gb18030" if gbk else "utf-8"


def _lines(path: Path) -> Iterator[str]:
    # Each physical line is decoded on its own (UTF-8 first, then GB18030), so a file stitched from
    # sources in different encodings still reads correctly. Both encodings keep ASCII, so splitting
    # on b"\n" is safe.
    with open(path, "rb") as handle:
        first = True
        for raw in handle:
            if first:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
                first = False
            yield _decode(raw)


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    sample = "".join(line for _i, line in zip(range(20), _lines(path), strict=False))
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(1_000_000)
    yield from csv.reader(_lines(path), dialect)


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def is_xlsx(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def read_rows(path: Path) -> Iterator[list[Any]]:
    """Every row of the file (the header first), streamed."""
    rows = _xlsx_rows(path) if is_xlsx(path) else _csv_rows(path)
    for row in rows:
        if row and any(v not in (None, "") and str(v).strip() for v in row):
            yield row


@dataclass
class Preview:
    headers: list[str]
    rows: list[list[str]]
    mapping: dict[str, str]
    encoding: str
    estimated_rows: int


def preview(path: Path, *, limit: int = 10) -> Preview:
    rows = read_rows(path)
    try:
        headers = clean_headers(next(rows))
    except StopIteration:
        raise ValidationFailed(_("The file is empty."), field="file") from None
    sample = []
    for row in rows:
        sample.append([_cell_text(v) for v in row][: len(headers)])
        if len(sample) >= limit:
            break
    return Preview(headers, sample, suggest_mapping(headers), "xlsx" if is_xlsx(path) else detect_encoding(path),
                   estimate_rows(path))


def estimate_rows(path: Path) -> int:
    if is_xlsx(path):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            return max(0, (book.worksheets[0].max_row or 1) - 1)
        finally:
            book.close()
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    lines = head.count(b"\n") or 1
    return max(1, int(size / (len(head) / lines)) - 1) if len(head) < size else max(0, lines - 1)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- running ----------------------------------------------------------------------------------------


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    merged: int = 0
    invalid: int = 0
    rejected: int = 0
    errors: list[tuple[int, str, str, list[str]]] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"rows": self.rows, "created": self.created, "merged": self.merged, "invalid": self.invalid,
                "rejected": self.rejected}


def validate_mapping(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    clean = {}
    targets = set()
    for header, target in mapping.items():
        if not target:
            continue
        if header not in headers:
            raise ValidationFailed(_("The file has no column “%(h)s”.") % {"h": header}, field="mapping")
        if target not in TARGETS:
            raise ValidationFailed(_("“%(t)s” is not a lead field.") % {"t": target}, field="mapping")
        if target in targets:
            raise ValidationFailed(_("Two columns are mapped to %(t)s.") % {"t": target}, field="mapping")
        targets.add(target)
        clean[header] = target
    if not targets & {"customer_name", "contact_email", "contact_phone", "contact_landline", "credit_code"}:
        raise ValidationFailed(_("Map at least a company, an email or a phone column."), field="mapping")
    return clean


def run(
    path: Path,
    *,
    actor: Any,
    mapping: dict[str, str] | None = None,
    defaults: dict[str, Any] | None = None,
    dry_run: bool = False,
    job: LeadImport | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[Counts, dict[str, str], LeadImport]:
    """Import ``path``; returns the counts, the mapping used and the job row (with its errors)."""
    rows = read_rows(path)
    try:
        headers = clean_headers(next(rows))
    except StopIteration:
        raise ValidationFailed(_("The file is empty."), field="file") from None
    used = validate_mapping(mapping if mapping is not None else suggest_mapping(headers), headers)
    if job is None:
        job = LeadImport.objects.create(
            file_name=path.name, file_path=str(path), encoding="xlsx" if is_xlsx(path) else detect_encoding(path),
            mapping=used, defaults=defaults or {}, dry_run=dry_run, total_rows=estimate_rows(path),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    LeadImport.objects.filter(pk=job.pk).update(status=LeadImport.Status.RUNNING, mapping=used, processed=0)
    columns = [(headers.index(h), t) for h, t in used.items()]
    if connection.vendor == "sqlite":
        # A larger page cache for the duplicate-key indexes while a big file streams in.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -98304")
    counts = Counts()
    ref = capture.Reference()
    ref.customer_index = capture.CustomerIndex(preload=True, threshold=ref.config.match_threshold)  # type: ignore[attr-defined]
    error_inserter = bulk.inserter(LeadImportError)
    batch: list[capture.Prepared] = []
    line_number = 1  # the header
    analyzed_at = max(BATCH, Lead.objects.count() if connection.vendor == "postgresql" else 0)
    try:
        for row in rows:
            line_number += 1
            counts.rows += 1
            data = dict(defaults or {})
            too_long = None
            for index, target in columns:
                value = row[index] if index < len(row) else None
                if isinstance(value, str):
                    value = value.strip()
                    if len(value) > MAX_CELL:
                        too_long = target
                if value not in (None, ""):
                    data[target] = value
            try:
                if too_long:
                    raise ValidationFailed(_("The cell is longer than %(n)d characters.") % {"n": MAX_CELL}, field=too_long)
                p = capture.prepare(data, ref, channel=Channel.IMPORT, actor=actor)
            except ValidationFailed as exc:
                counts.rejected += 1
                first = exc.errors[0] if exc.errors else {"field": exc.field or "", "reason": exc.detail}
                message = "; ".join(f"{e['field']}: {e['reason']}" for e in exc.errors) or exc.detail
                counts.errors.append((line_number, first.get("field", ""), message, [_cell_text(v)[:500] for v in row]))
                continue
            p.row_number = line_number
            if not p.values.get("external_ref"):
                p.values["external_ref"] = "import:" + _fingerprint(p)
            else:
                p.values["external_ref"] = "import:" + str(p.values["external_ref"])[:120]
            batch.append(p)
            if len(batch) >= BATCH:
                _flush(batch, ref, actor, job, dry_run, counts, error_inserter)
                batch = []
                if counts.created >= analyzed_at * 2:
                    analyzed_at = _analyze(counts.created)
                if counts.errors:
                    # Rejected rows go to the database as they come, so memory stays flat.
                    _write_errors(job, counts.errors, error_inserter)
                    counts.errors.clear()
                if progress:
                    progress(counts.rows)
        _flush(batch, ref, actor, job, dry_run, counts, error_inserter)
        if progress:
            progress(counts.rows)
    except Exception as exc:
        LeadImport.objects.filter(pk=job.pk).update(
            status=LeadImport.Status.FAILED, message=str(exc)[:2000], finished_at=timezone.now(), processed=counts.rows,
            created=counts.created, merged=counts.merged, invalid=counts.invalid, rejected=counts.rejected,
        )
        raise
    with transaction.atomic():
        LeadImport.objects.filter(pk=job.pk).update(
            status=LeadImport.Status.DONE, processed=counts.rows, created=counts.created, merged=counts.merged,
            invalid=counts.invalid, rejected=counts.rejected, finished_at=timezone.now(), total_rows=counts.rows,
        )
        job.refresh_from_db()
        if counts.errors:
            _write_errors(job, counts.errors, error_inserter)
            counts.errors.clear()
        if not dry_run:
            core_events.record(events.IMPORT_FINISHED, job, actor=actor, payload=counts.as_dict() | {"file": path.name})
    if not dry_run and getattr(actor, "is_authenticated", False):
        from django.urls import reverse

        from m2c.core.notifications import notify

        notify(actor, title=_("Import of %(f)s finished") % {"f": path.name},
               body=_("%(created)d created, %(merged)d merged, %(invalid)d invalid, %(rejected)d rejected.") % counts.as_dict(),
               url=reverse("leads:import-detail", args=[job.pk]), kind="leads.import", email=False)
    return counts, used, job


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


def _flush(batch: list[capture.Prepared], ref: capture.Reference, actor: Any, job: LeadImport, dry_run: bool,
           counts: Counts, error_inserter: Any) -> None:
    if batch:
        if dry_run:
            outcomes = capture.capture(batch, ref, actor=actor, import_job_id=job.pk, dry_run=True, notify=False)
        else:
            with transaction.atomic():
                from .services import _serialize_capture

                _serialize_capture(ref, None)  # type: ignore[arg-type]
                outcomes = capture.capture(batch, ref, actor=actor, import_job_id=job.pk, notify=True)
        for outcome in outcomes:
            if outcome.kind == "created":
                counts.created += 1
                if outcome.invalid_reasons:
                    counts.invalid += 1
            else:
                counts.merged += 1
    LeadImport.objects.filter(pk=job.pk).update(processed=counts.rows, created=counts.created, merged=counts.merged,
                                                invalid=counts.invalid, rejected=counts.rejected)


def _write_errors(job: LeadImport, errors: list[tuple[int, str, str, list[str]]], inserter: Any) -> None:
    for start in range(0, len(errors), 5000):
        inserter.insert(
            {"job_id": job.pk, "row_number": n, "field": f[:60], "message": m, "row": r}
            for n, f, m, r in errors[start:start + 5000]
        )


def run_job(import_id: str) -> dict[str, int]:
    job = LeadImport.objects.select_related("created_by").get(pk=import_id)
    counts, _mapping, _job = run(Path(job.file_path), actor=job.created_by, mapping=job.mapping, defaults=job.defaults,
                                 dry_run=job.dry_run, job=job)
    return counts.as_dict()


def error_report(job: LeadImport) -> Iterator[list[str]]:
    """The rejected rows as CSV rows: the original columns plus row number and error; formulas neutralised."""
    headers = None
    for error in job.errors.all().iterator(chunk_size=2000):
        if headers is None:
            width = len(error.row)
            headers = [_("row")] + [_("column %(n)d") % {"n": i + 1} for i in range(width)] + [_("error")]
            if job.file_path and Path(job.file_path).exists():
                try:
                    headers = [_("row")] + clean_headers(next(read_rows(Path(job.file_path)))) + [_("error")]
                except (StopIteration, OSError, ValueError):
                    pass
            yield headers
        yield [str(error.row_number)] + [neutralise_cell(v) for v in error.row] + [neutralise_cell(error.message)]
    if headers is None:
        yield [_("row"), _("error")]


def csv_bytes(rows: Iterator[list[str]]) -> Iterator[bytes]:
    """CSV as UTF-8 with a BOM, so Excel opens Chinese text correctly."""
    yield "\ufeff".encode()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate(0)
