"""File import: encodings, XLSX, the messy file, error report, re-import, dry run, CLI and web."""

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import Workbook

from m2c.cli import main
from m2c.leads import importer
from m2c.leads.models import Lead, LeadImport

pytestmark = pytest.mark.django_db

HEADER = "公司名称,联系人,手机,邮箱,省份,行业,意向产品,预算,预计采购时间,备注\n"
ROWS = [
    "上海华信燃气有限公司,张三,13800138000,zs@huaxin-gas.com,上海,能源,campus,200万,2027-02-01,\n",
    "杭州博远大学,李四,13900139001,ls@boyuan.edu.cn,浙江,教育,wlan,,2027-05-01,校园无线\n",
]


@pytest.fixture
def setup(users, lines, rules, org):
    return users


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_supported_encoding(setup, tmp_path, encoding):
    path = _write(tmp_path, "leads.csv", (HEADER + "".join(ROWS)).encode(encoding))
    counts, mapping, _job = importer.run(path, actor=setup.marketing)
    assert counts.as_dict() == {"rows": 2, "created": 2, "merged": 0, "invalid": 0, "rejected": 0}
    assert mapping["公司名称"] == "customer_name" and mapping["手机"] == "contact_phone"
    assert set(Lead.objects.values_list("raw_customer_name", flat=True)) == {"上海华信燃气有限公司", "杭州博远大学"}
    assert Lead.objects.get(raw_customer_name="上海华信燃气有限公司").budget_amount == 2_000_000


def test_mapping_is_suggested_from_english_and_chinese_headers():
    headers = ["Company Name", "Contact", "Mobile", "E-mail", "Province", "Industry", "Products", "Budget", "客户名称 (2)", "电话"]
    mapping = importer.suggest_mapping(headers)
    assert mapping == {"Company Name": "customer_name", "Contact": "contact_name", "Mobile": "contact_phone",
                       "E-mail": "contact_email", "Province": "province", "Industry": "industry", "Products": "offering_lines",
                       "Budget": "budget_amount", "电话": "contact_landline"}


def test_the_messy_file(setup, tmp_path):
    """Mixed encodings, blank and duplicate headers, wrong types, over-long fields, a formula cell."""
    header = "公司名称,,联系人,联系人,手机,邮箱,意向产品,预算,预计采购时间,备注\n".encode()
    good_utf8 = "上海华信燃气有限公司,x,张三,张三丰,13800138000,zs@huaxin-gas.com,campus,100,2027-01-01,ok\n".encode()
    good_gbk = "杭州博远大学,,李四,,13900139001,,wlan,,,GBK 行\n".encode("gbk")
    wrong_amount = "南京启明科技有限公司,,王五,,13700137000,,campus,很多,,\n".encode()
    wrong_date = "苏州天成电子有限公司,,赵六,,13600136000,,campus,,下周,\n".encode()
    too_long = ("长" * 300 + ",,钱七,,13500135000,,campus,,,\n").encode()
    formula = '"=HYPERLINK(""http://evil.example/x"",""click"")",,孙八,,bad-phone,,campus,,,\n'.encode()
    script = '<script>alert(1)</script>有限公司,,周九,,13300133000,,campus,,,"=1+2"\n'.encode()
    path = _write(tmp_path, "messy.csv", header + good_utf8 + good_gbk + wrong_amount + wrong_date + too_long + formula + script)

    preview = importer.preview(path)
    assert preview.encoding == "mixed"
    assert preview.headers[:4] == ["公司名称", "column 2", "联系人", "联系人 (2)"]
    counts, mapping, job = importer.run(path, actor=setup.marketing)
    assert mapping["联系人"] == "contact_name" and "联系人 (2)" not in mapping
    # An unreadable optional cell (an amount "很多", a date "下周") never rejects the row: it is left
    # blank with a warning on the row, naming the field by its label.
    assert counts.as_dict() == {"rows": 7, "created": 5, "merged": 0, "invalid": 0, "rejected": 2}
    assert counts.rows == counts.created + counts.merged + counts.rejected
    assert Lead.objects.filter(raw_customer_name="杭州博远大学", description="GBK 行").exists()
    assert Lead.objects.filter(raw_customer_name="<script>alert(1)</script>有限公司").exists()
    assert Lead.objects.get(raw_customer_name="南京启明科技有限公司").budget_amount is None
    errors = {e.row_number: e for e in job.errors.all()}
    assert set(errors) == {4, 5, 6, 7}
    assert errors[4].level == errors[5].level == "warning" and job.warnings == 2
    assert errors[4].field == "budget_amount" and errors[4].message.startswith("Budget: ")
    assert errors[5].field == "expected_purchase_date"
    assert errors[6].field == "customer_name" and errors[7].field == "contact_phone"
    assert errors[6].level == errors[7].level == "error" and errors[7].message.startswith("Mobile: ")

    report = b"".join(importer.csv_bytes(importer.error_report(job))).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(report)))
    assert rows[0][0] == "row" and rows[0][-1] == "error" and rows[0][1] == "公司名称"
    assert [r[0] for r in rows[1:]] == ["6", "7"]  # the report holds the rows not stored
    formula_row = next(r for r in rows if r[0] == "7")
    assert formula_row[1] == "'=HYPERLINK(\"http://evil.example/x\",\"click\")"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_lead_export_neutralises_formulas(setup, tmp_path, api):
    path = _write(tmp_path, "f.csv", (HEADER + '"=HYPERLINK(""http://x"")公司",甲,13800138000,,,,campus,,,\n').encode())
    importer.run(path, actor=setup.marketing)
    client = Client()
    client.force_login(setup.marketing)
    body = b"".join(client.get("/leads/export.csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def test_reimporting_the_same_file_creates_nothing_twice(setup, tmp_path):
    path = _write(tmp_path, "leads.csv", (HEADER + "".join(ROWS) + ROWS[0]).encode())
    first, _m, _j = importer.run(path, actor=setup.marketing)
    assert first.as_dict() == {"rows": 3, "created": 2, "merged": 1, "invalid": 0, "rejected": 0}
    before = Lead.objects.count()
    again, _m, _j = importer.run(path, actor=setup.marketing)
    assert again.as_dict() == {"rows": 3, "created": 0, "merged": 3, "invalid": 0, "rejected": 0}
    assert Lead.objects.count() == before


def test_a_dry_run_stores_nothing(setup, tmp_path):
    path = _write(tmp_path, "leads.csv", (HEADER + "".join(ROWS)).encode())
    counts, _m, job = importer.run(path, actor=setup.marketing, dry_run=True)
    assert counts.created == 2 and Lead.objects.count() == 0
    assert LeadImport.objects.get(pk=job.pk).dry_run


def test_xlsx_with_typed_cells(setup, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Company", "Contact", "Mobile", "Products", "Budget", "Expected purchase date", "Pain confirmed"])
    sheet.append(["Lion City Logistics Pte. Ltd.", "Daniel Tan", 13800138000.0, "campus", 1500000.5, dt.datetime(2027, 3, 1), "yes"])
    sheet.append(["Marina Bay Financial Holdings", "Priya Nair", None, "dc", "n/a", None, None])
    path = tmp_path / "leads.xlsx"
    book.save(path)
    counts, _m, job = importer.run(path, actor=setup.marketing)
    # "n/a" in the budget is a placeholder: blank, so the row is kept (invalid: nobody to reach).
    assert counts.as_dict() == {"rows": 2, "created": 2, "merged": 0, "invalid": 1, "rejected": 0}
    lead = Lead.objects.get(raw_customer_name="Lion City Logistics Pte. Ltd.")
    assert lead.contact_phone == "+8613800138000"
    assert lead.expected_purchase_date == dt.date(2027, 3, 1)
    assert str(lead.budget_amount) == "1500000.5000" and lead.pain_confirmed


def test_the_cli_prints_the_mapping_and_ends_with_a_json_summary(setup, tmp_path, capsys):
    path = _write(tmp_path, "leads.csv", (HEADER + "".join(ROWS) + ",,,,,,,,,\n" + "某公司,x,123,,,,,,,\n").encode("gbk"))
    assert main(["import", "leads", str(path)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert "公司名称 -> customer_name" in "\n".join(out)
    assert json.loads(out[-1]) == {"rows": 3, "created": 2, "merged": 0, "invalid": 0, "rejected": 1}
    report = tmp_path / "leads.errors.csv"
    assert report.exists() and "Mobile:" in report.read_text(encoding="utf-8-sig")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"公司名称": "customer_name", "手机": "contact_phone", "意向产品": "offering_lines"}))
    assert main(["import", "leads", str(path), "--mapping", str(mapping), "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["merged"] == 2


def test_the_cli_refuses_a_bad_mapping(setup, tmp_path, capsys):
    path = _write(tmp_path, "leads.csv", (HEADER + ROWS[0]).encode())
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"公司名称": "colour"}))
    assert main(["import", "leads", str(path), "--mapping", str(mapping)]) == 2
    assert "mapping" in capsys.readouterr().err
    assert Lead.objects.count() == 0


def test_import_from_the_web_with_preview_progress_and_error_report(setup, tmp_path, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(setup.marketing)
    data = (HEADER + "".join(ROWS) + "坏公司,x,not-a-phone,,,,campus,,,\n").encode("utf-8-sig")
    upload = io.BytesIO(data)
    upload.name = "客户线索.csv"
    response = client.post("/leads/imports/", {"file": upload})
    assert response.status_code == 302
    job = LeadImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "公司名称" in page and 'id="mapping-form"' in page
    post = {f"map-{i}": t for i, t in enumerate(["customer_name", "contact_name", "contact_phone", "contact_email", "province",
                                                  "industry", "offering_lines", "budget_amount", "expected_purchase_date",
                                                  "description"])}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/leads/imports/{job.pk}/", {**post, "mode": "import"}).status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.summary() == {"rows": 3, "created": 2, "merged": 0, "invalid": 0, "rejected": 1}
    progress = client.get(f"/leads/imports/{job.pk}/progress/").content.decode()
    assert "100%" in progress
    report = b"".join(client.get(f"/leads/imports/{job.pk}/errors.csv").streaming_content).decode("utf-8-sig")
    assert "not-a-phone" in report and report.splitlines()[0].endswith("error")
    assert setup.marketing.notifications.filter(kind="leads.import").exists()
