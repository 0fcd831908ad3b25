"""Core's shared helpers: typed event payloads, ``model_update``, role checks, user lookups, refs."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from m2c.core import events
from m2c.core.errors import FieldErrors, PermissionDenied, ValidationFailed
from m2c.core.models import Event, Role
from m2c.core.roles import require_role
from m2c.core.schemas import ref_out, user_ref_out
from m2c.core.selectors import user_resolve
from m2c.core.services import model_update
from tests.factories import UserFactory
from tests.testapp.models import Gadget


class Counted(events.EventPayload):
    n: int


COUNTED = events.register("testapp.gadget.counted", "Gadget counted", Counted)
UPDATED = events.register("testapp.gadget.updated", "Gadget updated", events.Changes)


def test_every_event_type_of_the_apps_declares_a_payload_schema():
    import m2c.api  # noqa: F401  (imports every app's events)

    for event_type in events.registered():
        assert issubclass(events.payload_schema(event_type), BaseModel), event_type


def test_a_payload_is_checked_against_its_declaration_and_a_bad_one_writes_nothing(db):
    gadget = Gadget.objects.create()
    events.record(COUNTED, gadget, payload={"n": 3})
    for bad in ({"n": "three"}, {"n": 1, "extra": True}, {}):
        with pytest.raises(ValueError, match="testapp.gadget.counted"):
            events.record(COUNTED, gadget, payload=bad)
    assert Event.objects.filter(event_type=COUNTED).count() == 1


def test_the_diff_convention_is_old_and_new(db):
    gadget = Gadget.objects.create()
    events.record(UPDATED, gadget, payload={"changes": {"status": ["DRAFT", "DONE"]}})
    with pytest.raises(ValueError):
        events.record(UPDATED, gadget, payload={"changes": {"status": "DONE"}})
    with pytest.raises(ValueError):
        events.record(UPDATED, gadget, payload={"changes": {"status": ["DRAFT"]}})


def test_model_update_returns_the_diff_and_bumps_the_version(db):
    gadget = Gadget.objects.create()
    diff = model_update(gadget, ("status", "approved_amount"), {"status": "DONE", "approved_amount": 0})
    assert diff == {"status": ["DRAFT", "DONE"]}
    assert gadget.version == 2
    stored = Gadget.objects.get(pk=gadget.pk)
    assert (stored.status, stored.version) == ("DONE", 2)


def test_model_update_of_a_held_row_writes_it_without_reading_it_again(db, django_assert_num_queries):
    from django.db import transaction

    gadget = Gadget.objects.create()
    with transaction.atomic():
        locked = Gadget.objects.select_for_update().get(pk=gadget.pk)
        with django_assert_num_queries(1):  # the UPDATE alone
            diff = model_update(locked, ("status",), {"status": "DONE"}, held=True)
    assert diff == {"status": ["DRAFT", "DONE"]}
    stored = Gadget.objects.get(pk=gadget.pk)
    assert (stored.status, stored.version, locked.version) == ("DONE", 2, 2)


def test_model_update_with_nothing_changed_writes_nothing(db):
    gadget = Gadget.objects.create()
    assert model_update(gadget, ("status",), {"status": "DRAFT"}) == {}
    assert Gadget.objects.get(pk=gadget.pk).version == 1


def test_model_update_refuses_fields_outside_the_list_and_changes_nothing(db):
    gadget = Gadget.objects.create()
    with pytest.raises(ValidationFailed) as refused:
        model_update(gadget, ("status",), {"status": "DONE", "approved_amount": 5})
    assert [e["field"] for e in refused.value.errors] == ["approved_amount"]
    stored = Gadget.objects.get(pk=gadget.pk)
    assert (stored.status, stored.approved_amount, stored.version) == ("DRAFT", 0, 1)


def test_model_update_reads_the_row_it_locks_not_a_stale_copy(db):
    gadget = Gadget.objects.create()
    stale = Gadget.objects.get(pk=gadget.pk)
    model_update(gadget, ("status",), {"status": "REVIEW"})
    diff = model_update(stale, ("status",), {"status": "DONE"})
    assert diff == {"status": ["REVIEW", "DONE"]}
    assert Gadget.objects.get(pk=gadget.pk).version == 3


def test_model_update_before_save_may_refuse(db):
    gadget = Gadget.objects.create()

    def veto(diff):
        if "approved_amount" in diff:
            raise PermissionDenied("finance only")

    with pytest.raises(PermissionDenied):
        model_update(gadget, ("status", "approved_amount"), {"approved_amount": 9}, before_save=veto)
    assert Gadget.objects.get(pk=gadget.pk).approved_amount == 0
    assert gadget.approved_amount == 0


def test_require_role(db, org):
    ar = UserFactory(roles=[Role.AR], org_unit=org.shanghai)
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    require_role(ar, Role.AR)
    require_role(admin, Role.FINANCE)
    require_role(None, Role.FINANCE, system=True)
    with pytest.raises(PermissionDenied):
        require_role(ar, Role.FINANCE, message="finance only")
    with pytest.raises(PermissionDenied):
        require_role(None, Role.FINANCE)


def test_user_resolve_by_name_or_id_and_refusals(db):
    user = UserFactory(username="li.wei")
    gone = UserFactory(username="gone", is_active=False)
    assert user_resolve("li.wei", field="owner") == user
    assert user_resolve(str(user.pk), field="owner") == user
    assert user_resolve("", field="owner") is None
    with pytest.raises(ValidationFailed) as refused:
        user_resolve("gone", field="owner")
    assert refused.value.errors[0]["field"] == "owner"
    errors = FieldErrors()
    assert user_resolve(gone.pk, field="team.0", errors=errors) is None
    assert user_resolve("", field="team.1", errors=errors, required=True) is None
    assert [e["field"] for e in errors.items] == ["team.0", "team.1"]


def test_refs(db, org):
    user = UserFactory(username="li.wei", display_name="李伟")
    assert ref_out(org.shanghai) == {"id": org.shanghai.pk, "code": "ro-shanghai", "name": org.shanghai.label}
    assert ref_out(None) is None
    assert user_ref_out(user) == {"id": user.pk, "username": "li.wei", "display_name": "李伟"}


def test_field_errors_text_strips_and_names_the_field_in_the_readers_language(db, users):
    from django.utils import translation

    from m2c.leads import services as leads_services
    from m2c.leads.models import RoutingRule

    errors = FieldErrors()
    assert errors.text("name", "  华东规则 ", required="required", max_length=10) == "华东规则"
    assert errors.text("note", None) == ""
    assert not errors
    errors.text("name", "   ", required="A name is required.")
    with translation.override("zh-hans"):
        errors.text("name_en", "x" * 11, max_length=10)
    assert errors.items == [{"field": "name", "reason": "A name is required."},
                            {"field": "name_en", "reason": "最多 10 个字符。"}]
    # Through a service that uses it: a refused update changes nothing.
    rule = RoutingRule.objects.create(name="原规则", target="named_ar", priority=10)
    with pytest.raises(ValidationFailed) as refused:
        leads_services.routing_rule_update(rule=rule, actor=users.admin, name="长" * 121)
    assert refused.value.errors == [{"field": "name", "reason": "At most 120 characters."}]
    rule.refresh_from_db()
    assert rule.name == "原规则"
