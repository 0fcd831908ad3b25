"""Target-account lists: each criterion on its own, refresh as a diff, leads through the lead rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from m2c.contracts.models import Contract
from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.insight import selectors, services
from m2c.leads.models import Lead
from m2c.opportunities import services as opp_services
from tests.factories import ContactFactory, CustomerFactory
from tests.opportunities.factories import opportunity


@pytest.fixture
def world(org, users, lines, rates):
    c = {
        "plain": CustomerFactory(legal_name="上海甲大学", org_unit=org.shanghai),
        "busy": CustomerFactory(legal_name="上海乙大学", org_unit=org.shanghai),
        "north": CustomerFactory(legal_name="北京丙大学", org_unit=org.beijing),
        "bank": CustomerFactory(legal_name="上海丁银行", org_unit=org.shanghai, industry="finance"),
        "big": CustomerFactory(legal_name="上海戊大学", org_unit=org.shanghai, tier="strategic"),
        "installed": CustomerFactory(legal_name="上海己大学", org_unit=org.shanghai),
    }
    busy = opportunity(owner=users.ar, customer=c["busy"], lines=[lines.campus], name="乙大学园区网")
    today = timezone.localdate()
    opp_services.activity_log(opportunity=busy, actor=users.ar, subject="拜访", occurred_on=today - dt.timedelta(days=10))
    Contract.objects.create(number="HT-1", title="己大学一期", customer=c["installed"], org_unit=org.shanghai,
                            owner=users.ar, status="SIGNED", signed_on=today - dt.timedelta(days=400))
    ContactFactory(customer=c["plain"], name="王老师", email="wang@jia.edu.cn", consent_email=True)
    segment = services.segment_create(actor=users.marketing, code="edu-east", name="华东教育园区网",
                                      industry="education", region=org.east, offering_line=lines.campus,
                                      customer_tier="general")
    return c, segment


def names(target):
    return set(selectors.target_matches(target).values_list("legal_name", flat=True))


def test_each_criterion_narrows_the_list(org, users, world):
    c, segment = world
    target = services.target_list_create(actor=users.marketing, name="华东高校", segment=segment)
    # from the segment: education, East, general tier
    assert (target.industries, target.region, target.tiers) == (["education"], org.east, ["general"])
    assert names(target) == {"上海己大学", "上海乙大学", "上海甲大学"}
    services.target_list_update(actor=users.marketing, target_list=target, no_open_opportunity=True)
    assert names(target) == {"上海己大学", "上海甲大学"}
    services.target_list_update(actor=users.marketing, target_list=target, no_open_opportunity=False,
                                last_contact_days=30)
    assert names(target) == {"上海己大学", "上海甲大学"}  # 乙 was visited 10 days ago
    services.target_list_update(actor=users.marketing, target_list=target, last_contact_days=5)
    assert names(target) == {"上海己大学", "上海乙大学", "上海甲大学"}  # the visit is older than 5 days
    services.target_list_update(actor=users.marketing, target_list=target, last_contact_days=None,
                                installed_base="with")
    assert names(target) == {"上海己大学"}
    services.target_list_update(actor=users.marketing, target_list=target, installed_base="without", tiers=[])
    assert names(target) == {"上海乙大学", "上海戊大学", "上海甲大学"}
    services.target_list_update(actor=users.marketing, target_list=target, industries=["finance", "education"],
                                installed_base="any", tiers=["general"])
    assert names(target) == {"上海丁银行", "上海己大学", "上海乙大学", "上海甲大学"}


def test_bad_criteria_name_their_fields(users, world):
    with pytest.raises(ValidationFailed) as exc:
        services.target_list_create(actor=users.marketing, name="", industries=["space"], tiers=["huge"],
                                    installed_base="maybe", last_contact_days="-3")
    assert {e["field"] for e in exc.value.errors} == {"name", "industries", "tiers", "installed_base",
                                                      "last_contact_days"}


def test_refresh_stores_members_as_a_diff_and_audience_lists_contacts(users, world):
    c, segment = world
    target = services.target_list_create(actor=users.marketing, name="华东高校", segment=segment,
                                         no_open_opportunity=True)
    services.target_list_refresh(actor=users.marketing, target_list=target)
    assert target.member_count == 2
    audience = {row["customer_id"]: row["contacts"] for row in selectors.target_audience(target.pk)}
    assert set(audience) == {c["plain"].pk, c["installed"].pk}
    assert [x["email"] for x in audience[c["plain"].pk]] == ["wang@jia.edu.cn"]
    first_ids = set(target.members.values_list("id", flat=True))
    services.target_list_update(actor=users.marketing, target_list=target, installed_base="without")
    services.target_list_refresh(actor=users.marketing, target_list=target)
    members = list(target.members.all())
    assert [m.customer_id for m in members] == [c["plain"].pk] and members[0].id in first_ids  # kept, not re-added


def test_leads_go_through_the_lead_rules_once(users, world):
    c, segment = world
    target = services.target_list_create(actor=users.marketing, name="华东高校", segment=segment,
                                         no_open_opportunity=True)
    with pytest.raises(ValidationFailed):
        services.target_list_to_leads(actor=users.marketing, target_list=target)
    services.target_list_refresh(actor=users.marketing, target_list=target)
    counts = services.target_list_to_leads(actor=users.marketing, target_list=target)
    assert counts == {"created": 2, "merged": 0, "rejected": 0, "errors": []}
    lead = Lead.objects.get(customer=c["plain"])
    assert lead.utm == {"utm_source": "segment", "utm_medium": "target_list", "utm_campaign": "edu-east"}
    assert list(lead.offering_lines.values_list("code", flat=True)) == ["campus"]
    assert lead.contact_email == "wang@jia.edu.cn"
    assert services.target_list_to_leads(actor=users.marketing, target_list=target) == {
        "created": 0, "merged": 0, "rejected": 0, "errors": []}
    assert Lead.objects.filter(customer__in=[c["plain"], c["installed"]]).count() == 2


def test_only_marketing_of_the_region_builds_lists(org, users, world):
    with pytest.raises(PermissionDenied):
        services.target_list_create(actor=users.ar, name="x")
    with pytest.raises(PermissionDenied):
        services.target_list_create(actor=users.marketing, name="华北", region=org.north)
