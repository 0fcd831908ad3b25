"""The asset library's API: create, upload versions, publish through explicit commands, search in both
languages, a campaign's assets; bad input names the field; other roles are refused."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from m2c.campaigns.models import MarketingAsset
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _body(**overrides):
    body = {"title": "园区网络白皮书", "title_en": "Campus Network White Paper", "tags": ["园区", "campus"],
            "asset_type": "white_paper", "language": "zh", "offering_line": "campus", "journey_stage": "interest",
            "review_due": (timezone.localdate() + dt.timedelta(days=90)).isoformat()}
    body.update(overrides)
    return body


def test_create_upload_publish_search_and_link_through_the_api(api, users, lines):
    client = api(users.marketing)
    created = client.post("/assets", _body())
    assert created.status_code == 201, created.json()
    asset = created.json()
    assert (asset["status"], asset["owner"]["username"], asset["tags"], asset["current_version"]) == (
        "DRAFT", "mkt", ["园区", "campus"], 0)
    refused = client.post(f"/assets/{asset['id']}/submit")
    assert refused.status_code == 422 and refused.json()["code"] == "asset_without_file"
    uploaded = client.client.post(f"/api/v1/assets/{asset['id']}/versions",
                                  {"file": SimpleUploadedFile("白皮书.pdf", PDF), "note": "初版"})
    assert uploaded.status_code == 201, uploaded.json()
    assert (uploaded.json()["number"], uploaded.json()["file_name"]) == (1, "白皮书.pdf")
    download = client.get(f"/assets/{asset['id']}/versions/1/file")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    bad = client.client.post(f"/api/v1/assets/{asset['id']}/versions", {"file": SimpleUploadedFile("x.pdf", b"GIF89a")})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "file"
    assert client.post(f"/assets/{asset['id']}/submit").status_code == 200
    published = client.post(f"/assets/{asset['id']}/publish", {})
    assert published.status_code == 200 and published.json()["status"] == "PUBLISHED"
    detail = client.get(f"/assets/{asset['id']}").json()
    assert [v["number"] for v in detail["versions"]] == [1]
    assert [a["id"] for a in client.get("/assets", {"search": "白皮书"}).json()["items"]] == [asset["id"]]
    assert [a["id"] for a in client.get("/assets", {"search": "white paper"}).json()["items"]] == [asset["id"]]
    assert client.get("/assets", {"search": "数据中心"}).json()["items"] == []
    campaign = CampaignFactory(name="高校峰会", status="PREPARING")
    linked = client.post(f"/campaigns/{campaign.pk}/assets", {"asset": asset["id"], "purpose": "资料袋"})
    assert linked.status_code == 201, linked.json()
    assert [x["asset"]["id"] for x in client.get(f"/campaigns/{campaign.pk}/assets").json()] == [asset["id"]]
    assert client.client.delete(f"/api/v1/campaigns/{campaign.pk}/assets/{asset['id']}").status_code == 204
    retired = client.post(f"/assets/{asset['id']}/retire", {"reason": "产品停售"})
    assert retired.json()["status"] == "RETIRED"
    changed = client.patch(f"/assets/{asset['id']}", {"title": "新标题"})
    assert changed.status_code == 409


def test_bad_input_names_the_field_and_writes_nothing(api, users, lines):
    client = api(users.marketing)
    response = client.post("/assets", _body(offering_line="nope"))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "offering_line"
    response = client.post("/assets", _body(title=""))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "title"
    assert not MarketingAsset.objects.exists()


def test_other_roles_are_refused(api, users, lines):
    asset = api(users.marketing).post("/assets", _body()).json()
    assert api(users.executive).get(f"/assets/{asset['id']}").status_code == 200
    assert api(users.executive).post("/assets", _body(title="x")).status_code == 403
    for user in (users.ar, users.partner):
        assert api(user).get("/assets").status_code == 403
        assert api(user).get(f"/assets/{asset['id']}").status_code == 403
