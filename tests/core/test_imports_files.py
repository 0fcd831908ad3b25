"""The import engine's file handling: content sniffing, zip bombs, junk, encodings, values, mapping."""

from __future__ import annotations

import datetime as dt
import os
import random
import stat
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from m2c.core.imports import files, uploads
from m2c.core.imports.files import FileRefused
from m2c.core.imports.mapping import CODE, Field, Schema
from m2c.core.imports.values import CellWarning, parse_amount, parse_bool, parse_date


def zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """An XLSX-shaped zip whose shared strings expand to ``megabytes`` MB (a few hundred KB on disk)."""
    chunk = b"<si><t>" + b"A" * (1024 * 1024 - 15) + b"</t></si>"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b"<sst>")
            for _i in range(megabytes):
                member.write(chunk)
            member.write(b"</sst>")
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return zip_bomb(tmp_path_factory.mktemp("bomb") / "leads.xlsx")


def test_a_zip_bomb_is_refused_from_its_directory_before_it_is_opened(bomb):
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(FileRefused) as refused:
        files.kind_of(bomb)
    assert "unsafe" in refused.value.detail or "MB" in refused.value.detail
    with pytest.raises(FileRefused):
        list(files.raw_rows(bomb, files.XLSX))  # the reader checks again before openpyxl


def test_a_workbook_that_expands_beyond_the_total_limit_is_refused(tmp_path, settings):
    settings.M2C_IMPORT_MAX_EXPANDED_BYTES = 1024 * 1024
    settings.M2C_IMPORT_MAX_RATIO = 10**9
    bomb = zip_bomb(tmp_path / "big.xlsx", megabytes=3)
    with pytest.raises(FileRefused, match="more than 1 MB"):
        files.kind_of(bomb)


def test_a_fake_zip_and_a_zip_that_is_no_workbook_are_refused(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04" + os.urandom(4000))
    with pytest.raises(FileRefused, match="damaged"):
        files.kind_of(fake)
    other = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8" * 100)
    with pytest.raises(FileRefused, match="not an Excel workbook"):
        files.kind_of(other)


@pytest.mark.parametrize("junk", [random.Random(7).randbytes(5000), b"\x00\x01\x02" * 1000,
                                  b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 20], ids=["random", "nul", "elf"])
def test_binary_junk_is_refused(tmp_path, junk):
    path = tmp_path / "leads.csv"
    path.write_bytes(junk)
    with pytest.raises(FileRefused, match="not a CSV or Excel file"):
        files.kind_of(path)


def test_an_xlsx_named_csv_is_read_as_a_workbook(tmp_path):
    book = Workbook()
    book.active.append(["公司名称", "手机", "预算"])
    book.active.append(["上海华信燃气有限公司", 13800138000, 800000.0])
    path = tmp_path / "export.csv"
    book.save(path)
    table = files.open_table(path)
    assert table.kind == "xlsx" and table.headers == ["公司名称", "手机", "预算"]
    number, row = next(table.rows)
    assert number == 2 and [files.cell_text(v) for v in row] == ["上海华信燃气有限公司", "13800138000", "800000"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_text_in_each_encoding(tmp_path, encoding):
    path = tmp_path / "x.csv"
    path.write_bytes("公司名称,行业\n杭州博远大学,教育\n".encode(encoding))
    table = files.open_table(path)
    assert table.headers == ["公司名称", "行业"]
    assert [r for _n, r in table.rows] == [["杭州博远大学", "教育"]]


@pytest.mark.parametrize(("text", "amount"), [
    ("80万元", Decimal("800000")), ("约100万", Decimal("1000000")), ("1.2亿", Decimal("120000000")),
    ("¥1,500", Decimal("1500")), ("50 万", Decimal("500000")), ("1.5k", Decimal("1500")), (1500000.5, Decimal("1500000.5")),
    ("面议", None), ("Select", None), ("", None), ("n/a", None),
])
def test_amounts_as_chinese_teams_write_them(text, amount):
    assert parse_amount(text) == amount


def test_an_unreadable_amount_date_or_flag_is_a_warning_not_an_error():
    for parse, value in ((parse_amount, "很多"), (parse_date, "下周"), (parse_bool, "maybe")):
        with pytest.raises(CellWarning):
            parse(value)
    assert parse_date("2027年3月1日") == dt.date(2027, 3, 1) and parse_date(46082) == dt.date(2026, 3, 1)
    assert parse_bool("是") is True and parse_bool("否") is False and parse_bool("Select") is None


def test_value_maps_are_suggested_and_near_misses_reported():
    schema = Schema([Field("industry", "Industry", ("行业",), CODE,
                           lambda: {"technology": ["Technology", "科技"], "education": ["Education", "教育"]})])
    found = {s.raw: s for s in schema.suggest_values(schema.by_name["industry"], ["科技", "technolgy", "Education ", "乱码"])}
    assert found["科技"].code == "technology" and found["科技"].exact
    assert found["technolgy"].code == "technology" and not found["technolgy"].exact  # reported, not created
    assert found["Education "].exact and found["乱码"].code == "" and not found["乱码"].exact
    assert schema.suggest(["所属行业", "Name"]) == {"所属行业": "industry"}


def test_an_upload_file_is_private(tmp_path, settings, db, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    stored = uploads.receive(SimpleUploadedFile("a.csv", "公司名称\n甲公司\n".encode()), kind="leads",
                             actor=users.marketing, roles=("marketing",))
    assert stat.S_IMODE(stored.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.path.parent.stat().st_mode) == 0o700
    uploads.discard(stored.path)
    assert not stored.path.exists()


def test_the_secret_key_is_created_private(tmp_path):
    env = {**os.environ, "M2C_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "m2c.settings"}
    env.pop("M2C_SECRET_KEY", None)
    subprocess.run([sys.executable, "-c", "import m2c.settings"], env=env, check=True, timeout=60)
    assert stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700


def test_processes_starting_at_once_on_a_fresh_install_share_one_secret_key(tmp_path):
    # An app server and its workers start together on a new machine: none may fail on the key file the
    # others are creating, and all must sign with the same key (CI once lost a race test to this).
    env = {**os.environ, "M2C_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "m2c.settings"}
    env.pop("M2C_SECRET_KEY", None)
    # Each child loads everything settings needs, says so, and waits; all are released together.
    code = ("import sys, importlib.util as u; import dj_database_url, django.conf; "
            "spec = u.find_spec('m2c.settings'); print('ready', flush=True); sys.stdin.readline(); "
            "import m2c.settings as s; print(s.SECRET_KEY)")
    children = [subprocess.Popen([sys.executable, "-c", code], env=env, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True) for _ in range(16)]
    assert all(child.stdout.readline().strip() == "ready" for child in children)
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    keys = {child.communicate(timeout=60)[0].strip() for child in children}
    assert all(child.returncode == 0 for child in children)
    assert len(keys) == 1 and len(keys.pop()) > 40
    assert not list((tmp_path / "var").glob(".secret_key.*"))  # no temporary file left behind
