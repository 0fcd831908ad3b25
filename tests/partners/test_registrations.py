"""Deal registration: mandatory facts, conflicts through identity resolution (spelling variants, credit code,
web domain), direct opportunities and the override, protection expiry and the one extension."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from m2c.core.errors import Conflict, PermissionDenied, ValidationFailed
from m2c.core.models import Event
from m2c.core.money import Money
from m2c.opportunities import services as opportunity_services
from m2c.partners import services
from m2c.partners.models import DealRegistration
from tests.factories import CustomerFactory

from .conftest import register

pytestmark = pytest.mark.django_db


def test_every_mandatory_fact_is_named_and_nothing_is_written(channel):
    with pytest.raises(ValidationFailed) as refused:
        services.registration_submit(actor=channel.p1_user, partner=channel.p1, customer_name=" ", project_name="",
                                     offering_line=None, budget="0", decision_chain="", implementation_date=None)
    fields = {e["field"] for e in refused.value.errors}
    assert fields == {"customer_name", "project_name", "offering_line", "budget", "decision_chain",
                      "implementation_date"}
    assert not DealRegistration.objects.exists()


@pytest.mark.parametrize("variant", [
    {"name": "上海第一人民医院"},                       # the city's 市 left out
    {"name": "Shanghai No.1 People's Hospital", "credit_code": "CODE"},  # another language, same credit code
    {"name": "上海市第1人民医院", "customer_domain": "DOMAIN"},  # digits for the ordinal, the web domain
])
def test_another_spelling_of_the_same_customer_is_a_conflict(channel, variant):
    hospital = channel.hospital
    first = register(channel, channel.p1, channel.p1_user)
    assert first.customer == hospital
    extra = {}
    if variant.get("credit_code"):
        extra["credit_code"] = hospital.credit_code
    if variant.get("customer_domain"):
        from m2c.customers import services as customer_services

        customer_services.customer_update(customer=hospital, actor=None, website="https://www.sh1h.cn")
        extra["customer_domain"] = "sh1h.cn"
    second = register(channel, channel.p2, channel.p2_user, name=variant["name"], **extra)
    assert second.customer_id == hospital.pk, second.match
    assert second.status == "REJECTED" and second.rejection == "conflict" and second.conflict_with_id == first.pk


def test_another_offering_line_or_another_customer_is_no_conflict(channel, lines):
    register(channel, channel.p1, channel.p1_user)
    other = register(channel, channel.p2, channel.p2_user, name="上海市第六人民医院")
    assert other.status == "UNDER_REVIEW" and other.customer_id != channel.hospital.pk


def test_partner_not_certified_or_not_active_is_refused(channel, lines):
    not_certified = register(channel, channel.p1, channel.p1_user, offering_line=lines.dc)
    assert not_certified.status == "REJECTED" and not_certified.rejection == "not_certified"
    services.partner_suspend(partner=channel.p2, actor=channel.cm, reason="资质复核")
    with pytest.raises(ValidationFailed):
        register(channel, channel.p2, channel.p2_user)


def test_a_partner_user_registers_only_for_their_partner_or_one_their_distributor_supplies(channel):
    with pytest.raises(PermissionDenied):
        register(channel, channel.p1, channel.p2_user)
    on_behalf = register(channel, channel.p1, channel.dist_user, distributor=channel.distributor)
    assert on_behalf.status == "UNDER_REVIEW"


def test_an_open_direct_opportunity_blocks_approval_unless_overridden_with_a_logged_reason(channel, users):
    opportunity_services.opportunity_create(actor=users.ar, customer=channel.hospital, name="医院直销园区网",
                                            amount=Money(Decimal("1000000"), "CNY"), offering_lines=[channel.campus],
                                            owner=users.ar)
    reg = register(channel, channel.p1, channel.p1_user)
    with pytest.raises(Conflict) as blocked:
        services.registration_approve(registration=reg, actor=channel.cm)
    assert blocked.value.code == "direct_opportunity" and "医院直销园区网" in str(blocked.value)
    with pytest.raises(PermissionDenied):
        services.registration_approve(registration=reg, actor=channel.p1_user, override_reason="x")
    services.registration_approve(registration=reg, actor=channel.cm, override_reason="客户指定伙伴实施")
    reg.refresh_from_db()
    assert reg.status == "APPROVED" and reg.override_reason == "客户指定伙伴实施"
    event = Event.objects.get(event_type="partners.registration.approved", subject_id=str(reg.pk))
    assert event.reason == "客户指定伙伴实施" and event.payload["override"] is True


def test_protection_expires_after_90_days_and_releases_the_key(channel):
    reg = register(channel, channel.p1, channel.p1_user)
    services.registration_approve(registration=reg, actor=channel.cm)
    reg.refresh_from_db()
    today = timezone.localdate()
    assert reg.protected_until == today + dt.timedelta(days=90)
    assert services.registration_expiry_sweep(today + dt.timedelta(days=90)) == 0
    assert services.registration_expiry_sweep(today + dt.timedelta(days=91)) == 1
    reg.refresh_from_db()
    assert reg.status == "EXPIRED"
    assert register(channel, channel.p2, channel.p2_user).status == "UNDER_REVIEW"


def test_one_60_day_extension_on_evidence(channel):
    reg = register(channel, channel.p1, channel.p1_user)
    with pytest.raises(Conflict):
        services.registration_extend(registration=reg, actor=channel.p1_user, evidence="已完成POC")
    services.registration_approve(registration=reg, actor=channel.cm)
    with pytest.raises(ValidationFailed):
        services.registration_extend(registration=reg, actor=channel.p1_user, evidence=" ")
    services.registration_extend(registration=reg, actor=channel.p1_user, evidence="已完成POC测试，客户出具测试报告")
    reg.refresh_from_db()
    today = timezone.localdate()
    assert reg.protected_until == today + dt.timedelta(days=150) and reg.extension_used
    with pytest.raises(Conflict) as twice:
        services.registration_extend(registration=reg, actor=channel.p1_user, evidence="再次申请")
    assert twice.value.code == "extension_used"
    assert services.registration_expiry_sweep(today + dt.timedelta(days=150)) == 0
    assert services.registration_expiry_sweep(today + dt.timedelta(days=151)) == 1


def test_a_new_customer_is_created_by_the_system_and_a_second_spelling_finds_it(channel):
    first = register(channel, channel.p1, channel.p1_user, name="杭州市西湖区人民政府")
    assert first.status == "UNDER_REVIEW" and first.customer.created_by is None
    second = register(channel, channel.p2, channel.p2_user, name="杭州西湖区人民政府")
    assert second.customer_id == first.customer_id and second.rejection == "conflict"


def test_unknown_rejection_and_partner_reject_refused(channel):
    reg = register(channel, channel.p1, channel.p1_user)
    with pytest.raises(PermissionDenied):
        services.registration_reject(registration=reg, actor=channel.p1_user, reason="x")
    services.registration_reject(registration=reg, actor=channel.cm, reason="预算无法核实")
    reg.refresh_from_db()
    assert reg.status == "REJECTED" and reg.rejection == "unverifiable"
    assert CustomerFactory  # shallow factories shared with the other tests


def test_a_converted_registration_follows_its_opportunity_to_won_or_lost(channel):
    from m2c.core import events as core_events

    reg = register(channel, channel.p1, channel.p1_user)
    services.registration_approve(registration=reg, actor=channel.cm)
    services.registration_convert(registration=reg, actor=channel.cm)
    reg.refresh_from_db()
    # The opportunities app records this event when the deal is won (its gate flow is tested there).
    core_events.record("opportunities.opportunity.won", reg.opportunity, payload={"amount": "3000000", "currency": "CNY"})
    reg.refresh_from_db()
    assert reg.status == "WON"
