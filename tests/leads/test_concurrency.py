"""Two requests with the same Idempotency-Key at the same moment (PostgreSQL: real concurrency)."""

import threading

import pytest
from django.db import connection

from m2c.leads import services
from m2c.leads.api import lead_out
from m2c.leads.models import IdempotencyRecord, Lead

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite runs one write transaction at a time"),
]


def test_a_retry_sent_while_the_first_request_runs_waits_and_replays_it(users, rules, lines):
    data = {"customer_name": "申江大学", "contact_phone": "13800138000", "offering_lines": ["campus"]}
    first_inside, results = threading.Event(), {}

    def slow_render(lead, outcome):
        first_inside.set()  # the key is locked, the lead about to be written, the transaction open
        threading.Event().wait(0.5)
        return lead_out(lead, users.marketing)

    def send(name, render):
        try:
            results[name] = services.lead_create_idempotent(actor=users.marketing, key="retry-1", data=data, render=render)
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first", slow_render))
    first.start()
    assert first_inside.wait(10)
    retry = threading.Thread(target=send, args=("retry", lambda lead, outcome: lead_out(lead, users.marketing)))
    retry.start()
    first.join(10)
    retry.join(10)

    (status1, body1, replayed1), (status2, body2, replayed2) = results["first"], results["retry"]
    assert (status1, replayed1, status2, replayed2) == (201, False, 201, True)
    assert body2["id"] == str(body1["id"])
    assert Lead.objects.count() == 1 and IdempotencyRecord.objects.count() == 1


def test_a_key_stored_by_a_request_that_did_not_lock_it_is_replayed_and_nothing_else_is_kept(users, rules, lines):
    """A process of an earlier release claims a key by inserting its row, without the key's lock: the
    request that meets that row at its own insert rolls back and replays the stored answer."""
    import hashlib
    import json

    from django.db import transaction

    data = {"customer_name": "浦江航运有限公司", "contact_phone": "13800138009", "offering_lines": ["campus"]}
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    inside, results = threading.Event(), {}

    def older_release():
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(user=users.marketing, key="old-1", request_hash=digest,
                                                 status_code=201, response={"id": "from-the-older-process"})
                inside.set()
                threading.Event().wait(0.8)  # the other request runs up to its insert and waits for this row
        finally:
            connection.close()

    older = threading.Thread(target=older_release)
    older.start()
    assert inside.wait(10)
    try:
        results["new"] = services.lead_create_idempotent(actor=users.marketing, key="old-1", data=data,
                                                         render=lambda lead, outcome: lead_out(lead, users.marketing))
    finally:
        older.join(10)
    assert results["new"] == (201, {"id": "from-the-older-process"}, True)
    assert Lead.objects.count() == 0 and IdempotencyRecord.objects.count() == 1


def test_a_retry_that_finds_the_key_taken_holds_no_identity_lock_while_it_waits(users, rules, lines):
    """The first request takes the key's lock, then the identity locks; between the two, a retry that found the
    key taken must not take an identity lock (then each waited for the other: "deadlock detected", a 500 under
    wrk). Here the first request is held right after taking the key's lock."""
    from django.db import transaction

    from m2c.leads.services import intake

    data = {"customer_name": "申江大学", "contact_phone": "13800138000", "offering_lines": ["campus"]}
    ref, prepared = intake._prepare_one(actor=users.marketing, data=data, channel="API")
    numbers = sorted({intake._lock_number(k) for k in intake._identity_lock_keys([prepared])})
    key_lock = intake._lock_number(f"i:{users.marketing.pk}:dead-1")
    holding, waiting, done, found = threading.Event(), threading.Event(), threading.Event(), {}

    def first_request():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key_lock])
                holding.set()
                assert waiting.wait(10)
                threading.Event().wait(0.3)  # the retry is inside its statements now
                # The identity locks are still free to take: the retry took none of them.
                cursor.execute(f"SELECT {', '.join(['pg_try_advisory_xact_lock(%s)'] * len(numbers))}", numbers)
                found["free"] = all(cursor.fetchone())
        finally:
            connection.close()

    def retry():
        try:
            with transaction.atomic():
                waiting.set()
                found["answer"] = intake._lock_and_look_up(users.marketing, "dead-1", prepared)
                done.set()
        finally:
            connection.close()

    first = threading.Thread(target=first_request)
    first.start()
    assert holding.wait(10)
    second = threading.Thread(target=retry)
    second.start()
    first.join(15)
    second.join(15)
    assert found["free"] is True
    assert done.is_set() and found["answer"] is None  # it waited for the key, then found no answer stored
