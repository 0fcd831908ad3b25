"""The requirement services (domain.md 11.12): raising one, its number, and refusals that store nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.core.models import Event, Role
from m2c.core.money import Money
from m2c.insight import services
from m2c.insight.models import Requirement
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(org: Any) -> Any:
    return UserFactory(username="mi.analyst", roles=[Role.MARKETING], org_unit=org.east)


def _raise(actor: Any, **extra: Any) -> Requirement:
    fields: dict[str, Any] = {"title": "支持 Wi-Fi 7 漫游", "description": "客户要求跨楼宇无缝漫游", "source_type": "insight"}
    return services.requirement_create(actor=actor, **{**fields, **extra})


def test_a_requirement_raised_in_chinese_reads_back_with_its_number_event_and_unit(users: Any, org: Any) -> None:
    customer = CustomerFactory(legal_name="申江大学", org_unit=org.shanghai)
    rr = _raise(users.ar, customer=customer, business_value=Money(Decimal("1250000.50"), "CNY"), urgency="high")
    stored = Requirement.objects.get(pk=rr.pk)
    assert (stored.title, stored.description, stored.status) == ("支持 Wi-Fi 7 漫游", "客户要求跨楼宇无缝漫游", "NEW")
    assert stored.number == f"RR-{timezone.localdate().year}-00001"
    assert (stored.business_value, stored.currency, stored.org_unit) == (Decimal("1250000.50"), "CNY", org.shanghai)
    assert stored.submitted_by == users.ar
    event = Event.objects.get(subject_id=str(rr.pk))
    assert (event.event_type, event.to_state, event.payload["number"]) == ("insight.requirement.created", "NEW", stored.number)
    assert _raise(users.ar).number == f"RR-{timezone.localdate().year}-00002"


def test_bad_input_names_every_field_and_stores_nothing(users: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.requirement_create(actor=users.ar, title="  ", description="", source_type="rumour", urgency="asap",
                                    business_value=Money(Decimal(-1), "CNY"))
    assert sorted(e["field"] for e in exc.value.errors) == ["business_value", "description", "source_type", "title",
                                                            "urgency"]
    assert exc.value.status == 422
    assert (Requirement.objects.count(), Event.objects.count()) == (0, 0)


def test_a_partner_user_cannot_raise_one(users: Any) -> None:
    with pytest.raises(PermissionDenied):
        _raise(users.partner)
    assert Requirement.objects.count() == 0


def test_a_disposition_needs_its_facts_and_a_refusal_changes_nothing(users: Any, analyst: Any) -> None:
    rr = services.requirement_start_analysis(requirement=_raise(users.ar), actor=analyst)
    assert (rr.status, rr.analyst) == ("ANALYSING", analyst)
    before = (Requirement.objects.filter(pk=rr.pk).values().get(), Event.objects.count())
    cases = [("ACCEPTED_CURRENT", {}, "target_release"), ("REJECTED", {}, "note"), ("DUPLICATE", {}, "duplicate_of"),
             ("DUPLICATE", {"duplicate_of": rr}, "duplicate_of"), ("CLOSED", {}, "disposition")]
    for disposition, extra, field in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.requirement_dispose(requirement=rr, actor=analyst, disposition=disposition, **extra)
        fields = [e["field"] for e in exc.value.errors] if exc.value.errors else [exc.value.field]
        assert fields == [field], (disposition, exc.value)
        assert (Requirement.objects.filter(pk=rr.pk).values().get(), Event.objects.count()) == before
    other = _raise(users.ar, title="同一需求")
    dup = services.requirement_dispose(requirement=rr, actor=analyst, disposition="DUPLICATE", duplicate_of=other,
                                       note="与前一条相同")
    assert (dup.status, dup.duplicate_of, dup.disposition_note) == ("DUPLICATE", other, "与前一条相同")
