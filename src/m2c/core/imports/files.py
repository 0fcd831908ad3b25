"""Reading an import file by its content: CSV in any of the encodings Chinese teams use, XLSX, XLS.

The kind of a file is decided by its first bytes, never by its name: an XLSX renamed ``.csv`` is read
as a workbook, binary junk is refused. A workbook is a zip; its central directory (the sizes each
member declares) is checked *before* the workbook is opened, so a zip bomb whose shared strings expand
to hundreds of megabytes is refused with a message instead of filling the server's memory. Python's
zip reader stops at the declared size, so a member cannot expand past what the check saw.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from m2c.core import exports
from m2c.core.errors import ValidationFailed

XLSX, XLS, CSV = "xlsx", "xls", "csv"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HEAD = 64 * 1024

DEFAULT_MAX_EXPANDED = 200 * 1024 * 1024  # bytes all members of a workbook may expand to
DEFAULT_MAX_RATIO = 100  # how much larger than its compressed size one member may expand
RATIO_FLOOR = 1024 * 1024  # members smaller than this expanded are not ratio-checked


class FileRefused(ValidationFailed):
    """The file cannot be imported at all (not a table, too large, a zip bomb, damaged)."""

    code = "import_file_refused"


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def sniff(head: bytes) -> str:
    """``xlsx``, ``xls`` or ``csv`` from the first bytes of a file; :class:`FileRefused` for anything else."""
    if head.startswith(ZIP_MAGIC):
        return XLSX
    if head.startswith(OLE2_MAGIC):
        return XLS
    if not head.strip():
        raise FileRefused(_("The file is empty."), field="file")
    sample = head.removeprefix(b"\xef\xbb\xbf")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return CSV  # UTF-16 text (Excel's "Unicode text")
    # Text in UTF-8 or GB18030 has no NUL bytes and few control characters; binary junk has many.
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 or b == 127)
    if b"\x00" in sample or controls > max(8, len(sample) // 100):
        raise FileRefused(_("This is not a CSV or Excel file."), field="file")
    return CSV


def check_workbook(source: str | os.PathLike[str] | IO[bytes]) -> None:
    """Refuse a zip that is not a workbook, is damaged, or expands too much (zip bomb)."""
    max_total = _limit("M2C_IMPORT_MAX_EXPANDED_BYTES", DEFAULT_MAX_EXPANDED)
    max_ratio = _limit("M2C_IMPORT_MAX_RATIO", DEFAULT_MAX_RATIO)
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRefused(_("The workbook is damaged and cannot be read."), field="file") from exc
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise FileRefused(_("This zip file is not an Excel workbook (XLSX)."), field="file")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > max_ratio:
            raise FileRefused(_("The workbook expands %(r)d times its size when opened; it is refused as unsafe.")
                              % {"r": int(ratio)}, field="file")
        if total > max_total:
            raise FileRefused(_("The workbook expands to more than %(n)d MB when opened; split it or save it as CSV.")
                              % {"n": max_total // (1024 * 1024)}, field="file")


def kind_of(path: Path) -> str:
    """The kind of a stored file by content; a workbook is checked for safety first."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD)
    kind = sniff(head)
    if kind == XLSX:
        check_workbook(path)
    return kind


# --- text files ---------------------------------------------------------------------------------------


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
    """``utf-8-sig``, ``utf-8``, ``gb18030`` (GBK is a subset), ``utf-16`` or ``mixed`` (line by line)."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
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
    # sources in different encodings still reads correctly. Both keep ASCII, so splitting on b"\n" is safe.
    with open(path, "rb") as handle:
        first = True
        for raw in handle:
            if first:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
                first = False
            yield _decode(raw)


def _utf16_lines(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-16", newline="") as handle:
        yield from handle


def _csv_rows(path: Path, encoding: str) -> Iterator[list[Any]]:
    lines = _utf16_lines if encoding == "utf-16" else _lines
    sample = "".join(line for _i, line in zip(range(20), lines(path), strict=False))
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(1_000_000)
    try:
        yield from csv.reader(lines(path), dialect)
    except csv.Error as exc:
        raise FileRefused(_("The file could not be read as CSV: %(e)s") % {"e": str(exc)[:200]}, field="file") from exc


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    check_workbook(path)
    handle = open(path, "rb")  # noqa: SIM115 - closed below; a file object, so the name's extension does not matter
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook  # noqa: BLE001
        handle.close()
        raise FileRefused(_("The workbook is damaged and cannot be read."), field="file") from exc
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileRefused(_("The workbook is damaged and cannot be read."), field="file") from exc
    finally:
        book.close()
        handle.close()


def _xls_rows(path: Path) -> Iterator[list[Any]]:
    try:
        import xlrd  # type: ignore[import-not-found]
    except ImportError:
        raise FileRefused(_("This is an old Excel file (.xls). Save it as .xlsx or CSV and upload it again."),
                          field="file") from None
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
        sheet = book.sheet_by_index(0)
        for index in range(sheet.nrows):
            cells = []
            for cell in sheet.row(index):
                value = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                cells.append(value)
            yield cells
    except xlrd.XLRDError as exc:
        raise FileRefused(_("The workbook is damaged and cannot be read."), field="file") from exc


def raw_rows(path: Path, kind: str | None = None) -> Iterator[list[Any]]:
    """Every non-blank row of the file, the header first, streamed."""
    kind = kind or kind_of(path)
    if kind == XLSX:
        rows = _xlsx_rows(path)
    elif kind == XLS:
        rows = _xls_rows(path)
    else:
        rows = _csv_rows(path, detect_encoding(path))
    for row in rows:
        if row and any(v is not None and str(v).strip() for v in row):
            yield row


@dataclass
class Table:
    """An opened file: its kind, encoding, cleaned headers and the data rows (with their line numbers)."""

    kind: str
    encoding: str
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]


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


def open_table(path: Path) -> Table:
    kind = kind_of(path)
    rows = raw_rows(path, kind)
    try:
        headers = clean_headers(next(rows))
    except StopIteration:
        raise FileRefused(_("The file is empty."), field="file") from None

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        yield from enumerate(rows, start=2)

    return Table(kind, "xlsx" if kind == XLSX else "xls" if kind == XLS else detect_encoding(path), headers, numbered())


def estimate_rows(path: Path, kind: str | None = None) -> int:
    kind = kind or kind_of(path)
    if kind == XLSX:
        from openpyxl import load_workbook

        with open(path, "rb") as handle:
            book = load_workbook(handle, read_only=True)
            try:
                return max(0, (book.worksheets[0].max_row or 1) - 1)
            finally:
                book.close()
    if kind == XLS:
        return sum(1 for _row in raw_rows(path, kind)) - 1
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    lines = head.count(b"\n") or 1
    return max(1, int(size / (len(head) / lines)) - 1) if len(head) < size else max(0, lines - 1)


def cell_text(value: Any) -> str:
    """A cell as the user saw it: numeric Excel cells without ``.0``, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


csv_bytes = exports.csv_bytes  # one CSV writer for exports and import error reports
