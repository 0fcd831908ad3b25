"""The asset library's pages in Chinese: marketing creates an asset with its file, uploads a version,
publishes it, a campaign uses it; the list filters and searches; other roles are refused."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from m2c.campaigns import services
from m2c.campaigns.models import MarketingAsset
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["m2c_language"] = language
    client.force_login(user)
    return client


def _form(users, lines, **overrides):
    data = {"title": "智慧校园解决方案手册", "title_en": "Smart Campus Solution Guide", "asset_type": "solution_guide",
            "language": "zh", "offering_line": str(lines.campus.pk), "journey_stage": "evaluation",
            "owner": str(users.marketing.pk), "review_due": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
            "tags": "校园, 园区", "summary": "高校园区网络与无线的整体方案", "summary_en": ""}
    data.update(overrides)
    return data


def test_marketing_creates_publishes_and_a_campaign_uses_an_asset_in_chinese(users, lines):
    client = _client(users.marketing)
    assert "新建资料" in client.get("/campaigns/assets/new/").content.decode()
    response = client.post("/campaigns/assets/new/", {**_form(users, lines),
                                                      "file": SimpleUploadedFile("手册.pdf", PDF)})
    assert response.status_code == 302, response.content.decode()[:3000]
    asset = MarketingAsset.objects.get(title="智慧校园解决方案手册")
    assert response["Location"] == f"/campaigns/assets/{asset.pk}/"
    assert (asset.current_version, asset.offering_line, asset.owner, asset.tags) == (1, lines.campus, users.marketing,
                                                                                     "校园, 园区")
    response = client.post(f"/campaigns/assets/{asset.pk}/versions/",
                           {"file": SimpleUploadedFile("手册v2.pdf", PDF + b"2"), "note": "补充案例"})
    assert response.status_code == 302
    page = client.get(f"/campaigns/assets/{asset.pk}/").content.decode()
    assert "手册v2.pdf" in page and "补充案例" in page and "草稿" in page
    download = client.get(f"/campaigns/assets/{asset.pk}/versions/1/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client.post(f"/campaigns/assets/{asset.pk}/do/submit/").status_code == 302
    assert client.post(f"/campaigns/assets/{asset.pk}/do/publish/", {"review_due": ""}).status_code == 302
    asset.refresh_from_db()
    assert asset.status == "PUBLISHED"
    page = client.get(f"/campaigns/assets/{asset.pk}/").content.decode()
    assert "已发布" in page and "即将到期复审" in page  # review due in 20 days
    campaign = CampaignFactory(name="高校智慧校园峰会", status="PREPARING")
    response = client.post(f"/campaigns/{campaign.pk}/assets/", {"asset": str(asset.pk), "purpose": "会场资料袋"})
    assert response.status_code == 302
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "智慧校园解决方案手册" in page and "会场资料袋" in page


def test_a_bad_file_is_named_beside_the_field_and_nothing_is_written(users, lines):
    client = _client(users.marketing)
    response = client.post("/campaigns/assets/new/", {**_form(users, lines),
                                                      "file": SimpleUploadedFile("手册.pdf", b"not a pdf")})
    assert response.status_code == 422
    assert "文件内容不是 PDF 文件" in response.content.decode() or "PDF" in response.content.decode()
    assert not MarketingAsset.objects.exists()


def test_the_list_filters_searches_and_flags_expired_assets(users, lines):
    today = timezone.localdate()
    expired = services.asset_create(actor=users.marketing, title="旧版园区网络手册", asset_type="brochure", language="zh",
                                    offering_line=lines.campus, journey_stage="awareness", owner=users.marketing,
                                    review_due=today + dt.timedelta(days=5),
                                    file=SimpleUploadedFile("a.pdf", PDF))
    services.asset_submit(asset=expired, actor=users.marketing)
    services.asset_publish(asset=expired, actor=users.marketing)
    services.asset_expiry_sweep(today=today + dt.timedelta(days=6))
    services.asset_create(actor=users.marketing, title="Data Center Case Study", asset_type="case_study", language="en",
                          offering_line=lines.dc, journey_stage="decision", owner=users.marketing,
                          review_due=today + dt.timedelta(days=300))
    client = _client(users.executive)
    page = client.get("/campaigns/assets/").content.decode()
    assert "旧版园区网络手册" in page and "Data Center Case Study" in page and "已过期" in page
    page = client.get("/campaigns/assets/?expiring=1").content.decode()
    assert "旧版园区网络手册" in page and "Data Center Case Study" not in page
    page = client.get("/campaigns/assets/?search=case+study").content.decode()
    assert "Data Center Case Study" in page and "旧版园区网络手册" not in page
    page = client.get("/campaigns/assets/?search=园区&language=zh&asset_type=brochure").content.decode()
    assert "旧版园区网络手册" in page and "Data Center Case Study" not in page
    # Executives read; they do not edit.
    assert client.get("/campaigns/assets/new/").status_code == 403


def test_other_roles_are_refused(users, lines):
    asset = services.asset_create(actor=users.marketing, title="园区网络白皮书", asset_type="white_paper", language="zh",
                                  offering_line=lines.campus, journey_stage="interest", owner=users.marketing,
                                  review_due=timezone.localdate(), file=SimpleUploadedFile("a.pdf", PDF))
    for user in (users.ar, users.partner, users.finance):
        client = _client(user)
        assert client.get("/campaigns/assets/").status_code == 403
        assert client.get(f"/campaigns/assets/{asset.pk}/").status_code == 403
        assert client.get(f"/campaigns/assets/{asset.pk}/versions/1/download/").status_code == 403
