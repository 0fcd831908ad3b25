"""What one ``POST /api/v1/leads`` costs in statements, and that a retry replays the first answer exactly.

The count is pinned so that a new per-request statement on the capture path (benchmarks/api_capture.py
measures it under load) is a decision someone makes, not an accident. With the reference data shared
as in an app process, a capture with an Idempotency-Key runs: the token lookup (token, user and roles
in one statement), the transaction, claiming the key, the identity locks (PostgreSQL only), the
customer and lead candidate lookups, the territory of the province, the lead, its offering lines and
its event, the org unit the answer names, the stored answer. (A lead routed to a person also
notifies them.) GET /api/v1/me is the floor of the same stack: the token lookup and the user's org unit.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from m2c.leads.capture import forget_shared_reference
from m2c.leads.models import IdempotencyRecord, Lead

pytestmark = pytest.mark.django_db

# Statements of one capture after the token's use was recorded, SQLite / PostgreSQL (identity locks).
CAPTURE = {"sqlite": 12, "postgresql": 13}
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
    client.post("/leads", {"customer_name": "预热有限公司", "contact_phone": "13900000000", "offering_lines": ["wlan"]},
                HTTP_IDEMPOTENCY_KEY="warm")


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
