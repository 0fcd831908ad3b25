"""S15 (domain.md 13): partner deal registration conflict, the SPQ wait, and the blacklisting variant."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from m2c.core.models import Event, Notification
from m2c.partners import selectors, services
from m2c.partners.models import DealRegistration

from .conftest import register

pytestmark = pytest.mark.django_db


def test_s15_partner_deal_registration_conflict_and_rebate_on_cash(channel, users):
    day0 = timezone.now() - dt.timedelta(days=20)
    # Day 0: gold P1, certified for Campus Network, registers City Hospital's core switch refresh.
    first = register(channel, channel.p1, channel.p1_user, now=day0)
    assert first.status == "UNDER_REVIEW" and first.customer == channel.hospital
    # Day 1: approved, protected for 90 days.
    services.registration_approve(registration=first, actor=channel.cm, now=day0 + dt.timedelta(days=1))
    first.refresh_from_db()
    assert first.status == "APPROVED"
    assert first.protected_until == timezone.localdate(day0 + dt.timedelta(days=1)) + dt.timedelta(days=90)
    # Day 5: silver P2 registers the same customer and project: REJECTED (conflict), holder named to the manager.
    second = register(channel, channel.p2, channel.p2_user, now=day0 + dt.timedelta(days=5))
    assert second.status == "REJECTED" and second.rejection == "conflict" and second.conflict_with_id == first.pk
    assert channel.p1.legal_name not in services.registration_refusal(second)
    # Day 10: a special price request is refused (less than 15 days); day 16 it is allowed.
    assert not services.spq_allowed(first, on=day0 + dt.timedelta(days=10))
    assert services.spq_allowed(first, on=day0 + dt.timedelta(days=16))
    assert services.spq_allowed(first, on=day0 + dt.timedelta(days=10), override=True)
    # The deal converts to an opportunity carrying the registered partner.
    services.registration_convert(registration=first, actor=channel.cm)
    first.refresh_from_db()
    assert first.status == "CONVERTED" and first.opportunity.registered_partner_id == channel.p1.pk
    # Rebate accruals (ELIGIBLE only once the invoices are PAID) are the incentives work (issue 12 item 6).


def test_s15_blacklisting_variant_cancels_registrations_and_warns_the_distributor(channel, users):
    reg = register(channel, channel.p1, channel.p1_user)
    services.registration_approve(registration=reg, actor=channel.cm)
    hook_calls = []
    services.BLACKLIST_HOOKS.append(lambda partner, actor: hook_calls.append(partner.code) or 0)
    try:
        services.partner_blacklist(partner=channel.p1, actor=channel.cm, reason="虚假报备")
    finally:
        services.BLACKLIST_HOOKS.pop()
    reg.refresh_from_db()
    channel.p1.refresh_from_db()
    assert channel.p1.status == "BLACKLISTED"
    assert channel.p1.blacklist_until == timezone.localdate() + dt.timedelta(days=180)
    assert reg.status == "CANCELLED"
    assert hook_calls == ["p1"]  # accruals are cancelled through the hook
    assert not channel.p1.certifications.exclude(status="REVOKED").exists()
    assert not selectors.partner_certified(channel.p1, channel.campus)
    # The distributor that supplies P1 is warned.
    assert Notification.objects.filter(recipient=channel.dist_user, kind="partners.blacklisted").exists()
    assert not Notification.objects.filter(recipient=channel.p2_user, kind="partners.blacklisted").exists()
    event = Event.objects.filter(event_type="partners.partner.blacklisted").get()
    assert event.payload["registrations_cancelled"] == 1 and event.payload["partners_warned"] == ["dist"]
    # The key is free again: P2 may register the customer now.
    assert register(channel, channel.p2, channel.p2_user).status == "UNDER_REVIEW"
    assert DealRegistration.objects.filter(status="UNDER_REVIEW").count() == 1
