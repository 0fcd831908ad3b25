"""The SR-certification rule of domain.md 7.5 on the opportunity team, in warning and in hard-block mode."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from m2c.core.errors import ValidationFailed
from m2c.core.models import Event
from m2c.enablement import services
from m2c.opportunities import services as opportunity_services
from m2c.opportunities.models import TeamAssignment
from tests.opportunities.factories import opportunity


@pytest.fixture
def opp(deal):
    return opportunity(owner=deal.ar, customer=deal.customer, lines=[deal.lines.campus])


def certify(deal, line, *, valid_from=None, days=730):
    return services.certificate_issue(actor=None, system=True, offering_line=line, track="presales",
                                      level="associate", holder_user=deal.sr, valid_from=valid_from, validity_days=days)


def assigned_sr(opp):
    return TeamAssignment.objects.filter(opportunity=opp, role="SR", valid_to__isnull=True).first()


def test_warning_mode_assigns_and_records_the_warning(deal, opp, users):
    assert services.config_update(actor=users.admin, sr_rule="warn").sr_rule == "warn"
    row = opportunity_services.team_assign(opportunity=opp, actor=deal.ar, role="SR", user=deal.sr)
    assert assigned_sr(opp) == row
    assert row.certification_warning == f"{deal.sr} holds no valid certificate for Campus Network."
    event = Event.objects.for_subject(opp).filter(event_type="opportunities.team.assigned").last()
    assert event.payload["certification_warning"] == row.certification_warning


def test_warning_mode_is_silent_for_a_certified_sr(deal, opp):
    certify(deal, deal.lines.campus)
    row = opportunity_services.team_assign(opportunity=opp, actor=deal.ar, role="SR", user=deal.sr)
    assert row.certification_warning is None
    assert "certification_warning" not in Event.objects.for_subject(opp).filter(
        event_type="opportunities.team.assigned").last().payload


def test_block_mode_refuses_an_uncertified_sr_and_writes_nothing(deal, opp, users):
    services.config_update(actor=users.admin, sr_rule="block")
    certify(deal, deal.lines.wlan)  # another line does not count
    before = Event.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        opportunity_services.team_assign(opportunity=opp, actor=deal.ar, role="SR", user=deal.sr)
    assert refused.value.code == "sr_not_certified"
    assert refused.value.errors[0]["field"] == "user"
    assert assigned_sr(opp) is None
    assert Event.objects.count() == before


def test_block_mode_accepts_a_certificate_valid_on_the_start_day_only(deal, opp, users):
    services.config_update(actor=users.admin, sr_rule="block")
    today = timezone.localdate()
    certify(deal, deal.lines.campus, valid_from=today - dt.timedelta(days=30), days=30)  # ended yesterday
    with pytest.raises(ValidationFailed):
        opportunity_services.team_assign(opportunity=opp, actor=deal.ar, role="SR", user=deal.sr)
    certify(deal, deal.lines.campus, valid_from=today, days=1)
    row = opportunity_services.team_assign(opportunity=opp, actor=deal.ar, role="SR", user=deal.sr)
    assert assigned_sr(opp) == row and row.certification_warning is None


def test_other_roles_and_mode_off_are_not_checked(deal, opp, users):
    services.config_update(actor=users.admin, sr_rule="block")
    row = opportunity_services.team_assign(opportunity=opp, actor=deal.ar, role="FR", user=deal.fr)
    assert row.certification_warning is None
    services.config_update(actor=users.admin, sr_rule="off")
    row = opportunity_services.team_assign(opportunity=opp, actor=deal.ar, role="SR", user=deal.sr)
    assert row.certification_warning is None and assigned_sr(opp) == row
