"""Offering lines inferred from a lead's need text, and an import's default line (issue 9 item 2)."""

import pytest
from django.test import Client

from m2c.cli import main
from m2c.core.models import Event, OfferingLine
from m2c.leads import importer
from m2c.leads.capture import Reference
from m2c.leads.events import LEAD_CAPTURED
from m2c.leads.models import Lead, LeadImport

pytestmark = pytest.mark.django_db

# A plain Chinese file: no offering-line column, the need only in words.
PLAIN = (
    "公司名称,联系人,手机,省份,行业,预算,预计采购时间,需求描述\n"
    "上海华信燃气有限公司,张三,13800138000,上海,能源,200万,2027-02-01,办公楼无线覆盖改造\n"
    "杭州博远大学,李四,13900139001,浙江,教育,80万,2027-03-01,新校区园区网络建设与WiFi\n"
    "宁波海港物流有限公司,王五,13700137002,浙江,交通,50万,2027-02-15,仓库监控摄像头\n"
)


@pytest.fixture
def keyed(users, lines, rules, org):
    for line, words in ((lines.campus, "园区网络, 园区网, campus"), (lines.wlan, "无线, 无线覆盖, Wi-Fi, WiFi, WLAN"),
                        (lines.dc, "数据中心, 机房, data center, DC")):
        line.keywords = words
        line.save()
    return users


def _captured(lead: Lead) -> dict:
    return Event.objects.get(event_type=LEAD_CAPTURED, subject_id=str(lead.pk)).payload


def _lines(name: str) -> set[str]:
    return set(Lead.objects.get(raw_customer_name=name).offering_lines.values_list("code", flat=True))


def test_the_scanner_prefers_the_longer_word_and_ascii_words_match_whole(keyed, lines):
    ref = Reference()
    assert ref.keywords.scan("需要无线覆盖") == [(lines.wlan.pk, "无线覆盖")]
    assert ref.keywords.scan("DCIM 系统") == []
    assert ref.keywords.scan("new dc and Campus") == [(lines.dc.pk, "dc"), (lines.campus.pk, "Campus")]
    assert ref.keywords.scan("", "监控") == []


def test_a_chinese_file_without_a_line_column_ends_in_valid_routed_leads_with_the_word_recorded(keyed, tmp_path, lines):
    path = tmp_path / "线索.csv"
    path.write_bytes(PLAIN.encode("utf-8-sig"))
    counts, mapping, _job = importer.run(path, actor=keyed.marketing)
    assert mapping["需求描述"] == "description"
    assert counts.as_dict() == {"rows": 3, "created": 3, "merged": 0, "invalid": 1, "rejected": 0}
    gas = Lead.objects.get(raw_customer_name="上海华信燃气有限公司")
    assert gas.status == "ASSIGNED" and (gas.owner_id or gas.queue_id)
    assert _lines("上海华信燃气有限公司") == {"wlan"}
    assert _captured(gas)["lines_inferred"] == [{"line": "wlan", "word": "无线覆盖"}]
    uni = Lead.objects.get(raw_customer_name="杭州博远大学")
    assert uni.status == "ASSIGNED" and _lines("杭州博远大学") == {"campus", "wlan"}
    assert _captured(uni)["lines_inferred"] == [{"line": "campus", "word": "园区网络"}, {"line": "wlan", "word": "WiFi"}]
    # Nothing in the text names a line: still invalid, and nothing is claimed as inferred.
    port = Lead.objects.get(raw_customer_name="宁波海港物流有限公司")
    assert port.status == "INVALID" and "no_offering_line" in port.invalid_reasons
    assert "lines_inferred" not in _captured(port)
    # The lead shows where its line came from.
    client = Client()
    client.force_login(keyed.admin)
    page = client.get(f"/leads/{gas.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "无线覆盖" in page and "lines-inferred" in page


def test_the_cli_default_line_takes_the_rows_keywords_leave_without_one(keyed, tmp_path, capsys, lines):
    path = tmp_path / "线索.csv"
    path.write_bytes(PLAIN.encode("utf-8-sig"))
    assert main(["import", "leads", str(path), "--offering-line", "dc"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith('{"rows": 3, "created": 3, "merged": 0, "invalid": 0')
    assert _lines("上海华信燃气有限公司") == {"wlan"}  # the keyword comes before the default
    port = Lead.objects.get(raw_customer_name="宁波海港物流有限公司")
    assert port.status == "ASSIGNED" and _lines("宁波海港物流有限公司") == {"dc"}
    assert _captured(port)["lines_inferred"] == [{"line": "dc", "default": True}]


def test_the_cli_refuses_an_unknown_default_line(keyed, tmp_path, capsys):
    path = tmp_path / "线索.csv"
    path.write_bytes(PLAIN.encode("utf-8-sig"))
    assert main(["import", "leads", str(path), "--offering-line", "nope"]) == 2
    assert "nope" in capsys.readouterr().err and not Lead.objects.exists()


def test_the_mapping_page_offers_a_default_line(keyed, tmp_path, django_capture_on_commit_callbacks, lines):
    client = Client()
    client.force_login(keyed.marketing)
    path = tmp_path / "线索.csv"
    path.write_bytes(PLAIN.encode("utf-8-sig"))
    with open(path, "rb") as upload:
        response = client.post("/leads/imports/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302
    job = LeadImport.objects.get()
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'name="default_offering_line"' in page and '<option value="dc">' in page
    post = {f"map-{i}": t for i, t in enumerate(["customer_name", "contact_name", "contact_phone", "province", "industry",
                                                  "budget_amount", "expected_purchase_date", "description"])}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/leads/imports/{job.pk}/", {**post, "mode": "import", "default_offering_line": "campus"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans").status_code == 302
    job.refresh_from_db()
    assert job.summary() == {"rows": 3, "created": 3, "merged": 0, "invalid": 0, "rejected": 0}
    assert job.defaults["default_offering_line"] == "campus"
    assert _lines("宁波海港物流有限公司") == {"campus"}


def test_an_api_lead_describing_a_data_center_gets_the_dc_line(keyed, api, lines):
    response = api(keyed.marketing).post("/leads", {"customer_name": "申江大学", "contact_phone": "13800138000",
                                                    "description": "数据中心改造"})
    assert response.status_code == 201, response.content
    lead = Lead.objects.get(pk=response.json()["id"])
    assert lead.status != "INVALID" and set(lead.offering_lines.values_list("code", flat=True)) == {"dc"}
    assert _captured(lead)["lines_inferred"] == [{"line": "dc", "word": "数据中心"}]


def test_a_line_the_lead_names_is_never_replaced_by_a_keyword(keyed, api, lines):
    response = api(keyed.marketing).post("/leads", {"customer_name": "申江大学", "contact_phone": "13800138000",
                                                    "offering_lines": ["campus"], "description": "数据中心改造"})
    lead = Lead.objects.get(pk=response.json()["id"])
    assert set(lead.offering_lines.values_list("code", flat=True)) == {"campus"}
    assert "lines_inferred" not in _captured(lead)


def test_keywords_are_editable_in_the_admin(keyed, lines):
    client = Client()
    client.force_login(keyed.admin)
    url = f"/admin/core/offeringline/{lines.dc.pk}/change/"
    assert 'name="keywords"' in client.get(url).content.decode()
    line = OfferingLine.objects.get(pk=lines.dc.pk)
    data = {"code": line.code, "name": line.name, "name_en": line.name_en, "product_category": line.product_category,
            "keywords": "数据中心，服务器机房", "active": "on"}
    assert client.post(url, data).status_code == 302
    assert Reference().keywords.scan("服务器机房扩容") == [(lines.dc.pk, "服务器机房")]
