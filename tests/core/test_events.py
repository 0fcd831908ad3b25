import pytest
from django.db import DatabaseError, connection, transaction

from m2c.core import events
from m2c.core.models import Event
from tests.testapp.models import Gadget


@pytest.fixture
def event(db):
    gadget = Gadget.objects.create()
    return events.record(events.STATE_CHANGED, gadget, payload={"n": 1}, from_state="A", to_state="B")


def test_an_event_cannot_be_saved_again(event):
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        event.save()


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        Event.objects.all().delete()
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).update(reason="x")
    assert Event.objects.filter(pk=event.pk, reason="").exists()


def test_the_database_refuses_updates_even_in_raw_sql(event):
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_event SET reason = 'x' WHERE id = %s", [event.pk])
    assert Event.objects.get(pk=event.pk).reason == ""


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row DELETE trigger is PostgreSQL only")
def test_postgresql_refuses_deletes_in_raw_sql(event):
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_event WHERE id = %s", [event.pk])
    assert Event.objects.filter(pk=event.pk).exists()


def test_only_registered_event_types_are_recorded(db):
    gadget = Gadget.objects.create()
    with pytest.raises(ValueError):
        events.record("testapp.gadget.vanished", gadget)


def test_an_event_type_needs_three_parts():
    with pytest.raises(ValueError):
        events.register("too.short", "x")


def test_the_timeline_is_in_time_order(db):
    gadget = Gadget.objects.create()
    first = events.record(events.STATE_CHANGED, gadget, from_state="A", to_state="B")
    second = events.record(events.STATE_CHANGED, gadget, from_state="B", to_state="C")
    assert [e.pk for e in events.timeline(gadget)] == [first.pk, second.pk]


def test_events_carry_the_request_id(client, users):
    client.force_login(users.admin)
    response = client.post("/account/tokens/", {"name": "ci"}, HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 302
    assert response["X-Request-Id"] == "req-42"
    assert Event.objects.get(event_type=events.TOKEN_CREATED).request_id == "req-42"
