"""The marketing asset library (issue 11 item 6): versioned files checked before they are stored, the life
cycle through its transition table with events, the expiry sweep, links from campaigns, and search in both
languages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from m2c.campaigns import selectors, services
from m2c.campaigns.asset_selectors import asset_is_expiring, campaign_asset_links
from m2c.campaigns.asset_states import ASSET_MACHINE
from m2c.campaigns.models import AssetVersion, CampaignAsset, MarketingAsset
from m2c.core.errors import Conflict, DuplicateRecord, InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name="白皮书.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def make_asset(users, lines, **overrides):
    data = {"title": "园区网络白皮书", "title_en": "Campus Network White Paper", "summary": "面向高校的园区网络建设指南",
            "summary_en": "How universities build campus networks", "tags": "园区, 高校, Wi-Fi 7",
            "asset_type": "white_paper", "language": "zh", "offering_line": lines.campus, "journey_stage": "interest",
            "owner": users.marketing, "review_due": timezone.localdate() + dt.timedelta(days=180)}
    data.update(overrides)
    file = data.pop("file", pdf())
    return services.asset_create(actor=users.marketing, file=file, **data)


def test_an_asset_is_created_with_its_first_version_and_each_upload_is_a_new_immutable_version(users, lines):
    asset = make_asset(users, lines)
    assert (asset.status, asset.current_version) == ("DRAFT", 1)
    first = AssetVersion.objects.get(asset=asset)
    assert (first.number, first.file_name, first.size) == (1, "白皮书.pdf", len(PDF))
    assert first.file.read() == PDF
    second = services.asset_version_upload(asset=asset, actor=users.marketing,
                                           file=pdf("白皮书-v2.pdf", PDF + b"v2"), note="更新案例数据")
    asset.refresh_from_db()
    assert (second.number, asset.current_version, second.note) == (2, 2, "更新案例数据")
    first.refresh_from_db()
    assert first.file.read() == PDF  # the earlier version is kept as it was
    with pytest.raises(ValueError):
        first.save()
    types = [e.event_type for e in Event.objects.for_subject(asset).order_by("id")]
    assert types == ["campaigns.asset.created", "campaigns.asset.version_uploaded", "campaigns.asset.version_uploaded"]


def test_slides_and_videos_are_accepted_and_a_disguised_file_is_refused_before_anything_is_written(users, lines):
    video = make_asset(users, lines, asset_type="video", file=SimpleUploadedFile("demo.mp4", MP4))
    assert video.current_version == 1
    deck = make_asset(users, lines, asset_type="slides", file=SimpleUploadedFile("deck.pptx", b"PK\x03\x04rest"))
    assert deck.current_version == 1
    before = MarketingAsset.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        make_asset(users, lines, title="伪装文件", file=SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"))
    assert refused.value.errors[0]["field"] == "file" and refused.value.code == "validation_failed"
    with pytest.raises(ValidationFailed) as refused:
        make_asset(users, lines, title="脚本", file=SimpleUploadedFile("run.exe", b"MZ"))
    assert "PPTX" in refused.value.errors[0]["reason"] and "MP4" in refused.value.errors[0]["reason"]
    assert MarketingAsset.objects.count() == before
    with pytest.raises(ValidationFailed) as refused:
        services.asset_version_upload(asset=video, actor=users.marketing, file=None)
    assert refused.value.errors[0]["field"] == "file"


def test_bad_input_names_every_field(users, lines):
    with pytest.raises(ValidationFailed) as refused:
        services.asset_create(actor=users.marketing, title="", asset_type="poster", language="fr", offering_line=None,
                              journey_stage="", owner=None, review_due="tomorrow")
    fields = {e["field"] for e in refused.value.errors}
    assert fields == {"title", "asset_type", "language", "offering_line", "journey_stage", "owner", "review_due"}
    assert not MarketingAsset.objects.exists()


def test_only_marketing_and_administrators_keep_the_library(users, lines):
    with pytest.raises(PermissionDenied):
        services.asset_create(actor=users.ar, title="x", asset_type="brochure", language="zh",
                              offering_line=lines.campus, journey_stage="awareness", owner=users.ar,
                              review_due=timezone.localdate())
    asset = make_asset(users, lines)
    with pytest.raises(PermissionDenied):
        services.asset_submit(asset=asset, actor=users.executive)
    assert MarketingAsset.objects.get(pk=asset.pk).status == "DRAFT"


def test_the_life_cycle_moves_through_its_table_with_events(users, lines):
    asset = make_asset(users, lines, file=None)
    with pytest.raises(ValidationFailed) as refused:  # no file yet
        services.asset_submit(asset=asset, actor=users.marketing)
    assert refused.value.code == "asset_without_file"
    services.asset_version_upload(asset=asset, actor=users.marketing, file=pdf())
    services.asset_submit(asset=asset, actor=users.marketing)
    services.asset_return(asset=asset, actor=users.marketing, reason="案例数据需要法务确认")
    services.asset_submit(asset=asset, actor=users.marketing)
    services.asset_publish(asset=asset, actor=users.admin)
    asset.refresh_from_db()
    assert asset.status == "PUBLISHED" and asset.published_at is not None
    with pytest.raises(InvalidTransition):
        services.asset_submit(asset=asset, actor=users.marketing)
    services.asset_retire(asset=asset, actor=users.marketing, reason="产品停售")
    with pytest.raises(Conflict):
        services.asset_update(asset=asset, actor=users.marketing, title="新标题")
    with pytest.raises(Conflict):
        services.asset_version_upload(asset=asset, actor=users.marketing, file=pdf())
    moves = list(Event.objects.for_subject(asset).exclude(to_state="").order_by("id")
                 .values_list("event_type", "from_state", "to_state"))
    assert moves == [
        ("campaigns.asset.submitted", "DRAFT", "IN_REVIEW"),
        ("campaigns.asset.returned", "IN_REVIEW", "DRAFT"),
        ("campaigns.asset.submitted", "DRAFT", "IN_REVIEW"),
        ("campaigns.asset.published", "IN_REVIEW", "PUBLISHED"),
        ("campaigns.asset.retired", "PUBLISHED", "RETIRED"),
    ]


def test_every_pair_of_the_table_is_declared_or_refused():
    states = ["DRAFT", "IN_REVIEW", "PUBLISHED", "EXPIRED", "RETIRED"]
    allowed = {(s, t) for s in states for t in states if ASSET_MACHINE.find(s, t)}
    assert allowed == {("DRAFT", "IN_REVIEW"), ("EXPIRED", "IN_REVIEW"), ("IN_REVIEW", "DRAFT"),
                       ("IN_REVIEW", "PUBLISHED"), ("EXPIRED", "PUBLISHED"), ("PUBLISHED", "EXPIRED"),
                       ("DRAFT", "RETIRED"), ("IN_REVIEW", "RETIRED"), ("PUBLISHED", "RETIRED"),
                       ("EXPIRED", "RETIRED")}


def test_publishing_needs_a_review_date_ahead_and_the_sweep_expires_overdue_assets(users, lines):
    today = timezone.localdate()
    asset = make_asset(users, lines, review_due=today)
    services.asset_submit(asset=asset, actor=users.marketing)
    with pytest.raises(ValidationFailed) as refused:
        services.asset_publish(asset=asset, actor=users.marketing)
    assert refused.value.field == "review_due"
    services.asset_publish(asset=asset, actor=users.marketing, review_due=today + dt.timedelta(days=10))
    fresh = make_asset(users, lines, title="新案例", review_due=today + dt.timedelta(days=200))
    services.asset_submit(asset=fresh, actor=users.marketing)
    services.asset_publish(asset=fresh, actor=users.marketing)
    asset.refresh_from_db()
    assert asset_is_expiring(asset) and not asset_is_expiring(fresh)
    assert list(selectors.asset_list(expiring=True)) == [asset]
    assert services.asset_expiry_sweep(today=today + dt.timedelta(days=10)) == 0  # due that day: not overdue yet
    assert services.asset_expiry_sweep(today=today + dt.timedelta(days=11)) == 1
    asset.refresh_from_db()
    assert asset.status == "EXPIRED"
    assert Event.objects.for_subject(asset).filter(event_type="campaigns.asset.expired", to_state="EXPIRED").count() == 1
    assert list(selectors.asset_list(expiring=True, today=today + dt.timedelta(days=11))) == [asset]
    assert services.asset_expiry_sweep(today=today + dt.timedelta(days=11)) == 0
    # Re-reviewed: published again with a new date.
    services.asset_publish(asset=asset, actor=users.marketing, review_due=today + dt.timedelta(days=365))
    asset.refresh_from_db()
    assert (asset.status, asset.review_due) == ("PUBLISHED", today + dt.timedelta(days=365))


def test_a_campaign_links_the_assets_it_uses_but_not_an_expired_one(users, lines):
    campaign = CampaignFactory(name="高校园区网巡展", status="PREPARING")
    asset = make_asset(users, lines)
    link = services.campaign_asset_link(campaign=campaign, asset=asset, actor=users.marketing, purpose="展台资料")
    assert list(campaign.assets.all()) == [asset] and link.purpose == "展台资料"
    with pytest.raises(DuplicateRecord):
        services.campaign_asset_link(campaign=campaign, asset=asset, actor=users.marketing)
    old = make_asset(users, lines, title="旧手册")
    MarketingAsset.objects.filter(pk=old.pk).update(status="EXPIRED")
    old.refresh_from_db()
    with pytest.raises(ValidationFailed) as refused:
        services.campaign_asset_link(campaign=campaign, asset=old, actor=users.marketing)
    assert refused.value.code == "asset_not_linkable"
    assert [link.asset for link in campaign_asset_links(campaign=campaign)] == [asset]
    assert Event.objects.for_subject(campaign).filter(event_type="campaigns.asset.linked").count() == 1
    services.campaign_asset_unlink(campaign=campaign, asset=asset, actor=users.marketing)
    assert not CampaignAsset.objects.exists()


def test_search_in_both_languages_finds_the_right_titles(users, lines):
    zh = make_asset(users, lines, title="园区网络白皮书", title_en="", summary="高校园区网络建设", summary_en="", tags="园区")
    en = make_asset(users, lines, title="Data Center Fabric Case Study", title_en="", summary="A bank's DC upgrade",
                    summary_en="", tags="bank, fabric", language="en", asset_type="case_study", offering_line=lines.dc)
    both = make_asset(users, lines, title="无线局域网解决方案指南", title_en="WLAN Solution Guide", tags="Wi-Fi 7, 无线",
                      summary="", summary_en="", asset_type="solution_guide", offering_line=lines.wlan)
    assert list(selectors.asset_list(search="白皮书")) == [zh]
    assert list(selectors.asset_list(search="case study")) == [en]
    assert list(selectors.asset_list(search="fabric BANK")) == [en]  # every word, any case
    assert list(selectors.asset_list(search="ＷＬＡＮ")) == [both]  # full-width folds to half-width
    assert list(selectors.asset_list(search="无线")) == [both]
    assert list(selectors.asset_list(search="wi-fi 7")) == [both]
    assert list(selectors.asset_list(search="园区 指南")) == []
    assert set(selectors.asset_list(language="zh")) == {zh, both}
    assert list(selectors.asset_list(offering_line="dc")) == [en]
    assert list(selectors.asset_list(asset_type="solution_guide")) == [both]
    services.asset_update(asset=zh, actor=users.marketing, title_en="Campus Network White Paper")
    assert list(selectors.asset_list(search="white paper")) == [zh]
    assert list(selectors.asset_list(published_only=True)) == []
