"""Records around a deal (stakeholders, competitors, risks) and the app's settings change through
``core.services.model_update``: only allowed fields, the diff ``{field: [old, new]}`` in the event. A risk's
status moves by commands along its transition table, never by a PATCH."""

from __future__ import annotations

from decimal import Decimal

import pytest

from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.core.models import Event
from m2c.customers.models import Contact
from m2c.opportunities import events, services
from m2c.opportunities.models import OpportunitySettings, Risk
from m2c.opportunities.states import RISK_MACHINE, RiskStatus
from tests.factories import ContactFactory, CustomerFactory
from tests.opportunities.factories import opportunity


@pytest.fixture
def opp(org, users, lines):
    customer = CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai)
    return opportunity(owner=users.ar, customer=customer, lines=[lines.campus])


@pytest.fixture
def risk(opp, users):
    return services.risk_add(opportunity=opp, actor=users.ar, description="交付周期紧张", owner=users.sr)


def _last(event_type, opp):
    return Event.objects.filter(event_type=event_type, subject_id=str(opp.pk)).latest("id")


def test_a_stakeholder_update_records_the_diff_and_refuses_other_fields(opp, users):
    contact: Contact = ContactFactory(customer=opp.customer, name="王主任")
    row = services.stakeholder_add(opportunity=opp, actor=users.ar, contact=contact)
    services.stakeholder_update(stakeholder=row, actor=users.ar, attitude="supporter", notes="支持方案")
    event = _last(events.STAKEHOLDER_UPDATED, opp)
    assert event.payload["contact"] == "王主任"
    assert event.payload["changes"]["attitude"][1] == "supporter"
    assert event.payload["changes"]["notes"] == ["", "支持方案"]

    with pytest.raises(ValidationFailed) as refused:
        services.stakeholder_update(stakeholder=row, actor=users.ar, contact=None, notes="换人")
    assert refused.value.errors == [{"field": "contact", "reason": "This field cannot be changed here."}]
    row.refresh_from_db()
    assert row.notes == "支持方案"


def test_an_unchanged_update_writes_nothing(opp, users):
    row = services.competitor_add(opportunity=opp, actor=users.ar, name="Vendor Z", threat="high")
    before = Event.objects.count()
    services.competitor_update(competitor=row, actor=users.ar, threat="high")
    assert Event.objects.count() == before
    services.competitor_update(competitor=row, actor=users.ar, threat="low", incumbent=True)
    assert _last(events.COMPETITOR_UPDATED, opp).payload["changes"] == {"threat": ["high", "low"], "incumbent": [False, True]}


def test_a_risk_update_keeps_its_status_out(risk, opp, users):
    services.risk_update(risk=risk, actor=users.ar, mitigation="提前备货", impact="high")
    risk.refresh_from_db()
    assert (risk.mitigation, risk.impact, risk.status) == ("提前备货", "high", RiskStatus.OPEN)
    assert _last(events.RISK_UPDATED, opp).payload["changes"] == {"mitigation": ["", "提前备货"], "impact": ["medium", "high"]}
    with pytest.raises(ValidationFailed):
        services.risk_update(risk=risk, actor=users.ar, status=RiskStatus.CLOSED)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN


def test_someone_off_the_deal_cannot_change_its_records(risk, users):
    with pytest.raises(PermissionDenied):
        services.risk_update(risk=risk, actor=users.ar_north, mitigation="x")
    with pytest.raises(PermissionDenied):
        services.risk_close(risk=risk, actor=users.ar_north)
    risk.refresh_from_db()
    assert (risk.mitigation, risk.status) == ("", RiskStatus.OPEN)


def test_the_risk_table_walks_every_pair():
    allowed = {(RiskStatus.OPEN, RiskStatus.MITIGATED), (RiskStatus.OPEN, RiskStatus.CLOSED),
               (RiskStatus.MITIGATED, RiskStatus.CLOSED), (RiskStatus.MITIGATED, RiskStatus.OPEN),
               (RiskStatus.CLOSED, RiskStatus.OPEN)}
    for source in RiskStatus.values:
        for target in RiskStatus.values:
            assert (RISK_MACHINE.find(source, target) is not None) == ((source, target) in allowed), (source, target)


def test_risk_commands_follow_the_table_and_land_on_the_deals_timeline(risk, opp, users):
    services.risk_mitigate(risk=risk, actor=users.ar)
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.MITIGATED
    event = _last(events.RISK_MITIGATED, opp)
    assert (event.from_state, event.to_state, event.payload["risk_id"]) == ("open", "mitigated", str(risk.pk))

    services.risk_close(risk=risk, actor=users.ar, reason="已交付")
    with pytest.raises(InvalidTransition):
        services.risk_mitigate(risk=risk, actor=users.ar)
    with pytest.raises(ValidationFailed):
        services.risk_reopen(risk=risk, actor=users.ar, reason=" ")
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.CLOSED
    services.risk_reopen(risk=risk, actor=users.ar, reason="供应商延期")
    assert _last(events.RISK_REOPENED, opp).reason == "供应商延期"
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.OPEN


def test_the_api_moves_a_risk_by_commands_not_by_patch(api, risk, users):
    client = api(users.ar)
    refused = client.patch(f"/risks/{risk.pk}", {"status": "closed"})
    assert refused.status_code == 422
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.OPEN

    assert client.post(f"/risks/{risk.pk}/mitigate", {}).json()["status"] == "mitigated"
    assert client.post(f"/risks/{risk.pk}/close", {"reason": "已交付"}).json()["status"] == "closed"
    conflict = client.post(f"/risks/{risk.pk}/mitigate", {})
    assert conflict.status_code == 409 and conflict.json()["code"] == "invalid_transition"
    assert client.post(f"/risks/{risk.pk}/reopen", {}).status_code == 422
    assert client.post(f"/risks/{risk.pk}/reopen", {"reason": "风险重现"}).json()["status"] == "open"
    assert api(users.ar_north).post(f"/risks/{risk.pk}/close", {}).status_code == 404


def test_a_settings_change_records_its_diff(users):
    row = services.settings_update(actor=users.admin, grade_a_threshold="20000000", atb_lead_working_days=7)
    assert row.grade_a_threshold == Decimal("20000000")
    event = Event.objects.filter(event_type=events.SETTINGS_CHANGED).latest("id")
    assert event.payload["changes"]["atb_lead_working_days"][1] == 7
    assert Decimal(event.payload["changes"]["grade_a_threshold"][1]) == Decimal("20000000")
    assert event.actor == users.admin

    count = Event.objects.filter(event_type=events.SETTINGS_CHANGED).count()
    with pytest.raises(ValidationFailed):
        services.settings_update(actor=users.admin, grade_b_threshold="30000000")
    with pytest.raises(PermissionDenied):
        services.settings_update(actor=users.ar, atb_lead_working_days=3)
    assert OpportunitySettings.current().atb_lead_working_days == 7
    assert Event.objects.filter(event_type=events.SETTINGS_CHANGED).count() == count
