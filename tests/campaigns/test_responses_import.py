"""Response import through the shared engine: a messy GBK file with bad rows (good rows kept, each bad one
named with its field), a dry run, re-import, a wrong-encoding file refused as a whole, the API."""

import pytest

from m2c.campaigns.imports import CLIENT
from m2c.campaigns.models import CampaignResponse, Consent
from m2c.campaigns.services import responses_convert_pending
from m2c.core.imports import runner
from m2c.leads.models import Lead

pytestmark = pytest.mark.django_db

HEADER = "活动,响应类型,姓名,公司名称,邮箱,手机,时间,同意接收\n"
ROWS = [
    "east-campus-seminar,展台,赵强,东海医院,zhao@donghai.cn,13900139000,2026-03-05 14:30,是\n",  # good
    "华东园区网络研讨会,下载,钱敏,申江大学,qian@shenjiang.edu.cn,,2026/3/5,否\n",  # good (campaign by name)
    "east-campus-seminar,回电,孙丽,启明科技,,13700137000,2026年3月6日,\n",  # good
    "east-campus-seminar,跳舞,周杰,某公司,zhou@example.com,,2026-03-05,\n",  # unknown response type
    "no-such-campaign,签到,吴刚,某公司,wu@example.com,,2026-03-05,\n",  # unknown campaign
    "east-campus-seminar,签到,,,,,2026-03-05,\n",  # no name, email or phone
    "east-campus-seminar,报名,郑华,某公司,zheng@example.com,,下周三,\n",  # not a time
]


def _file(tmp_path, data: bytes, name="responses.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _run(path, actor, **kwargs):
    job = runner.create_job(path, CLIENT, actor=actor, **kwargs)
    runner.run_job(job, CLIENT, actor=actor)
    job.refresh_from_db()
    return job


def test_a_messy_gbk_file_keeps_good_rows_and_names_each_bad_one(event, users, tmp_path):
    path = _file(tmp_path, (HEADER + "".join(ROWS)).encode("gbk"))
    dry = _run(path, users.marketing, dry_run=True)
    assert (dry.encoding, dry.created, dry.rejected) == ("gb18030", 3, 4)
    assert not CampaignResponse.objects.exists()  # a dry run stores nothing
    job = _run(_file(tmp_path, (HEADER + "".join(ROWS)).encode("gbk"), "again.csv"), users.marketing)
    assert (job.created, job.rejected, job.status) == (3, 4, "done")
    problems = {e.row_number: (e.field, e.message) for e in job.errors.filter(level="error")}
    assert set(problems) == {5, 6, 7, 8}
    assert problems[5][0] == "type" and "跳舞" in problems[5][1]
    assert problems[6][0] == "campaign"
    assert problems[8][0] == "responded_at"
    stored = {r.name: r for r in CampaignResponse.objects.all()}
    assert set(stored) == {"赵强", "钱敏", "孙丽"}
    assert stored["赵强"].type == "booth_visit" and stored["钱敏"].type == "download"
    assert stored["孙丽"].type == "callback_request" and stored["孙丽"].status == "PENDING"
    assert {(c.subject, c.granted, c.source) for c in Consent.objects.all()} == {
        ("zhao@donghai.cn", True, "import"), ("qian@shenjiang.edu.cn", False, "import")}
    # Re-importing the same file creates nothing twice.
    again = _run(_file(tmp_path, (HEADER + "".join(ROWS)).encode("gbk"), "third.csv"), users.marketing)
    assert (again.created, again.merged) == (0, 3) and CampaignResponse.objects.count() == 3
    # The worker's sweep converts them through the lead rules.
    assert responses_convert_pending() == 3
    assert Lead.objects.filter(source_campaign=event, channel="import").count() == 3


def test_a_file_in_another_encoding_is_refused_with_a_clear_error(event, users, tmp_path):
    latin = "Campaign,Type,Name,Company,Email\neast-campus-seminar,download,José Müller,Café Société,jm@example.com\n"
    path = _file(tmp_path, latin.encode("latin-1"))
    created = runner.create_job(path, CLIENT, actor=users.marketing)
    with pytest.raises(Exception, match="neither UTF-8 nor GBK"):
        runner.run_job(created, CLIENT, actor=users.marketing)
    created.refresh_from_db()
    assert created.status == "failed" and "UTF-8" in created.message
    assert not CampaignResponse.objects.exists()


def test_the_import_api_with_a_dry_run_and_the_file_errors(event, users, api, tmp_path):
    data = (HEADER + "".join(ROWS[:1] + ROWS[3:4])).encode("gbk")
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api(users.marketing).client
    dry = client.post("/api/v1/responses/import", {"file": SimpleUploadedFile("r.csv", data), "dry_run": "true"})
    assert dry.status_code == 201, dry.content
    body = dry.json()
    assert (body["dry_run"], body["created"], body["rejected"]) == (True, 1, 1)
    assert body["errors"][0]["field"] == "type" and not CampaignResponse.objects.exists()
    real = client.post("/api/v1/responses/import", {"file": SimpleUploadedFile("r.csv", data)})
    assert real.json()["created"] == 1 and CampaignResponse.objects.count() == 1
    bad = client.post("/api/v1/responses/import", {"file": SimpleUploadedFile("r.csv", "Name,Company\nJosé,Café\n".encode("latin-1"))})
    assert bad.status_code == 400 and "UTF-8" in bad.json()["detail"]


def test_from_the_web_in_chinese_dry_run_then_import(event, users, tmp_path, settings,
                                                     django_capture_on_commit_callbacks):
    import io

    from django.test import Client

    from m2c.core.models_imports import ImportJob

    settings.MEDIA_ROOT = tmp_path / "media"
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    upload = io.BytesIO((HEADER + "".join(ROWS)).encode("gbk"))
    upload.name = "展会响应.csv"
    response = client.post("/campaigns/imports/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[:500]
    job = ImportJob.objects.get(kind="responses")
    assert job.mapping["响应类型"] == "type" and job.mapping["公司名称"] == "company"
    page = client.get(response["Location"]).content.decode()
    assert 'id="mapping-form"' in page and "跳舞" in page  # the type nobody knows, offered for mapping
    post = {f"map-{i}": job.mapping.get(h, "") for i, h in enumerate(job.headers)}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {**post, "mode": "dry_run"})
    job.refresh_from_db()
    assert job.status == "done" and job.dry_run and job.created == 3 and not CampaignResponse.objects.exists()
    assert job.errors.filter(level="error", field="type").get().message.startswith("响应类型")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {**post, "vmraw-type-1": "跳舞", "vm-type-1": "booth_visit", "mode": "import"})
    job.refresh_from_db()
    assert (job.status, job.created, job.rejected) == ("done", 4, 3)
    client.force_login(users.ar)
    assert client.get("/campaigns/imports/").status_code == 403
