"""The token lookup of every API request (core.tokens): one statement, the same user a query returns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from m2c.core.models import ApiToken, Role, User
from m2c.core.services import hash_token, token_authenticate, token_create, token_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fields(user: User) -> dict[str, Any]:
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


@pytest.mark.parametrize("who", ["marketing", "admin", "partner"])
def test_the_token_user_is_the_user_a_query_returns_with_the_same_roles(users: Any, who: str) -> None:
    user = getattr(users, who)
    _, clear = token_create(user=user, name="t")
    found = token_authenticate(clear)
    stored = User.objects.get(pk=user.pk)
    assert found is not None and _fields(found) == _fields(stored)
    assert found.roles == stored.roles
    assert found.org_unit == stored.org_unit


def test_a_user_in_several_groups_has_every_role_and_a_superuser_is_an_administrator(org: Any) -> None:
    user = UserFactory(username="many", roles=[Role.MARKETING, Role.AR], is_superuser=True)
    _, clear = token_create(user=user, name="t")
    assert token_authenticate(clear).roles == {Role.MARKETING, Role.AR, Role.ADMINISTRATOR}
    lone = UserFactory(username="lone", roles=[])
    _, clear = token_create(user=lone, name="t")
    assert token_authenticate(clear).roles == frozenset()


def test_revoked_unknown_and_inactive_tokens_authenticate_nobody(users: Any) -> None:
    token, clear = token_create(user=users.marketing, name="t")
    assert token_authenticate(clear + "x") is None
    assert token_authenticate("not-a-token") is None
    User.objects.filter(pk=users.marketing.pk).update(is_active=False)
    assert token_authenticate(clear) is None
    User.objects.filter(pk=users.marketing.pk).update(is_active=True)
    assert token_authenticate(clear) is not None
    token_revoke(token=token, actor=users.marketing)
    assert token_authenticate(clear) is None


def test_a_token_used_within_the_minute_costs_one_statement(
    users: Any, django_assert_num_queries: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    _, clear = token_create(user=users.marketing, name="t")
    with django_capture_on_commit_callbacks(execute=True):  # the first use records last_used_at (after commit)
        token_authenticate(clear)
    assert ApiToken.objects.get(key_hash=hash_token(clear)).last_used_at is not None
    with django_assert_num_queries(1):
        user = token_authenticate(clear)
        assert user.has_role(Role.MARKETING) and not user.has_role(Role.ADMINISTRATOR)


def test_a_token_unused_for_a_minute_records_its_use_again(users: Any, django_capture_on_commit_callbacks: Any) -> None:
    token, clear = token_create(user=users.marketing, name="t")
    old = timezone.now() - dt.timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        token_authenticate(clear)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > old


def test_postgresql_prepares_the_token_lookup_a_connection_runs_repeatedly(users: Any) -> None:
    """Server-side binding with prepared statements (settings): the lookup is parsed once per connection."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are a PostgreSQL setting")
    _, clear = token_create(user=users.marketing, name="t")
    for _ in range(6):
        assert token_authenticate(clear) is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any("core_apitoken" in s and "key_hash" in s for s in statements), statements
