"""Bank statements to receipts: a GBK CSV as a Chinese bank exports it, a camt.053 file and an MT940 file,
each with one malformed row that is reported while the other rows import."""

from __future__ import annotations

from decimal import Decimal

import pytest

from m2c.billing import selectors, services
from m2c.billing.models import BankStatement, Receipt
from m2c.billing.services.statements import statement_import

from .conftest import invoice

GBK_CSV = """交易日期,交易流水号,对方户名,对方账号,借方发生额,贷方发生额,币种,摘要
2026-11-10,SEQ0001,申江大学,6222020200112233,,"3,000,000.00",CNY,发票 26312000000000000001 预付款
2026/11/11,SEQ0002,上海某某贸易有限公司,6222020200998877,,12500.50,CNY,货款
2026-11-11,SEQ0003,申江大学,6222020200112233,,三百万,CNY,金额写错的一行
2026-11-12,SEQ0004,本公司,6222000000000001,8000.00,,CNY,付款（支出，跳过）
"""

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>2026-11-12T08:00:00</CreDtTm></GrpHdr>
  <Stmt><Id>1</Id>
   <Ntry><Amt Ccy="CNY">2000000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2026-11-10</Dt></BookgDt><AcctSvcrRef>CAMT-0001</AcctSvcrRef>
    <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>申江大学</Nm></Dbtr></RltdPties>
     <RmtInf><Ustrd>INV 26312000000000000001</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
   <Ntry><Amt Ccy="USD">1500.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2026-11-11</Dt></BookgDt><AcctSvcrRef>CAMT-0002</AcctSvcrRef>
    <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Acme Ltd</Nm></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry>
   <Ntry><Amt Ccy="CNY">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2026-13-45</Dt></BookgDt><AcctSvcrRef>CAMT-0003</AcctSvcrRef></Ntry>
   <Ntry><Amt Ccy="CNY">50.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2026-11-11</Dt></BookgDt></Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>
"""

MT940 = """:20:STMT20261112
:25:310066726018800001234
:28C:00001/001
:60F:C261109CNY1000,00
:61:2611101120C1500000,00NTRFNONREF//MT-0001
:86:/NAME/申江大学/REMI/26312000000000000001
:61:2611111121CXX,00NTRFNONREF//MT-0002
:86:/NAME/broken row
:61:2611121122C880,00NTRFNONREF//MT-0003
:86:/NAME/Acme Ltd/REMI/service fee
:62F:C261112CNY1501880,00
"""


@pytest.fixture
def statement_dir(tmp_path, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    return tmp_path


def _load(finance, path):
    result = statement_import(actor=finance, path=path)
    return result, [(r.received_on.isoformat(), r.amount, r.currency, r.payer_name, r.bank_ref) for r in result.receipts]


def test_gbk_csv_statement_imports_credits_reports_the_bad_row_and_skips_debits(planned, statement_dir):
    path = statement_dir / "icbc.csv"
    path.write_bytes(GBK_CSV.encode("gbk"))
    result, rows = _load(planned.finance, path)
    assert rows == [("2026-11-10", Decimal("3000000.00"), "CNY", "申江大学", "SEQ0001"),
                    ("2026-11-11", Decimal("12500.50"), "CNY", "上海某某贸易有限公司", "SEQ0002")]
    assert result.errors == [{"row": 4, "field": "amount", "message": "“三百万” is not a number."}]
    assert result.receipts[0].customer == planned.deal.customer  # payer resolved to the customer
    again = statement_import(actor=planned.finance, path=path)
    assert (again.statement.created, again.statement.duplicates) == (0, 2) and Receipt.objects.count() == 2


def test_camt053_statement_imports_credits_and_reports_the_bad_date(planned, statement_dir):
    path = statement_dir / "camt.xml"
    path.write_text(CAMT, encoding="utf-8")
    result, rows = _load(planned.finance, path)
    assert rows == [("2026-11-10", Decimal("2000000.00"), "CNY", "申江大学", "CAMT-0001"),
                    ("2026-11-11", Decimal("1500.00"), "USD", "Acme Ltd", "CAMT-0002")]
    assert [(e["row"], e["field"]) for e in result.errors] == [(3, "received_on")]
    assert result.statement.format == "CAMT053" and result.receipts[0].remittance == "INV 26312000000000000001"


def test_mt940_statement_parsed_by_the_library_reports_the_malformed_line(planned, statement_dir):
    path = statement_dir / "stmt.sta"
    path.write_text(MT940, encoding="utf-8")
    result, rows = _load(planned.finance, path)
    assert rows == [("2026-11-10", Decimal("1500000.00"), "CNY", "申江大学", "MT-0001"),
                    ("2026-11-12", Decimal("880.00"), "CNY", "Acme Ltd", "MT-0003")]
    assert [(e["row"], e["field"]) for e in result.errors] == [(7, "amount")]
    assert BankStatement.objects.get().format == "MT940"


def test_a_receipt_quoting_the_invoice_number_is_suggested_first_and_confirmed_in_one_click(planned, statement_dir):
    inv1 = invoice(planned, 2, "26312000000000000001")
    path = statement_dir / "icbc.csv"
    path.write_bytes(GBK_CSV.encode("gbk"))
    receipt = statement_import(actor=planned.finance, path=path).receipts[0]
    best = selectors.receipt_suggestions(receipt)[0]
    assert (best.invoices, best.amounts, best.score, best.confident) == ([inv1], [Decimal("3000000.00")], 100, True)
    services.receipt_allocate(receipt=receipt, invoice=best.invoices[0], actor=planned.finance,
                              amount_=best.amounts[0])
    inv1.refresh_from_db()
    receipt.refresh_from_db()
    assert (inv1.status, receipt.status, receipt.allocated) == ("PAID", "APPLIED", Decimal("3000000.00"))
    assert selectors.receipt_suggestions(receipt) == []


def test_a_payer_paying_two_invoices_at_once_is_matched_by_the_combined_open_amount(planned):
    from .conftest import pac
    from .test_scenarios import s8

    inv1, c = s8(planned)
    north, _south = c.sites.all()
    pac(planned, north, 60)
    inv2 = invoice(planned, 62, "26312000000000000002")
    receipt = services.receipt_record(actor=planned.finance, amount_="6600000", received_on=planned.day(70),
                                      payer_name="申江大学")
    best = selectors.receipt_suggestions(receipt)[0]
    assert (set(best.invoices), best.score) == ({inv1, inv2}, 85)
