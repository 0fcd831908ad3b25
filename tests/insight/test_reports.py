"""Insight reports on the five looks, three decisions template: typed, linked, attached, published only when
complete, scoped."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event
from m2c.insight import selectors, services
from m2c.insight.models.reports import DECISIONS, LOOKS

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def report(users, org, deal):
    return services.insight_report_create(actor=users.marketing, title="华东高校园区网行业洞察", report_type="industry",
                                          org_unit=org.east, customers=[deal.customer], look_trends="Wi-Fi 7")


def test_publishing_needs_the_five_looks_and_three_decisions(report, users):
    with pytest.raises(InvalidTransition) as exc:
        services.insight_report_publish(report=report, actor=users.marketing)
    assert [e["field"] for e in exc.value.errors] == [*LOOKS[1:], *DECISIONS]
    report.refresh_from_db()
    assert report.status == "DRAFT"
    report = services.insight_report_update(report=report, actor=users.marketing,
                                            **dict.fromkeys((*LOOKS[1:], *DECISIONS), "写好了"))
    report = services.insight_report_publish(report=report, actor=users.marketing)
    assert report.status == "PUBLISHED" and report.published_at is not None
    assert Event.objects.filter(subject_id=str(report.pk), event_type="insight.report.published").count() == 1


def test_attachments_are_checked_and_scoping_holds(report, users, deal):
    row = services.insight_report_attach(report=report, actor=users.marketing,
                                         upload=SimpleUploadedFile("调研.pdf", PDF, content_type="application/pdf"))
    assert row.name == "调研.pdf" and report.attachments.count() == 1
    with pytest.raises(ValidationFailed):
        services.insight_report_attach(report=report, actor=users.marketing,
                                       upload=SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/x"))
    assert report.attachments.count() == 1
    with pytest.raises(PermissionDenied):
        services.insight_report_update(report=report, actor=deal.ar, title="x")
    assert not selectors.insight_report_queryset(users.ar_north).exists()
    with pytest.raises(ValidationFailed) as exc:
        services.insight_report_create(actor=users.marketing, title="", report_type="weather")
    assert {e["field"] for e in exc.value.errors} >= {"title", "report_type"}


def test_report_pages_and_download(report, users, client):
    services.insight_report_attach(report=report, actor=users.marketing,
                                   upload=SimpleUploadedFile("调研.pdf", PDF, content_type="application/pdf"))
    client.force_login(users.marketing)
    client.cookies["m2c_language"] = "zh-hans"
    page = client.get(f"/insight/reports/{report.pk}/").content.decode()
    assert "五看" in page and "调研.pdf" in page
    attachment = report.attachments.get()
    body = b"".join(client.get(f"/insight/reports/{report.pk}/files/{attachment.pk}/").streaming_content)
    assert body == PDF
    response = client.post("/insight/reports/new/", {"title": "竞争对手洞察", "report_type": "competitor",
                                                      "org_unit": str(users.marketing.org_unit_id),
                                                      "look_competitors": "Vendor Z 降价 15%"})
    assert response.status_code == 302
    client.force_login(users.ar_north)
    assert client.get(f"/insight/reports/{report.pk}/").status_code == 404
