"""File import: encodings, XLSX, the messy file, error report, re-import, dry run, CLI and web."""

import csv
import datetime as dt
import io
import json
import os
import stat
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
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


# --- uploads bounded (issue 14 item 8) ---------------------------------------------------------------


def _stored_files(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def _upload(client, name: str, data: bytes):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post("/leads/imports/", {"file": upload})


def test_a_zip_bomb_junk_and_a_fake_zip_are_refused_on_the_web_and_nothing_is_kept(setup, media, tmp_path):
    from tests.core.test_imports_files import zip_bomb

    client = Client()
    client.force_login(setup.marketing)
    bomb = zip_bomb(tmp_path / "bomb.xlsx", megabytes=120).read_bytes()
    for name, data, words in (("leads.xlsx", bomb, "unsafe"), ("leads.csv", os.urandom(3000), "not a CSV or Excel file"),
                              ("leads.xlsx", b"PK\x03\x04" + os.urandom(500), "damaged")):
        response = _upload(client, name, data)
        assert response.status_code == 422 and words in response.content.decode(), name
    assert _stored_files(media) == [] and LeadImport.objects.count() == 0


def test_a_role_that_may_not_import_is_refused_before_the_file_is_read(setup, media):
    client = Client()
    client.force_login(setup.finance)
    response = _upload(client, "leads.csv", (HEADER + ROWS[0]).encode())
    assert response.status_code == 403
    assert _stored_files(media) == [] and LeadImport.objects.count() == 0


def test_an_upload_over_the_cap_is_refused_with_a_message(setup, media):
    media.M2C_IMPORT_MAX_BYTES = {"leads": 1024 * 1024}
    client = Client()
    client.force_login(setup.marketing)
    response = _upload(client, "leads.csv", (HEADER + ROWS[0] * 20_000).encode())
    assert response.status_code == 422 and "1 MB" in response.content.decode()
    assert _stored_files(media) == [] and LeadImport.objects.count() == 0


def test_the_file_of_a_finished_import_is_deleted_and_a_dry_run_keeps_it_for_the_import(
        setup, media, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(setup.marketing)
    response = _upload(client, "leads.csv", (HEADER + "".join(ROWS)).encode("gbk"))
    job = LeadImport.objects.get()
    assert _stored_files(media) == [Path(job.file_path)]
    assert stat.S_IMODE(Path(job.file_path).stat().st_mode) == 0o600
    post = {f"map-{i}": t for i, t in enumerate(["customer_name", "contact_name", "contact_phone", "contact_email"])}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {**post, "mode": "dry_run"})
    job.refresh_from_db()
    assert job.status == "done" and job.dry_run and Lead.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert 'id="dry-run-outcomes"' in page and "would be created" in page and 'id="run-import"' in page
    assert _stored_files(media) == [Path(job.file_path)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {**post, "mode": "import"})
    job.refresh_from_db()
    assert job.status == "done" and not job.dry_run and Lead.objects.count() == 2
    assert _stored_files(media) == []


def test_the_cli_refuses_a_zip_bomb_and_junk_in_one_line(setup, tmp_path, capsys):
    from tests.core.test_imports_files import zip_bomb

    bomb = zip_bomb(tmp_path / "bomb.xlsx", megabytes=120)
    junk = _write(tmp_path, "junk.csv", os.urandom(4000))
    for path in (bomb, junk):
        assert main(["import", "leads", str(path)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: file: ") and "Traceback" not in err[0]
    assert Lead.objects.count() == 0


# --- jobs that survive faults (issue 14 item 9) ------------------------------------------------------


def test_a_job_whose_process_died_is_detected_and_resumed_after_its_cursor(setup, tmp_path, settings):
    import socket

    from m2c.core.errors import Conflict
    from m2c.core.imports import jobs
    from m2c.core.models import Event

    class Killed(BaseException):
        """The process dies: nothing of the run's own error handling runs."""

    def die(rows_done: int) -> None:
        if rows_done >= 4:
            raise Killed

    settings.M2C_IMPORT_CHUNK = 2
    rows = [f"测试公司{i}有限公司,联系人{i},139{i:08d},,,,campus,,,\n" for i in range(7)]
    path = _write(tmp_path, "leads.csv", (HEADER + "".join(rows)).encode())
    job = importer.create_job(path, actor=setup.marketing)
    with pytest.raises(Killed):
        importer.run(path, actor=setup.marketing, job=job, progress=die)
    job.refresh_from_db()
    # Two chunks committed (file lines 2–5), the rest never started: the job still says "running".
    assert job.status == "running" and job.cursor == 5 and job.processed == 4 and Lead.objects.count() == 4
    assert not jobs.is_dead(job)  # this process is alive and the heartbeat fresh
    with pytest.raises(Conflict):
        jobs.claim(job, actor=setup.marketing)  # so a second start is refused
    old_token = job.run_token
    # Its process on this host has exited (a pid that is free now):
    LeadImport.objects.filter(pk=job.pk).update(worker=f"{socket.gethostname()}:{_dead_pid()}")
    job.refresh_from_db()
    assert jobs.is_dead(job)
    LeadImport.objects.filter(pk=job.pk).update(worker="another-host:1", heartbeat_at=job.heartbeat_at - dt.timedelta(hours=1))
    job.refresh_from_db()
    assert jobs.is_dead(job)  # no sign of life for an hour
    assert jobs.mark_dead(job) and LeadImport.objects.get(pk=job.pk).status == "interrupted"
    assert Event.objects.filter(event_type="core.import.interrupted", subject_id=str(job.pk)).count() == 1
    with pytest.raises(jobs.JobLost):
        jobs.heartbeat(job, old_token)  # the old run, waking up, owns nothing any more
    counts, _m, job = importer.run(path, actor=setup.marketing, job=job)
    assert job.status == "done" and counts.rows == 7 and job.created == 7 and job.attempts == 2
    assert Lead.objects.count() == 7 and Lead.objects.values("external_ref").distinct().count() == 7
    assert Event.objects.filter(event_type="core.import.resumed", subject_id=str(job.pk)).count() == 1


def _dead_pid() -> int:
    import subprocess

    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


@pytest.mark.django_db(transaction=True)
def test_six_concurrent_starts_run_the_import_once(setup, tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection

    from m2c.core.errors import Conflict
    from m2c.core.models import Event
    from m2c.leads.services_imports import import_start

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    rows = [f"并发公司{i}有限公司,联系人{i},137{i:08d},,,,campus,,,\n" for i in range(30)]
    path = _write(tmp_path, "leads.csv", (HEADER + "".join(rows)).encode())
    job = importer.create_job(path, actor=setup.marketing)
    mapping = dict(job.mapping)
    barrier = Barrier(6)

    def start(_i: int) -> str:
        try:
            barrier.wait()
            import_start(actor=setup.marketing, job=LeadImport.objects.get(pk=job.pk), mapping=mapping, dry_run=False)
            return "ran"
        except Conflict:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(start, range(6)))
    assert sorted(results) == ["ran"] + ["refused"] * 5
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1 and job.processed == job.created + job.merged == 30
    assert Lead.objects.count() == 30 and Lead.objects.values("external_ref").distinct().count() == 30
    assert Event.objects.filter(event_type="core.import.started", subject_id=str(job.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_sigkilled_import_is_detected_and_resumed_with_nothing_lost_or_doubled(setup, tmp_path):
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    from django.db import connection

    # 1,500 rows, killed once 250 are committed: 1,250 rows of margin for the poll below to see the cursor
    # before the import ends (3,000 and 500 cost 2 s more of the child processes' CPU for the same check).
    total = 1500
    rows = [f"断点公司{i}有限公司,联系人{i},136{i:08d},c{i}@dp{i}.cn,,,campus,,,\n" for i in range(total)]
    path = _write(tmp_path, "big.csv", (HEADER + "".join(rows)).encode())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "m2c.settings", "M2C_VAR_DIR": str(tmp_path / "var")}
    env.pop("M2C_TASKS_IMMEDIATE", None)
    if connection.vendor == "sqlite":
        db = tmp_path / "m2c.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(db)])
        env["M2C_DATABASE_URL"] = f"sqlite:///{db}"

        def query(sql: str) -> list[tuple]:
            with sqlite3.connect(db, timeout=30) as con:
                return con.execute(sql).fetchall()
    else:
        s = connection.settings_dict
        env["M2C_DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"

        def query(sql: str) -> list[tuple]:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()

    command = [sys.executable, "-m", "m2c.cli", "import"]
    proc = subprocess.Popen([*command, "leads", str(path), "--chunk", "25"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    cursor = 0
    while time.monotonic() < deadline and proc.poll() is None:
        found = query("SELECT cursor FROM leads_leadimport")
        cursor = found[0][0] if found else 0
        if cursor >= 250:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the import ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    (job_id, status, killed_at), = query("SELECT id, status, cursor FROM leads_leadimport")
    assert status == "running" and 250 <= killed_at < total + 1
    assert query("SELECT COUNT(*) FROM leads_lead")[0][0] == killed_at - 1  # exactly the committed chunks
    job_ref = str(job_id) if "-" in str(job_id) else str(__import__("uuid").UUID(str(job_id)))
    listing = subprocess.run([*command, "jobs"], env=env, capture_output=True, text=True, timeout=120)
    assert "interrupted" in listing.stdout  # detected as dead: its process is gone
    resumed = subprocess.run([*command, "resume", job_ref, "--chunk", "500"], env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout.strip().splitlines()[-1])["rows"] == total
    status, created, merged, rejected, cursor, attempts = query(
        "SELECT status, created, merged, rejected, cursor, attempts FROM leads_leadimport")[0]
    assert (status, created + merged + rejected, rejected, cursor, attempts) == ("done", total, 0, total + 1, 2)
    assert query("SELECT COUNT(*), COUNT(DISTINCT external_ref), COUNT(DISTINCT raw_customer_name) FROM leads_lead")[0] == (
        total, total, total)


# --- imports end in usable leads (issue 9 item 2, the engine's part) -----------------------------------


def test_chinese_amounts_placeholders_consent_columns_and_value_maps(setup, tmp_path):
    header = "公司名称,联系人,手机,意向产品,预算,预计金额,线索来源,所属行业,Do Not Email,Do Not Call,是否同意联系\n"
    rows = [
        "甲科技有限公司,甲,13800000001,campus,80万元,1.2亿,展会,教育,,,是\n",
        "乙科技有限公司,乙,13800000002,campus,约100万,面议,Select,Select,Yes,,\n",
        "丙科技有限公司,丙,13800000003,campus,很多,,网站,,No,No,\n",
    ]
    path = _write(tmp_path, "leads.csv", (header + "".join(rows)).encode("gbk"))
    counts, mapping, job = importer.run(path, actor=setup.marketing,
                                        value_maps={"source_type": {"展会": "campaign", "网站": "web"}})
    assert mapping["Do Not Email"] == "do_not_email" and mapping["是否同意联系"] == "consent"
    assert counts.as_dict() == {"rows": 3, "created": 3, "merged": 0, "invalid": 0, "rejected": 0}
    a, b, c = (Lead.objects.get(raw_customer_name=f"{x}科技有限公司") for x in "甲乙丙")
    assert (a.budget_amount, a.estimated_amount, a.source_type, a.consent) == (800000, 120_000_000, "campaign", True)
    assert (b.budget_amount, b.estimated_amount, b.consent) == (1_000_000, None, False)  # Do Not Email: yes
    assert (c.budget_amount, c.source_type, c.consent) == (None, "web", True)  # both opt-outs "No"
    warnings = {(e.row_number, e.field): e.message for e in job.errors.filter(level="warning")}
    assert set(warnings) == {(3, "estimated_amount"), (3, "source_type"), (3, "industry"), (4, "budget_amount")}
    assert warnings[(3, "estimated_amount")] == "Estimated amount: “面议” stands for no value; left blank."
    assert warnings[(4, "budget_amount")] == "Budget: “很多” is not an amount; left blank."


def test_numeric_excel_cells_keep_no_decimal_point_and_an_xlsx_named_csv_is_read(setup, tmp_path):
    book = Workbook()
    book.active.append(["编号", "公司名称", "手机", "意向产品", "预算"])
    book.active.append([1001.0, "丁科技有限公司", 13800000004.0, "campus", 500000.0])
    path = tmp_path / "export.csv"  # an XLSX someone renamed
    book.save(path)
    counts, _m, job = importer.run(path, actor=setup.marketing)
    assert job.encoding == "xlsx" and counts.created == 1
    lead = Lead.objects.get()
    assert lead.external_ref == "import:1001" and lead.contact_phone == "+8613800000004" and lead.budget_amount == 500000


def test_row_errors_and_the_report_are_in_the_users_language(setup, tmp_path):
    from django.utils import translation

    path = _write(tmp_path, "leads.csv", (HEADER + "坏公司,x,not-a-phone,,,,campus,,,\n"
                                          "好公司有限公司,y,13800000009,,,,campus,面议,,\n").encode())
    with translation.override("zh-hans"):
        _counts, _m, job = importer.run(path, actor=setup.marketing)
        mobile, budget = importer.SCHEMA.label("contact_phone"), importer.SCHEMA.label("budget_amount")
        report = b"".join(importer.csv_bytes(importer.error_report(job))).decode("utf-8-sig")
    assert job.language == "zh-hans" and mobile != "Mobile"
    error = job.errors.get(level="error")
    assert error.message.startswith(f"{mobile}: ") and "contact_phone" not in error.message
    assert job.errors.get(level="warning").message.startswith(f"{budget}: ")
    header = report.splitlines()[0].split(",")
    assert header[0] == "行号" and header[-1] == "错误" and error.message in report


def test_an_interrupted_import_is_shown_as_such_and_resumed_from_the_web(setup, tmp_path, settings,
                                                                       django_capture_on_commit_callbacks):
    class Killed(BaseException):
        pass

    def die(rows_done: int) -> None:
        if rows_done >= 2:
            raise Killed

    settings.M2C_IMPORT_CHUNK = 2
    rows = [f"网页公司{i}有限公司,联系人{i},135{i:08d},,,,campus,,,\n" for i in range(5)]
    path = _write(tmp_path, "leads.csv", (HEADER + "".join(rows)).encode())
    job = importer.create_job(path, actor=setup.marketing)
    with pytest.raises(Killed):
        importer.run(path, actor=setup.marketing, job=job, progress=die)
    LeadImport.objects.filter(pk=job.pk).update(heartbeat_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    client = Client()
    client.force_login(setup.marketing)
    page = client.get(f"/leads/imports/{job.pk}/").content.decode()
    assert 'id="resume-import"' in page and "Resume after line 3" in page  # detected as dead on the visit
    assert LeadImport.objects.get(pk=job.pk).status == "interrupted"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/leads/imports/{job.pk}/resume/", {"mode": "resume"}).status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.processed == 5 and job.created + job.merged == 5
    assert Lead.objects.count() == 5


@pytest.mark.parametrize(("who", "sees_button", "page"), [("partner", False, 403), ("finance", False, 403),
                                                           ("marketing", True, 200)])
def test_the_import_button_shows_only_to_roles_that_may_import_and_the_page_refuses_the_others(setup, who, sees_button,
                                                                                             page):
    """Issue 9: a partner user reached the import page through the lead list's button."""
    client = Client()
    client.force_login(getattr(setup, who))
    listing = client.get(reverse("leads:list"))
    assert listing.status_code == 200
    assert ('id="import-leads"' in listing.content.decode()) is sees_button
    assert client.get(reverse("leads:import")).status_code == page
