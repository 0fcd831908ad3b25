"""Certificates the enablement app issues (exam passes) fill a partner's required expert roles per product category
(domain.md 7.5, 8.1, 11.11), besides those recorded in partners; their expiry drives the existing sweep: a role
unfilled for 90 days makes the category NON_COMPLIANT (new registrations blocked), a renewed certificate restores it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from m2c.core.errors import ValidationFailed
from m2c.core.models import Role
from m2c.enablement import services as enablement
from m2c.partners import selectors, services
from tests.factories import UserFactory

from .conftest import CAMPUS

pytestmark = pytest.mark.django_db


def test_an_enablement_certificate_fills_a_role_and_its_expiry_makes_the_category_non_compliant(channel, users, lines):
    cm, today = channel.cm, timezone.localdate()
    partner = services.partner_create(actor=cm, code="p3", legal_name="认证伙伴三号网络有限公司",
                                      supplier=channel.distributor)
    services.tier_set(actor=cm, partner=partner, product_category=CAMPUS, tier="GOLD")
    services.partner_onboard(partner=partner, actor=cm)
    services.partner_activate(partner=partner, actor=cm)
    for name, role in (("赵销售", "sales"), ("钱售前", "presales")):
        staff = services.staff_add(actor=cm, partner=partner, name=name)
        services.certificate_record(actor=cm, staff=staff, product_category=CAMPUS, role=role,
                                    valid_from=today - dt.timedelta(days=30), valid_to=today + dt.timedelta(days=700))
    engineer = UserFactory(username="p3.engineer", roles=[Role.PARTNER])
    services.staff_add(actor=cm, partner=partner, name="孙服务", user=engineer)
    engineer.refresh_from_db()
    cert = services.certification_apply(actor=cm, partner=partner, product_category=CAMPUS,
                                        valid_from=today - dt.timedelta(days=30), valid_to=today + dt.timedelta(days=365))
    # No post-sales expert yet: the certification cannot be granted.
    with pytest.raises(ValidationFailed) as refused:
        services.certification_grant(actor=cm, certification=cert)
    assert refused.value.code == "experts_missing"
    assert selectors.missing_experts(partner=partner, product_category=CAMPUS) == ["postsales"]

    # A certificate of another category counts for that category only.
    enablement.certificate_issue(actor=None, system=True, offering_line=lines.dc, track="postsales",
                                 level="professional", holder_user=engineer)
    assert selectors.missing_experts(partner=partner, product_category="Data Center") == ["sales", "presales"]
    assert selectors.missing_experts(partner=partner, product_category=CAMPUS) == ["postsales"]
    # The engineer passes the enablement exam: a post-sales certificate for a Campus Network line, 100 days.
    enablement.certificate_issue(actor=None, system=True, offering_line=lines.campus, track="postsales",
                                 level="professional", holder_user=engineer, validity_days=100)
    assert selectors.missing_experts(partner=partner, product_category=CAMPUS) == []
    services.certification_grant(actor=cm, certification=cert)
    cert.refresh_from_db()
    assert cert.status == "ACTIVE" and selectors.partner_certified(partner, lines.campus)

    # Day 100: the enablement certificate has expired; the sweep records the missing expert, still compliant.
    expired = today + dt.timedelta(days=100)
    services.certification_sweep(today=expired)
    cert.refresh_from_db()
    assert cert.status == "ACTIVE" and cert.expert_missing_since == expired
    # 90 days without a post-sales expert: NON_COMPLIANT, which blocks registrations in the category.
    late = expired + dt.timedelta(days=90)
    assert services.certification_sweep(today=late)["non_compliant"] == 1
    cert.refresh_from_db()
    assert cert.status == "NON_COMPLIANT"
    assert not selectors.partner_certified(partner, lines.campus, on=late)

    # The engineer renews through enablement: the next sweep restores compliance.
    enablement.certificate_issue(actor=None, system=True, offering_line=lines.campus, track="postsales",
                                 level="professional", holder_user=engineer, valid_from=late)
    assert services.certification_sweep(today=late + dt.timedelta(days=1))["restored"] == 1
    cert.refresh_from_db()
    assert cert.status == "ACTIVE" and cert.expert_missing_since is None


def test_an_enablement_certificate_stops_counting_when_its_holder_leaves(channel, lines):
    cm, today = channel.cm, timezone.localdate()
    staff = channel.p1.staff.get(user=channel.p1_user)  # P1's sales expert, recorded in partners
    channel.p1.staff.exclude(pk=staff.pk).filter(certificates__role="presales").get().certificates.all().delete()
    assert selectors.missing_experts(partner=channel.p1, product_category=CAMPUS) == ["presales"]
    enablement.certificate_issue(actor=None, system=True, offering_line=lines.campus, track="presales",
                                 level="associate", holder_user=channel.p1_user)
    assert selectors.missing_experts(partner=channel.p1, product_category=CAMPUS) == []
    services.staff_leave(actor=cm, staff=staff, left_on=today)
    assert "presales" in selectors.missing_experts(partner=channel.p1, product_category=CAMPUS)
    # An external person of the partner, named on its staff, counts through the enablement certificate too.
    services.staff_add(actor=cm, partner=channel.p1, name="周外援")
    enablement.certificate_issue(actor=None, system=True, offering_line=lines.campus, track="presales",
                                 level="associate", holder_name="周外援", partner_id=channel.p1.pk)
    enablement.certificate_issue(actor=None, system=True, offering_line=lines.campus, track="sales",
                                 level="associate", holder_name="不在册的人", partner_id=channel.p1.pk)
    assert selectors.missing_experts(partner=channel.p1, product_category=CAMPUS) == ["sales"]
