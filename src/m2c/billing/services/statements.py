"""Bank statements to receipts: CSV/XLSX as Chinese banks export them (GBK allowed, columns mapped like the
lead import, through core.imports), camt.053 XML (defusedxml) and MT940 (the mt-940 library).

Each credit entry becomes a receipt in its own savepoint; a malformed row is reported with its line and
field and the others still import. A row already imported (same bank reference, date, amount and
currency) is counted as a duplicate, so importing a file twice creates nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core import events as core_events
from m2c.core.errors import BadRequest, FieldErrors
from m2c.core.formatting import CURRENCY_NAMES_ZH
from m2c.core.imports import files
from m2c.core.imports.mapping import Field, Schema
from m2c.core.roles import Actor, authenticated

from .. import events
from ..models import BankStatement, Receipt
from ..states import StatementFormat
from ._common import require_finance
from .cash import receipt_build, receipt_create

SCHEMA = Schema(
    fields=[
        Field("received_on", gettext_lazy("received on"), ("交易日期", "记账日期", "入账日期", "日期", "date",
                                                          "value date", "booking date", "transaction date")),
        Field("amount", gettext_lazy("amount"), ("贷方发生额", "贷方金额", "收入金额", "收入", "金额", "credit",
                                                 "credit amount", "amount")),
        Field("debit", gettext_lazy("debit"), ("借方发生额", "借方金额", "支出金额", "支出", "debit", "debit amount")),
        Field("currency", gettext_lazy("currency"), ("币种", "货币", "currency", "ccy")),
        Field("payer_name", gettext_lazy("payer"), ("对方户名", "对方名称", "付款人", "付款人名称", "对方单位",
                                                    "payer", "counterparty", "payer name")),
        Field("payer_account", gettext_lazy("payer account"), ("对方账号", "付款人账号", "对方账户", "payer account",
                                                               "counterparty account")),
        Field("bank_ref", gettext_lazy("bank reference"), ("交易流水号", "流水号", "凭证号", "交易参考号",
                                                           "reference", "bank reference", "transaction id")),
        Field("remittance", gettext_lazy("remittance text"), ("摘要", "用途", "附言", "备注", "remarks", "memo",
                                                              "remittance", "purpose")),
    ],
    need_one_of=("amount",),
)


@dataclass
class Entry:
    """One credit line of a statement, as text, with where it came from."""

    row: int
    amount: Any
    currency: str
    received_on: Any
    payer_name: str = ""
    payer_account: str = ""
    bank_ref: str = ""
    remittance: str = ""
    error: str = ""
    error_field: str = ""


@dataclass
class StatementResult:
    statement: BankStatement
    receipts: list[Receipt] = field(default_factory=list)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.statement.errors


def detect_format(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \r\n\t")[:4096]
    if text.startswith(b"<") and b"BkToCstmrStmt" in head:
        return StatementFormat.CAMT053
    if re.search(rb"(^|\n):20:", text) and b":61:" in head:
        return StatementFormat.MT940
    return StatementFormat.TABLE


def _date_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = files.cell_text(value).strip()
    digits = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?(?:\s.*)?", text)
    if digits:
        try:
            return dt.date(int(digits[1]), int(digits[2]), int(digits[3]))
        except ValueError:
            return text
    return text


# --- CSV / XLSX ------------------------------------------------------------------------------------


# Chinese banks' exports name the currency in words (人民币, 美元) or as RMB, not by its ISO code.
CURRENCY_WORDS = {**{name: code for code, name in CURRENCY_NAMES_ZH.items()}, "人民币元": "CNY", "RMB": "CNY",
                  "港元": "HKD", "美金": "USD"}


def _currency_code(text: Any) -> str:
    value = str(text or "").strip()
    return CURRENCY_WORDS.get(value.upper(), CURRENCY_WORDS.get(value, value)) or "CNY"


def _table_entries(path: Path, mapping: dict[str, str] | None) -> Iterator[Entry]:
    table = files.open_table(path)
    chosen = SCHEMA.validate(mapping, table.headers) if mapping else SCHEMA.suggest(table.headers)
    if "amount" not in chosen.values():
        raise BadRequest(_("No column of this file is the credit amount; map it."), field="mapping")
    index = {table.headers.index(h): target for h, target in chosen.items()}
    for line, cells in table.rows:
        values = {target: files.cell_text(cells[i]) if i < len(cells) else "" for i, target in index.items()}
        if not any(v.strip() for v in values.values()):
            continue
        if not values.get("amount", "").strip() and values.get("debit", "").strip():
            continue  # a payment out, not a receipt
        yield Entry(row=line, amount=values.get("amount", "").replace("¥", "").strip(),
                    currency=_currency_code(values.get("currency")), received_on=_date_text(values.get("received_on", "")),
                    payer_name=values.get("payer_name", ""), payer_account=values.get("payer_account", ""),
                    bank_ref=values.get("bank_ref", ""), remittance=values.get("remittance", ""))


# --- camt.053 --------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(node: Any, *path: str) -> Any:
    current = [node]
    for name in path:
        current = [child for parent in current for child in parent if _local(child.tag) == name]
        if not current:
            return None
    return current[0]


def _text(node: Any, *path: str) -> str:
    found = _find(node, *path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _camt_entries(raw: bytes) -> Iterator[Entry]:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(raw)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise BadRequest(_("The camt.053 file is not well-formed XML: %(e)s") % {"e": exc}, field="file") from None
    entries = [node for node in root.iter() if _local(node.tag) == "Ntry"]
    for number, ntry in enumerate(entries, start=1):
        if _text(ntry, "CdtDbtInd") == "DBIT":
            continue
        amt = _find(ntry, "Amt")
        tx = _find(ntry, "NtryDtls", "TxDtls")
        payer = ""
        remittance = ""
        account = ""
        if tx is not None:
            payer = _text(tx, "RltdPties", "Dbtr", "Nm") or _text(tx, "RltdPties", "Dbtr", "Pty", "Nm")
            account = (_text(tx, "RltdPties", "DbtrAcct", "Id", "IBAN")
                       or _text(tx, "RltdPties", "DbtrAcct", "Id", "Othr", "Id"))
            remittance = " ".join(u.text or "" for u in tx.iter() if _local(u.tag) == "Ustrd").strip()
        yield Entry(row=number, amount=(amt.text or "").strip() if amt is not None else "",
                    currency=amt.get("Ccy", "") if amt is not None else "",
                    received_on=_date_text(_text(ntry, "BookgDt", "Dt") or _text(ntry, "ValDt", "Dt")),
                    payer_name=payer, payer_account=account,
                    bank_ref=_text(ntry, "AcctSvcrRef") or (_text(tx, "Refs", "EndToEndId") if tx is not None else ""),
                    remittance=remittance or _text(ntry, "AddtlNtryInf"))


# --- MT940 -----------------------------------------------------------------------------------------

TAG_RE = re.compile(r"^:(\d{2}[A-Z]?):", re.MULTILINE)


def _mt940_entries(raw: bytes) -> Iterator[Entry]:
    """Parse with the mt-940 library one :61: block at a time (with the statement's header and closing
    balance), so a malformed block is one row error and not the loss of the whole file."""
    import mt940

    text = files._decode(raw)  # UTF-8, else GB18030 (GBK), as every import reads text
    text = text.replace("\r\n", "\n")
    starts = [m.start() for m in re.finditer(r"^:61:", text, re.MULTILINE)]
    if not starts:
        raise BadRequest(_("The MT940 file has no :61: statement lines."), field="file")
    header = text[:starts[0]]
    closing = re.search(r"^:62[FM]:", text, re.MULTILINE)
    trailer = text[closing.start():] if closing else ""
    ends = [*starts[1:], closing.start() if closing else len(text)]
    currency_match = re.search(r"^:60[FM]:[CD]\d{6}([A-Z]{3})", header, re.MULTILINE)
    currency = currency_match[1] if currency_match else "CNY"
    for start, end in zip(starts, ends, strict=True):
        block = text[start:end]
        line = text.count("\n", 0, start) + 1
        try:
            parsed = mt940.models.Transactions()
            parsed.parse(header + block + trailer)
            found = list(parsed)
            if len(found) != 1:
                raise ValueError("no transaction")
            data = found[0].data
        except Exception:  # noqa: BLE001 - the library raises RuntimeError/ValueError/KeyError on bad input
            yield Entry(row=line, amount="", currency=currency, received_on="",
                        error=_("Line %(n)d is not a valid MT940 :61: statement line.") % {"n": line},
                        error_field="amount")
            continue
        if str(data.get("status", "C")).endswith("D"):
            continue
        money = data.get("amount")
        details = str(data.get("transaction_details") or "").replace("\n", " ").strip()
        payer = ""
        named = re.search(r"(?:/NAME/|\?32|付款人[:：]?)([^/?\n]+)", details)
        if named:
            payer = named[1].strip()
        elif details:
            payer = details.split()[0]
        yield Entry(row=line, amount=str(getattr(money, "amount", "")), currency=getattr(money, "currency", currency),
                    received_on=data.get("date"), payer_name=payer, remittance=details,
                    bank_ref=str(data.get("bank_reference") or data.get("customer_reference") or "").strip())


# --- the import ------------------------------------------------------------------------------------


def _entries(fmt: str, path: Path, raw: bytes, mapping: dict[str, str] | None) -> Iterator[Entry]:
    if fmt == StatementFormat.CAMT053:
        return _camt_entries(raw)
    if fmt == StatementFormat.MT940:
        return _mt940_entries(raw)
    return _table_entries(path, mapping)


def statement_import(*, actor: Actor, path: str | Path, file_name: str = "",
                     mapping: dict[str, str] | None = None) -> StatementResult:
    """Import a bank statement file; returns the statement record with its receipts and row errors."""
    require_finance(actor, system=True)
    path = Path(path)
    raw = path.read_bytes()
    fmt = detect_format(raw[: 64 * 1024])
    if fmt == StatementFormat.TABLE:
        files.sniff(raw[: files.HEAD])  # refuses a file that is neither text nor a workbook
    statement = BankStatement.objects.create(format=fmt, file_name=(file_name or path.name)[:255],
                                             imported_by=authenticated(actor))
    result = StatementResult(statement)
    errors: list[dict[str, Any]] = []
    duplicates = 0
    for entry in _entries(fmt, path, raw, mapping):
        if entry.error:
            errors.append({"row": entry.row, "field": entry.error_field, "message": entry.error})
            continue
        problems = FieldErrors()
        fields = receipt_build(amount_=_clean_amount(entry.amount), currency=entry.currency,
                               received_on=entry.received_on, payer_name=entry.payer_name or _("(unknown payer)"),
                               bank_ref=entry.bank_ref, remittance=entry.remittance,
                               payer_account=entry.payer_account, errors=problems)
        if problems:
            errors.extend({"row": entry.row, "field": e["field"], "message": str(e["reason"])}
                          for e in problems.items)
            continue
        if fields["bank_ref"] and Receipt.objects.filter(
                bank_ref=fields["bank_ref"], received_on=fields["received_on"], amount=fields["amount"],
                currency=fields["currency"]).exists():
            duplicates += 1
            continue
        try:
            with transaction.atomic():
                result.receipts.append(receipt_create(actor=actor, fields=fields, source=fmt, statement=statement))
        except IntegrityError:
            duplicates += 1
    statement.created, statement.duplicates, statement.errors = len(result.receipts), duplicates, errors
    statement.save(update_fields=["created", "duplicates", "errors"])
    core_events.record(events.STATEMENT_IMPORTED, statement, actor=actor, payload={
        "format": fmt, "created": statement.created, "duplicates": duplicates, "errors": len(errors)})
    return result


def _clean_amount(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    text = str(value or "").strip().replace(",", "").replace("，", "")
    try:
        return Decimal(text) if text else ""
    except InvalidOperation:
        return text
