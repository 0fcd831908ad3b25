"""Certification per product category: EXPIRING 90 days ahead with a notice, NON_COMPLIANT after 90 days
without a required expert (blocking registrations and lead offers), compliance restored, lapses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from m2c.core.errors import ValidationFailed
from m2c.core.models import Event, Notification
from m2c.partners import selectors, services
from m2c.partners.models import PartnerCertification

from .conftest import register

pytestmark = pytest.mark.django_db


def _cert(partner):
    return PartnerCertification.objects.get(partner=partner)


def test_grant_needs_every_required_expert(channel):
    today = timezone.localdate()
    partner = services.partner_create(actor=channel.cm, code="new", legal_name="新伙伴")
    staff = services.staff_add(actor=channel.cm, partner=partner, name="张三")
    services.certificate_record(actor=channel.cm, staff=staff, product_category="Campus Network", role="sales",
                                valid_from=today, valid_to=today + dt.timedelta(days=300))
    cert = services.certification_apply(actor=channel.cm, partner=partner, product_category="Campus Network",
                                        valid_from=today, valid_to=today + dt.timedelta(days=300))
    with pytest.raises(ValidationFailed) as refused:
        services.certification_grant(actor=channel.cm, certification=cert)
    assert refused.value.code == "experts_missing"


def test_expiring_90_days_before_the_end_with_a_notice_then_renewed(channel):
    cert = _cert(channel.p1)
    day = cert.valid_to - dt.timedelta(days=91)
    assert services.certification_sweep(day)["expiring"] == 0
    assert services.certification_sweep(cert.valid_to - dt.timedelta(days=90))["expiring"] == 3
    cert.refresh_from_db()
    assert cert.status == "EXPIRING" and selectors.partner_certified(channel.p1, channel.campus)
    assert Notification.objects.filter(recipient=channel.p1_user, kind="partners.certification").exists()
    services.certification_renew(actor=channel.cm, certification=cert, valid_to=cert.valid_to + dt.timedelta(days=365))
    cert.refresh_from_db()
    assert cert.status == "ACTIVE"


def test_a_missing_expert_for_90_days_makes_it_non_compliant_and_blocks_registrations(channel):
    today = timezone.localdate()
    expert = channel.p1.staff.get(name__endswith="专家1")  # the pre-sales expert leaves
    services.staff_leave(actor=channel.cm, staff=expert, left_on=today)
    services.certification_sweep(today + dt.timedelta(days=1))
    cert = _cert(channel.p1)
    assert cert.status == "ACTIVE" and cert.expert_missing_since == today + dt.timedelta(days=1)
    assert services.certification_sweep(today + dt.timedelta(days=90))["non_compliant"] == 0
    assert services.certification_sweep(today + dt.timedelta(days=91))["non_compliant"] == 1
    cert.refresh_from_db()
    assert cert.status == "NON_COMPLIANT"
    assert not selectors.partner_certified(channel.p1, channel.campus)
    blocked = register(channel, channel.p1, channel.p1_user)
    assert blocked.status == "REJECTED" and blocked.rejection == "not_certified"
    # A replacement passes the exam: compliance is restored and registrations open again.
    replacement = services.staff_add(actor=channel.p1_user, partner=channel.p1, name="李四")
    services.certificate_record(actor=channel.p1_user, staff=replacement, product_category="Campus Network",
                                role="presales", valid_from=today, valid_to=today + dt.timedelta(days=700))
    assert services.certification_sweep(today + dt.timedelta(days=92))["restored"] == 1
    assert register(channel, channel.p1, channel.p1_user, name="上海市第十人民医院").status == "UNDER_REVIEW"


def test_a_certification_past_its_end_lapses(channel):
    cert = _cert(channel.p2)
    services.certification_sweep(cert.valid_to + dt.timedelta(days=1))
    cert.refresh_from_db()
    assert cert.status == "LAPSED" and not selectors.partner_certified(channel.p2, channel.campus)


def test_renewing_a_non_compliant_certification_does_not_lift_the_block_while_an_expert_is_missing(channel):
    """NON_COMPLIANT → ACTIVE is compliance restored (domain.md 11.11): a renewal of the dates alone does not
    make the missing expert come back, so it is refused and changes nothing; once the expert is back it passes."""
    today = timezone.localdate()
    expert = channel.p1.staff.get(name__endswith="专家1")
    services.staff_leave(actor=channel.cm, staff=expert, left_on=today)
    services.certification_sweep(today + dt.timedelta(days=1))
    services.certification_sweep(today + dt.timedelta(days=91))
    cert = _cert(channel.p1)
    assert cert.status == "NON_COMPLIANT"
    before = (PartnerCertification.objects.filter(pk=cert.pk).values().get(), Event.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        services.certification_renew(actor=channel.cm, certification=cert, valid_to=cert.valid_to + dt.timedelta(days=365))
    assert (refused.value.code, refused.value.errors[0]["field"]) == ("experts_missing", "experts")
    assert (PartnerCertification.objects.filter(pk=cert.pk).values().get(), Event.objects.count()) == before
    assert not selectors.partner_certified(channel.p1, channel.campus)
    replacement = services.staff_add(actor=channel.p1_user, partner=channel.p1, name="李四")
    services.certificate_record(actor=channel.p1_user, staff=replacement, product_category="Campus Network",
                                role="presales", valid_from=today, valid_to=today + dt.timedelta(days=700))
    cert = services.certification_renew(actor=channel.cm, certification=_cert(channel.p1),
                                        valid_to=cert.valid_to + dt.timedelta(days=365))
    assert cert.status == "ACTIVE" and selectors.partner_certified(channel.p1, channel.campus)


def test_a_lapsed_certification_is_renewed_only_with_every_required_expert(channel):
    """A lapse ends the missing expert's 90 days of grace: certifying the category again needs the experts."""
    today = timezone.localdate()
    cert = _cert(channel.p1)
    services.certification_sweep(cert.valid_to + dt.timedelta(days=1))
    cert = _cert(channel.p1)
    assert cert.status == "LAPSED"
    services.staff_leave(actor=channel.cm, staff=channel.p1.staff.get(name__endswith="专家1"), left_on=today)
    before = (PartnerCertification.objects.filter(pk=cert.pk).values().get(), Event.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        services.certification_renew(actor=channel.cm, certification=cert, valid_to=cert.valid_to + dt.timedelta(days=730))
    assert (refused.value.code, refused.value.errors[0]["field"]) == ("experts_missing", "experts")
    assert (PartnerCertification.objects.filter(pk=cert.pk).values().get(), Event.objects.count()) == before
    replacement = services.staff_add(actor=channel.p1_user, partner=channel.p1, name="王五")
    services.certificate_record(actor=channel.p1_user, staff=replacement, product_category="Campus Network",
                                role="presales", valid_from=today, valid_to=today + dt.timedelta(days=700))
    cert = services.certification_renew(actor=channel.cm, certification=_cert(channel.p1),
                                        valid_to=cert.valid_to + dt.timedelta(days=730))
    assert cert.status == "ACTIVE" and selectors.partner_certified(channel.p1, channel.campus)
