"""The reference data an app process shares between captures, and when it is read again."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings

from m2c.core.models import OfferingLine
from m2c.leads.capture import Reference, forget_shared_reference
from m2c.leads.models import LeadSettings, RoutingRule


@pytest.fixture
def shared(lines, rules):
    forget_shared_reference()
    with override_settings(M2C_REFERENCE_TTL=60):
        yield
    forget_shared_reference()


def test_captures_in_one_process_share_the_reference_data(shared, capture, users, django_assert_num_queries):
    first = Reference()
    assert first.rules == [] and "campus" in first.lines
    with django_assert_num_queries(0):
        second = Reference()
        assert second.rules == [] and second.lines is first.lines and second.config is first.config
    lead = capture(customer_name="申江大学", contact_phone="13800138000", offering_lines=["园区网络"])
    assert list(lead.offering_lines.values_list("code", flat=True)) == ["campus"]


def test_a_saved_change_applies_at_once_in_this_process(shared, lines, org, users):
    assert Reference().rules == []
    rule = RoutingRule.objects.create(priority=1, name="all to ar", target="user", target_user=users.ar)
    assert Reference().rules == [rule]
    OfferingLine.objects.create(code="edge", name="边缘计算", name_en="Edge", product_category="hardware")
    assert "边缘计算" in Reference().lines
    settings = LeadSettings.objects.get(pk=1)
    settings.accept_sla_days = 7
    settings.save()
    assert Reference().config.accept_sla_days == 7


def test_a_change_from_another_process_applies_after_the_ttl(shared, lines):
    with override_settings(M2C_REFERENCE_TTL=0.2):
        assert Reference().config.accept_sla_days == 3
        # .update() sends no signal, as a change made by another process would not reach this one.
        LeadSettings.objects.filter(pk=1).update(accept_sla_days=9)
        assert Reference().config.accept_sla_days == 3
        time.sleep(0.25)
        assert Reference().config.accept_sla_days == 9
