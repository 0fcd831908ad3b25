"""Certification through the pages and the API: the partner applies for a category, the channel manager grants
it and renews it when the EXPIRING notice comes; a lapsed one needs its experts back; nobody else acts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from m2c.core.models import Event
from m2c.partners import services
from m2c.partners.models import PartnerCertification
from tests.conftest import client_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_partner_applies_in_chinese_and_the_channel_manager_grants_and_renews(channel):
    today = timezone.localdate()
    portal = client_as(channel.p1_user)
    page = portal.get(f"/partners/{channel.p1.pk}/certifications/new/")
    assert page.status_code == 200 and "申请认证" in page.content.decode()
    # The end before the start: refused beside the field, in Chinese, nothing saved, the input kept.
    answer = portal.post(f"/partners/{channel.p1.pk}/certifications/new/", {
        "product_category": "Data Center", "level": "高级", "valid_from": today.isoformat(),
        "valid_to": (today - dt.timedelta(days=1)).isoformat()})
    assert answer.status_code == 422
    assert "不能早于生效日期" in answer.content.decode() and 'value="高级"' in answer.content.decode()
    assert not PartnerCertification.objects.filter(partner=channel.p1, product_category="Data Center").exists()
    answer = portal.post(f"/partners/{channel.p1.pk}/certifications/new/", {
        "product_category": "Data Center", "level": "高级", "valid_from": today.isoformat(),
        "valid_to": (today + dt.timedelta(days=730)).isoformat()})
    assert answer.status_code == 302
    cert = PartnerCertification.objects.get(partner=channel.p1, product_category="Data Center")
    assert (cert.status, cert.level) == ("APPLIED", "高级")
    assert Event.objects.filter(event_type="partners.certification.applied", subject_id=str(cert.pk)).count() == 1

    # The partner cannot grant its own; the channel manager can, and the page shows it.
    assert portal.post(f"/partners/{channel.p1.pk}/certifications/{cert.pk}/grant/").status_code == 403
    manager = client_as(channel.cm)
    # Data Center needs its experts: the refusal is shown on the partner's page and changes nothing.
    answer = manager.post(f"/partners/{channel.p1.pk}/certifications/{cert.pk}/grant/", follow=True)
    cert.refresh_from_db()
    assert cert.status == "APPLIED" and "缺少必需的专家" in answer.content.decode()
    for role in ("sales", "presales", "postsales"):
        staff = services.staff_add(actor=channel.p1_user, partner=channel.p1, name=f"数据中心{role}")
        services.certificate_record(actor=channel.p1_user, staff=staff, product_category="Data Center", role=role,
                                    valid_from=today, valid_to=today + dt.timedelta(days=700))
    manager.post(f"/partners/{channel.p1.pk}/certifications/{cert.pk}/grant/")
    cert.refresh_from_db()
    assert cert.status == "ACTIVE"

    # Renewing to an earlier date is refused with the reason; to a later one it is renewed.
    answer = manager.post(f"/partners/{channel.p1.pk}/certifications/{cert.pk}/renew/",
                          {"valid_to": (cert.valid_to - dt.timedelta(days=1)).isoformat()}, follow=True)
    assert "延长" in answer.content.decode()
    new_end = cert.valid_to + dt.timedelta(days=365)
    manager.post(f"/partners/{channel.p1.pk}/certifications/{cert.pk}/renew/", {"valid_to": new_end.isoformat()})
    cert.refresh_from_db()
    assert cert.valid_to == new_end
    assert Event.objects.filter(event_type="partners.certification.renewed", subject_id=str(cert.pk)).exists()
    assert "续期" in manager.get(f"/partners/{channel.p1.pk}/").content.decode()


def test_another_partner_and_other_roles_cannot_apply_grant_or_renew(channel, users):
    cert = PartnerCertification.objects.get(partner=channel.p1)
    before = PartnerCertification.objects.filter(pk=cert.pk).values().get()
    other = client_as(channel.p2_user)
    assert other.get(f"/partners/{channel.p1.pk}/certifications/new/").status_code == 404
    assert other.post(f"/partners/{channel.p1.pk}/certifications/{cert.pk}/renew/",
                      {"valid_to": "2099-01-01"}).status_code == 404
    sales = client_as(users.ar)
    assert sales.post(f"/partners/{channel.p1.pk}/certifications/{cert.pk}/renew/",
                      {"valid_to": "2099-01-01"}).status_code in (403, 404)
    assert PartnerCertification.objects.filter(pk=cert.pk).values().get() == before


def test_the_api_applies_grants_and_renews(channel):
    from m2c.core.services import token_create

    def call(user, path, body=None):
        _, token = token_create(user=user, name="certification test")
        return Client().post(f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {token}")

    today = timezone.localdate()
    answer = call(channel.p1_user, f"/partners/{channel.p1.pk}/certifications", {
        "product_category": "Data Center", "valid_from": today.isoformat(),
        "valid_to": (today + dt.timedelta(days=365)).isoformat()})
    assert answer.status_code == 201, answer.content
    cert_id = answer.json()["id"]
    assert answer.json()["status"] == "APPLIED"
    refused = call(channel.p2_user, f"/partners/{channel.p1.pk}/certifications/{cert_id}/grant")
    assert refused.status_code in (403, 404)
    held = PartnerCertification.objects.get(partner=channel.p1, product_category="Campus Network")
    refused = call(channel.cm, f"/partners/{channel.p1.pk}/certifications/{held.pk}/renew",
                   {"valid_to": held.valid_to.isoformat()})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "valid_to"
    renewed = call(channel.cm, f"/partners/{channel.p1.pk}/certifications/{held.pk}/renew",
                   {"valid_to": (held.valid_to + dt.timedelta(days=365)).isoformat()})
    assert renewed.status_code == 200 and renewed.json()["valid_to"] == (held.valid_to + dt.timedelta(days=365)).isoformat()
    assert call(UserFactory(username="stranger"), f"/partners/{channel.p1.pk}/certifications/{held.pk}/renew",
                {"valid_to": "2099-01-01"}).status_code in (403, 404)
