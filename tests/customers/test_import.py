"""Customer import from another CRM: GBK CSV, XLSX, identity resolution, dirty values, re-import, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from m2c.cli import main
from m2c.core.imports import runner
from m2c.core.models import Event, ImportJob
from m2c.customers.imports import CLIENT
from m2c.customers.models import Contact, Customer

pytestmark = pytest.mark.django_db

HEADER = "客户名称,统一社会信用代码,所属行业,区域,客户经理,联系人,职务,手机,邮箱\n"
ROWS = [
    "上海华信燃气有限公司,91310000MA1FL0XQ5K,能源,ro-shanghai,ar.li,张三,信息中心主任,13800138000,zs@huaxin-gas.com\n",
    "杭州博远大学,,教育,east,,李四,网络科科长,13900139001,\n",
    "南京启明科技有限公司,,科技,,,,,,\n",
]


def _run(path: Path, actor=None, **kwargs):
    job = runner.create_job(path, CLIENT, actor=actor, **kwargs)
    runner.run_job(job, CLIENT, actor=actor)
    job.refresh_from_db()
    return job


def test_a_gbk_file_creates_customers_with_contacts_and_reimport_creates_nothing_twice(users, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes((HEADER + "".join(ROWS)).encode("gbk"))
    job = _run(path, users.ar)
    assert job.encoding == "gb18030" and job.status == "done"
    assert job.summary() == {"rows": 3, "created": 3, "updated": 0, "merged": 0, "rejected": 0, "warnings": 0}, [
        e.message for e in job.errors.all()]
    gas = Customer.objects.get(legal_name="上海华信燃气有限公司")
    assert (gas.industry, gas.org_unit.code, gas.ar_owner.username, gas.credit_code) == (
        "energy", "ro-shanghai", "ar.li", "91310000MA1FL0XQ5K")
    assert Customer.objects.get(legal_name="南京启明科技有限公司").industry == "internet"
    assert Contact.objects.get(customer=gas).phone == "+8613800138000"
    assert Event.objects.filter(event_type="customers.customer.imported").count() == 3
    again = _run(path, users.ar)
    assert again.summary()["created"] == 0 and again.summary()["merged"] == 3
    assert Customer.objects.count() == 3 and Contact.objects.count() == 2


def test_a_second_spelling_updates_the_known_customer(users, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(HEADER + ROWS[0], encoding="utf-8")
    _run(path, users.ar)
    variant = tmp_path / "b.csv"
    # Full-width brackets and spaces, the same credit code: the same customer.
    variant.write_text("Account Name,USCC,Website\n上海华信燃气 有限公司,91310000MA1FL0XQ5K,www.huaxin-gas.com\n"
                       "（上海）华信燃气有限公司,91310000MA1FL0XQ5K,\n", encoding="utf-8")
    job = _run(variant, users.ar)
    assert Customer.objects.count() == 1
    assert job.created == 0 and job.updated == 1 and job.merged == 1
    assert Customer.objects.get().website == "www.huaxin-gas.com"


def test_an_xlsx_export_with_dirty_values_reports_them_and_a_value_map_fixes_them(users, tmp_path):
    book = Workbook()
    book.active.append(["Account Name", "Industry", "Owner", "Tier"])
    book.active.append(["Lion City Logistics Pte. Ltd.", "Transportation", "ar.li", "Named account"])
    book.active.append(["Marina Bay Financial Holdings", "Financial Services", "ar.li", "strategic"])
    book.active.append(["Orchard Tech Pte. Ltd.", "technolgy", "ar.li", "general"])
    book.active.append(["Sentosa Resorts", "Hospitality", "nobody", 42.0])
    path = tmp_path / "accounts.xlsx"
    book.save(path)
    dry = _run(path, users.ar, dry_run=True)
    assert Customer.objects.count() == 0 and dry.summary()["created"] == 2 and dry.rejected == 2
    errors = {e.row_number: e.message for e in dry.errors.all()}
    assert "“technolgy” is not a known value (did you mean “internet”?)" in errors[4]
    assert errors[4].startswith("Industry: ")  # the field's label, not its code
    assert "“Hospitality”" in errors[5] and "“nobody”" in errors[5]
    # The user maps the dirty values and imports the same stored file.
    values = {"industry": {"technolgy": "internet", "Hospitality": "other"}, "ar_owner": {"nobody": ""}, "tier": {"42": ""}}
    job = _run(path, users.ar, value_maps=values)
    assert job.created == 4 and job.rejected == 0
    assert Customer.objects.get(legal_name="Orchard Tech Pte. Ltd.").industry == "internet"
    assert Customer.objects.get(legal_name="Lion City Logistics Pte. Ltd.").tier == "named"
    assert set(Customer.objects.values_list("industry", flat=True)) <= {"transport", "finance", "internet", "other"}


def test_the_cli_imports_customers_and_refuses_junk_in_one_line(users, tmp_path, capsys):
    path = tmp_path / "accounts.csv"
    path.write_bytes((HEADER + "".join(ROWS)).encode("gbk"))
    assert main(["import", "customers", str(path)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert "  客户名称 -> legal_name" in out and json.loads(out[-1])["created"] == 3
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04" + b"\x00" * 300)
    assert main(["import", "customers", str(junk)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: file:")
    assert ImportJob.objects.filter(kind="customers").count() == 1


def test_from_the_web_in_chinese_mapping_value_map_dry_run_then_import(users, tmp_path, settings,
                                                                        django_capture_on_commit_callbacks):
    import io

    from django.test import Client

    settings.MEDIA_ROOT = tmp_path / "media"
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(users.ar)
    data = (HEADER + "".join(ROWS) + "苏州天成电子有限公司,,technolgy,,,,,,\n").encode("gbk")
    upload = io.BytesIO(data)
    upload.name = "客户.csv"
    response = client.post("/customers/imports/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[:500]
    job = ImportJob.objects.get(kind="customers")
    page = client.get(response["Location"]).content.decode()
    assert 'id="mapping-form"' in page and 'id="value-map-table"' in page and "technolgy" in page
    post = {f"map-{i}": t for i, t in enumerate(job.headers and [job.mapping.get(h, "") for h in job.headers])}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {**post, "mode": "dry_run"})
    job.refresh_from_db()
    assert job.status == "done" and job.dry_run and Customer.objects.count() == 0 and job.rejected == 1
    error = job.errors.get(level="error").message
    assert error.startswith("行业") and "technolgy" in error  # the row error in the user's language
    values = {"vmraw-industry-1": "technolgy", "vm-industry-1": "manufacturing"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {**post, **values, "mode": "import"})
    job.refresh_from_db()
    assert job.status == "done" and not job.dry_run and job.created == 4 and job.rejected == 0
    assert Customer.objects.get(legal_name="苏州天成电子有限公司").industry == "manufacturing"
    assert not Path(job.file_path).exists()  # the finished upload is removed


def test_a_role_without_customer_rights_cannot_open_the_import(users):
    from django.test import Client

    client = Client()
    client.force_login(users.partner)
    assert client.get("/customers/imports/").status_code == 403
    client.force_login(users.ar)
    assert client.get("/customers/imports/").status_code == 200
    assert client.get("/opportunities/imports/").status_code == 200
