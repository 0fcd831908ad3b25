"""Customer requirements (RR): the life cycle of domain.md 11.12, its API, scoping and notifications."""

from __future__ import annotations

import pytest

from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.core.models import Role
from m2c.core.notifications import Notification
from m2c.insight import services
from m2c.insight.models import Requirement
from m2c.opportunities import services as opportunity_services
from tests.factories import UserFactory
from tests.opportunities import flows


@pytest.fixture
def rr(deal):
    opp = flows.to_o2(deal, name="Provincial Museum", amount="4000000")
    opp = opportunity_services.opportunity_lose(opportunity=opp, actor=deal.ar, loss_reason="solution",
                                                detail="missing feature X", raise_requirement=True)
    return Requirement.objects.get(opportunity=opp)


@pytest.fixture
def analyst(org):
    return UserFactory(username="mi.analyst", roles=[Role.MARKETING], org_unit=org.east)


def test_the_life_cycle_to_closure(rr, analyst, deal):
    assert rr.number.startswith("RR-") and rr.source_type == "loss"
    with pytest.raises(PermissionDenied):
        services.requirement_start_analysis(requirement=rr, actor=deal.ar)  # analysts only
    rr = services.requirement_start_analysis(requirement=rr, actor=analyst)
    with pytest.raises(ValidationFailed) as exc:
        services.requirement_dispose(requirement=rr, actor=analyst, disposition="ACCEPTED_ROADMAP")
    assert exc.value.errors[0]["field"] == "target_release"
    rr = services.requirement_dispose(requirement=rr, actor=analyst, disposition="ACCEPTED_CURRENT",
                                      target_release="R2")
    for command in (services.requirement_implement, services.requirement_verify, services.requirement_close):
        rr = command(requirement=rr, actor=analyst, note="done")
    assert rr.status == "CLOSED"
    assert Notification.objects.filter(recipient=deal.ar, subject_id=str(rr.pk)).count() == 4


def test_rejection_needs_a_reason_and_a_duplicate_names_its_original(rr, analyst, deal):
    services.requirement_start_analysis(requirement=rr, actor=analyst)
    with pytest.raises(ValidationFailed):
        services.requirement_dispose(requirement=rr, actor=analyst, disposition="REJECTED")
    with pytest.raises(ValidationFailed):
        services.requirement_dispose(requirement=rr, actor=analyst, disposition="DUPLICATE", duplicate_of=rr)
    rr.refresh_from_db()
    assert rr.status == "ANALYSING"


def test_api_and_scoping(api, rr, analyst, users, deal):
    body = api(analyst).post(f"/requirements/{rr.pk}/analyse").json()
    assert body["status"] == "ANALYSING"
    body = api(analyst).post(f"/requirements/{rr.pk}/dispose", {"disposition": "ACCEPTED_ROADMAP",
                                                                  "target_release": "R3"}).json()
    assert (body["status"], body["target_release"]) == ("ACCEPTED_ROADMAP", "R3")
    assert api(deal.ar).get("/requirements").json()["count"] == 1  # the deal's owner
    assert api(users.ar_north).get("/requirements").json()["count"] == 0
    assert api(users.ar_north).get(f"/requirements/{rr.pk}").status_code == 404
    assert api(users.partner).get("/requirements").json()["count"] == 0
    assert api(users.partner).get(f"/requirements/{rr.pk}").status_code == 404
    refused = api(deal.ar).post(f"/requirements/{rr.pk}/close", {})
    assert refused.status_code == 409
