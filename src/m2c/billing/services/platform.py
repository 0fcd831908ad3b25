"""The tax platform's export read back: each row names our request number, the official invoice number
and the invoice date; each matching request is issued (one savepoint per row, errors per row)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core.errors import DomainError, ValidationFailed
from m2c.core.imports import files
from m2c.core.imports.mapping import Field, Schema
from m2c.core.roles import Actor

from ..states import InvoiceStatus
from ._common import require_finance
from .invoices import invoice_issue
from .statements import _date_text

SCHEMA = Schema(fields=[
    Field("request", gettext_lazy("request number"), ("申请单号", "开票申请号", "申请编号", "request number", "备注")),
    Field("official_number", gettext_lazy("official invoice number"), ("发票号码", "数电票号码", "全电发票号码",
                                                                       "invoice number", "official number")),
    Field("issued_on", gettext_lazy("invoice date"), ("开票日期", "invoice date", "issue date", "date")),
], need_one_of=("request",))


def platform_import_file(*, actor: Actor, path: Path, invoices: Any) -> tuple[int, list[dict[str, Any]]]:
    """Issue the requests a platform export names; returns (issued, row errors). ``invoices`` scopes them."""
    require_finance(actor, system=True)
    table = files.open_table(path)
    mapping = SCHEMA.suggest(table.headers)
    if not {"request", "official_number", "issued_on"} <= set(mapping.values()):
        raise ValidationFailed(_("The file needs the request number, official invoice number and invoice date "
                                 "columns."), field="file")
    index = {table.headers.index(h): target for h, target in mapping.items()}
    date_column = next((h for h, target in mapping.items() if target == "issued_on"), str(SCHEMA.fields[2].label))
    issued, errors = 0, []
    for line, cells in table.rows:
        row = {target: cells[i] if i < len(cells) else None for i, target in index.items()}
        request = files.cell_text(row.get("request")).strip()
        if not request:
            continue
        inv = invoices.filter(number=request).first()
        if inv is None:
            errors.append({"row": line, "message": _("No invoice request %(n)s.") % {"n": request}})
            continue
        if inv.status != InvoiceStatus.DRAFT:
            continue  # already issued: importing the same file twice changes nothing
        issued_on = _date_text(row.get("issued_on"))
        if not isinstance(issued_on, dt.date):
            # The clerk fixes the file: say which column holds what, as the file names it.
            errors.append({"row": line, "message": _("column %(column)s: “%(value)s” is not a date (YYYY-MM-DD).")
                           % {"column": date_column, "value": files.cell_text(row.get("issued_on")).strip()}})
            continue
        try:
            with transaction.atomic():
                invoice_issue(invoice=inv, actor=actor, official_number=files.cell_text(row.get("official_number")),
                              issued_on=issued_on)
        except DomainError as exc:
            reasons = "; ".join(
                (_("column %(column)s: %(reason)s") % {"column": date_column, "reason": e.get("reason", "")})
                if e.get("field") == "issued_on" else str(e.get("reason", ""))
                for e in (exc.errors or [])) or str(exc.detail)
            errors.append({"row": line, "message": reasons})
            continue
        issued += 1
    return issued, errors
