"""Special-price requests: the 15-day wait (day 14 refused, day 15 allowed), the override, and pricing through
the opportunities' discount authority with approval by the level it requires."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.core.models import Event
from m2c.partners import services
from m2c.partners.models import DealRegistration
from tests.contracts.conftest import deal, rates  # noqa: F401 - fixtures reused
from tests.opportunities.flows import quote, to_o2

from .conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def priced(channel, deal):  # noqa: F811
    """P1's approved registration, submitted ``days`` ago, on an O2 opportunity with a quote (10.0M list)."""
    opp = to_o2(deal)
    base = quote(opp, deal)
    reg = register(channel, channel.p1, channel.p1_user)
    services.registration_approve(registration=reg, actor=channel.cm)

    def submitted(days: int) -> DealRegistration:
        DealRegistration.objects.filter(pk=reg.pk).update(opportunity=opp,
                                                          submitted_at=timezone.now() - dt.timedelta(days=days))
        reg.refresh_from_db()
        return reg

    return opp, base, submitted


def test_day_14_is_refused_and_day_15_is_allowed(channel, priced):
    _opp, _base, submitted = priced
    reg = submitted(14)
    with pytest.raises(ValidationFailed) as refused:
        services.spq_submit(actor=channel.p1_user, registration=reg, discounts={1: "8"}, justification="竞争激烈")
    assert refused.value.field == "registration" and refused.value.code == "spq_too_early"
    assert not reg.price_requests.exists()
    spq = services.spq_submit(actor=channel.p1_user, registration=submitted(15), discounts={1: "8"},
                              justification="竞争激烈")
    assert spq.status == "APPROVED"  # 8% is within the owner's (AR) 10% authority: approved at once


def test_the_override_is_the_channel_managers_with_a_logged_reason(channel, priced):
    _opp, _base, submitted = priced
    reg = submitted(3)
    with pytest.raises(PermissionDenied):
        services.spq_submit(actor=channel.p1_user, registration=reg, discounts={1: "5"}, justification="急",
                            override_reason="客户提前招标")
    spq = services.spq_submit(actor=channel.cm, registration=reg, discounts={1: "5"}, justification="急",
                              override_reason="客户提前招标")
    assert spq.override_reason == "客户提前招标"
    event = Event.objects.get(event_type="partners.spq.submitted", subject_id=str(spq.pk))
    assert event.payload["override"] is True and event.reason == "客户提前招标"


def test_a_discount_beyond_authority_waits_for_the_level_and_lands_on_a_new_quote_version(channel, priced, deal):  # noqa: F811
    opp, base, submitted = priced
    spq = services.spq_submit(actor=channel.p1_user, registration=submitted(16), discounts={1: "20"},
                              justification="对手报价低 18%")
    assert spq.status == "PENDING" and spq.required_level == "rep_office"
    version = spq.quote
    assert version.opportunity_id == opp.pk and version.number == base.number + 1
    assert version.status == "PENDING_APPROVAL" and version.lines.get().discount_pct == Decimal("20")
    base.refresh_from_db()
    assert base.lines.get().discount_pct == Decimal("0")  # the earlier version is untouched
    with pytest.raises(PermissionDenied):  # the channel manager is not a decision-body member
        services.spq_approve(spq=spq, actor=channel.cm)
    services.spq_approve(spq=spq, actor=deal.sdt_shanghai, note="同意")
    spq.refresh_from_db()
    version.refresh_from_db()
    assert spq.status == "APPROVED" and version.status == "APPROVED" and spq.decided_by == deal.sdt_shanghai


def test_a_refused_request_withdraws_its_quote_version(channel, priced, deal):  # noqa: F811
    _opp, _base, submitted = priced
    spq = services.spq_submit(actor=channel.p1_user, registration=submitted(20), discounts={1: "30"},
                              justification="战略客户")
    assert spq.required_level == "region"
    services.spq_reject(spq=spq, actor=deal.sdt_east, reason="低于底价")
    spq.refresh_from_db()
    spq.quote.refresh_from_db()
    assert spq.status == "REJECTED" and spq.quote.status == "WITHDRAWN"


def test_bad_lines_and_another_partner_are_refused(channel, priced):
    _opp, _base, submitted = priced
    reg = submitted(16)
    with pytest.raises(ValidationFailed) as bad:
        services.spq_submit(actor=channel.p1_user, registration=reg, discounts={7: "5", 1: "120"}, justification="x")
    assert "is not a line of the quote" in str(bad.value) and "between 0 and 100" in str(bad.value)
    with pytest.raises(PermissionDenied):
        services.spq_submit(actor=channel.p2_user, registration=reg, discounts={1: "5"}, justification="x")
