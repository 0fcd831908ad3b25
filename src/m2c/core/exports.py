"""One export helper for every list: CSV (UTF-8 with a BOM) or XLSX, headers in the reader's language.

A list view builds the same filtered, scoped queryset it shows, names its columns once and hands both to
:func:`export_response`. Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return first) is neutralised with a leading apostrophe in both formats. Rows are streamed in
chunks, so exporting a large list does not hold it in memory twice; XLSX is written with openpyxl's
write-only workbook for the same reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone, translation

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = "=+-@\t\r"


@dataclass(frozen=True)
class Column:
    """One column of an export: its (translatable) header and how to read the cell from a row."""

    header: Any
    value: Callable[[Any], Any]


def neutralise_cell(value: object) -> str:
    """A cell safe to open in a spreadsheet: text that starts a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    if text and text[0] in FORMULA_STARTS:
        return "'" + text
    return text


def export_format(request: HttpRequest) -> str:
    """The format a request asks for (``?format=xlsx``); CSV unless XLSX is named."""
    wanted = (request.GET.get("format") or "").strip().lower()
    return wanted if wanted in FORMATS else CSV


def _xlsx_value(value: Any) -> Any:
    # Numbers and dates stay typed (so a spreadsheet can sum and sort them); text is neutralised.
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal | float):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value
    return neutralise_cell(value)


def _csv_value(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise_cell(value)


def _records(rows: Iterable[Any]) -> Iterator[Any]:
    if isinstance(rows, QuerySet):
        # Prefetches need a chunk size; 2,000 keeps memory flat on large lists.
        return rows.iterator(chunk_size=2000)
    return iter(rows)


def csv_bytes(rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """CSV as UTF-8 with a BOM (so Excel opens Chinese text correctly), one encoded row at a time."""
    yield "\ufeff".encode()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate(0)


def export_response(
    *,
    rows: Iterable[Any],
    columns: Sequence[Column],
    filename: str,
    format: str = CSV,
) -> StreamingHttpResponse | FileResponse:
    """The rows as a download in ``format``. Headers and cell labels use the language active now.

    CSV streams (the language is held for the whole stream, which runs after the view returned);
    XLSX is built in a temporary file, since a zip cannot be streamed before its end.
    """
    language = translation.get_language()
    headers = [str(column.header) for column in columns]

    if format == XLSX:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        bold = Font(bold=True)
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=neutralise_cell(header))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for record in _records(rows):
            sheet.append([_xlsx_value(column.value(record)) for column in columns])
        handle = tempfile.TemporaryFile()
        workbook.save(handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)

    def lines() -> Iterator[list[str]]:
        with translation.override(language):
            yield headers
            for record in _records(rows):
                yield [_csv_value(column.value(record)) for column in columns]

    response = StreamingHttpResponse(csv_bytes(lines()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
