"""Schemathesis over the whole OpenAPI document: no input may produce a server error.

It also checks that responses conform to the documented schemas, so a problem response that does not
look like a problem, or a body that drifts from its schema, fails here.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from m2c.core.models import Role
from m2c.core.services import token_create
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.fuzz


@pytest.fixture
def api_schema(db, org, lines):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from m2c.wsgi import application

    # As Django's test client does: requests must not close the test's transaction-bound connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_header(db, org):
    admin = UserFactory(username="fuzz-admin", roles=[Role.ADMINISTRATOR], is_superuser=True)
    CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai)
    _, token = token_create(user=admin, name="fuzz")
    return {"Authorization": f"Bearer {token}"}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
def test_no_input_makes_the_api_fail(case, auth_header):
    case.call_and_validate(headers=auth_header, checks=[not_a_server_error, response_schema_conformance])
