"""Schemathesis over the whole OpenAPI document: no input may produce a server error.

It also checks that responses conform to the documented schemas, so a problem response that does not
look like a problem, or a body that drifts from its schema, fails here.
"""

import os

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
# A few examples per operation in every run (the suite must stay fast); raise it for a deep run:
# M2C_FUZZ_EXAMPLES=200 pytest tests/api
EXAMPLES = int(os.environ.get("M2C_FUZZ_EXAMPLES", "6"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)


def _check(case, auth_header):
    case.call_and_validate(headers=auth_header, checks=[not_a_server_error, response_schema_conformance])


def _tags() -> list[str]:
    from m2c.api import api

    document = api.get_openapi_schema()
    return sorted({tag for ops in document["paths"].values() for op in ops.values() for tag in op.get("tags", [])})


# Operations whose every request is large (a bulk call carries up to 10,000 items) get fewer examples
# in a test of their own, so they neither dominate the run nor go untested.
HEAVY = {("POST", "/api/v1/leads/bulk"): max(2, EXAMPLES // 3)}


def _fuzz_test(tag: str):
    selected = schema.include(tag=tag)
    for method, path in HEAVY:
        selected = selected.exclude(method=method, path=path)

    @selected.parametrize()
    @FUZZ
    def test(case, auth_header):
        _check(case, auth_header)

    test.__name__ = f"test_{tag}_endpoints_never_fail"
    return test


def _heavy_test(method: str, path: str, examples: int):
    @schema.include(method=method, path=path).parametrize()
    @settings(FUZZ, max_examples=examples)
    def test(case, auth_header):
        _check(case, auth_header)

    return test


# One test per tag of the document, so pytest-xdist spreads them over its workers and a new app's
# endpoints are fuzzed as soon as they exist.
for _tag in _tags():
    globals()[f"test_{_tag}_endpoints_never_fail"] = _fuzz_test(_tag)
for (_method, _path), _examples in HEAVY.items():
    _name = _path.strip("/").replace("/", "_").replace("{", "").replace("}", "").replace("-", "_")
    globals()[f"test_{_method.lower()}_{_name}_never_fails"] = _heavy_test(_method, _path, _examples)


def test_every_operation_has_a_tag():
    from m2c.api import api

    untagged = [
        f"{method.upper()} {path}"
        for path, ops in api.get_openapi_schema()["paths"].items()
        for method, op in ops.items()
        if not op.get("tags")
    ]
    assert untagged == []
