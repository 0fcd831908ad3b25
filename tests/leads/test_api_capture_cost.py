"""What one ``POST /api/v1/leads`` costs in statements, and that a retry replays the first answer exactly.

The count is pinned so that a new per-request statement on the capture path (benchmarks/api_capture.py
measures it under load) is a decision someone makes, not an accident. With the reference data shared
as in an app process (settings, offering lines, units, the territory map: the warm-up lead names a
province, as the first lead of a process does), a capture with an Idempotency-Key runs: the token
lookup (token, user and roles in one statement), the transaction, looking the key up (on PostgreSQL in
one statement with the key's lock and the identity locks), the customer and lead candidate lookups, the lead with its
offering lines, its event and the key's row holding the answer (one statement on PostgreSQL, four on
SQLite), the org unit the answer names. A lead routed to a person also reads that person once (to
notify them and to name them in the answer) and writes the notification. GET /api/v1/me is the floor
of the same stack: the token lookup and the user's org unit.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from m2c.core.notifications import Notification
from m2c.leads.capture import forget_shared_reference
from m2c.leads.models import IdempotencyRecord, Lead, RoutingRule

pytestmark = pytest.mark.django_db

# Statements of one capture after the token's use was recorded, SQLite / PostgreSQL (identity locks,
# the inserts in one statement). Was 12 / 13 before the inserts were joined and the territory map was
# counted as the shared reference data it is; 11 / 10 before the key's row was written once with its
# answer (it was claimed by an insert and then updated with the answer; the key is now looked up in
# the statement that takes the identity locks).
CAPTURE = {"sqlite": 11, "postgresql": 8}
# The same capture routed to a person: + reading them (once) + their notification.
ROUTED = {"sqlite": 12, "postgresql": 9}
ME = 2


@pytest.fixture
def shared() -> Any:
    """As in an app process: the reference data (settings, offering lines, units) read once, then shared."""
    forget_shared_reference()
    with override_settings(M2C_REFERENCE_TTL=60):
        yield
    forget_shared_reference()


def _warm(client: Any) -> None:
    # The token's first use records last_used_at; the reference data is read once per process.
    client.get("/me")
    client.post("/leads", {"customer_name": "预热有限公司", "contact_phone": "13900000000", "offering_lines": ["wlan"],
                           "province": "北京"}, HTTP_IDEMPOTENCY_KEY="warm")


def test_get_me_costs_the_token_lookup_and_the_org_unit(api: Any, users: Any, django_assert_num_queries: Any) -> None:
    client = api(users.marketing)
    client.get("/me")
    with django_assert_num_queries(ME):
        response = client.get("/me")
    assert response.status_code == 200 and response.json()["roles"] == ["marketing"]


def test_a_capture_with_an_idempotency_key_costs_a_pinned_number_of_statements(
    api: Any, users: Any, rules: Any, lines: Any, shared: Any, django_assert_num_queries: Any,
) -> None:
    client = api(users.marketing)
    _warm(client)
    payload = {"customer_name": "东海船舶有限公司", "contact_name": "王芳", "contact_phone": "13800138000",
               "offering_lines": ["campus"], "province": "上海", "budget_status": "planned", "pain_confirmed": True}
    with django_assert_num_queries(CAPTURE[connection.vendor]):
        response = client.post("/leads", payload, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201, response.content
    assert Lead.objects.filter(pk=response.json()["id"]).exists()


def test_a_capture_routed_to_a_person_reads_them_once_and_tells_them_with_the_stored_values(
    api: Any, users: Any, rules: Any, lines: Any, shared: Any, django_assert_num_queries: Any,
) -> None:
    RoutingRule.objects.create(name="园区线索给李伟", priority=1, target=RoutingRule.Target.USER, target_user=users.ar,
                               offering_line=lines.campus)
    client = api(users.marketing)
    _warm(client)
    # The process's first routed lead reads the rules and the working-day calendar, shared afterwards.
    client.post("/leads", {"customer_name": "预热港务有限公司", "contact_phone": "13900000001", "offering_lines": ["campus"],
                           "budget_status": "confirmed", "pain_confirmed": True}, HTTP_IDEMPOTENCY_KEY="warm-routed")
    payload = {"customer_name": "南岭港务集团有限公司", "contact_name": "陈静", "contact_phone": "13800138002",
               "offering_lines": ["campus"], "province": "广东", "budget_status": "confirmed", "pain_confirmed": True}
    with django_assert_num_queries(ROUTED[connection.vendor]):
        response = client.post("/leads", payload, HTTP_IDEMPOTENCY_KEY="k-routed")
    assert response.status_code == 201, response.content
    body = response.json()
    lead = Lead.objects.get(pk=body["id"])
    assert lead.owner_id == users.ar.pk and lead.status == "ASSIGNED"
    assert body["owner"] == {"id": str(users.ar.pk), "username": users.ar.username, "display_name": str(users.ar)}
    note = Notification.objects.get(recipient=users.ar, kind="leads.assigned", subject_id=str(lead.pk))
    assert lead.title in note.title
    due = timezone.localtime(lead.accept_due_at).strftime("%Y-%m-%d %H:%M")
    assert due in note.display_body


def test_a_retry_replays_the_first_answer_exactly_and_creates_one_lead(api: Any, users: Any, rules: Any,
                                                                        lines: Any) -> None:
    client = api(users.marketing)
    payload = {"customer_name": "北辰精密制造有限公司", "contact_phone": "13800138001", "offering_lines": ["campus", "wlan"],
               "budget_status": "confirmed", "pain_confirmed": True}
    first = client.post("/leads", payload, HTTP_IDEMPOTENCY_KEY="retry-1")
    again = client.post("/leads", payload, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert again.json() == first.json()
    assert Lead.objects.count() == 1
    record = IdempotencyRecord.objects.get(key="retry-1")
    assert record.response == first.json() and record.status_code == 201
