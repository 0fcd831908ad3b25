"""Schemathesis over the whole OpenAPI document: no input may produce a server error.

It also checks that responses conform to the documented schemas, so a problem response that does not
look like a problem, or a body that drifts from its schema, fails here.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.python._constants.orchestrator import build_constants_pool
from schemathesis.specs.openapi.checks import response_schema_conformance

from m2c.core.models import Role
from m2c.core.services import token_create
from tests.api.document import openapi_document
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.fuzz


_LOADED: list = []


@pytest.fixture
def api_schema(db, org, lines):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from m2c.wsgi import application

    # As Django's test client does: requests must not close the test's transaction-bound connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # Built once per process (tests/api/document.py; seconds for ~180 operations) and shared between the
    # chunks; the requests go through the WSGI app, as with ``from_wsgi``.
    if not _LOADED:
        loaded = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)
        loaded.app = application
        loaded.location = "/api/v1/openapi.json"
        # Schemathesis scans the app's source for constants to reuse in generated values (~1 s of CPU).
        # Each test's filtered clone of the schema inherits the scan from this one only if it was made
        # here first; otherwise every chunk scans the whole app again.
        build_constants_pool(loaded)
        _LOADED.append(loaded)
    yield _LOADED[0]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_header(db, org):
    admin = UserFactory(username="fuzz-admin", roles=[Role.ADMINISTRATOR], is_superuser=True)
    CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai)
    _, token = token_create(user=admin, name="fuzz")
    return {"Authorization": f"Bearer {token}"}


schema = schemathesis.pytest.from_fixture("api_schema")
# Every run sends a few generated requests per operation, valid and invalid (the suite must stay
# fast). A deep run adds Schemathesis' coverage phase (boundary values and every kind of wrong input,
# about a hundred requests per operation) and more random examples:
#     M2C_FUZZ_DEEP=1 M2C_FUZZ_EXAMPLES=100 pytest tests/api
EXAMPLES = int(os.environ.get("M2C_FUZZ_EXAMPLES", "8"))
DEEP = bool(os.environ.get("M2C_FUZZ_DEEP"))
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": DEEP}}})
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)


def _check(case, auth_header):
    case.call_and_validate(headers=auth_header, checks=[not_a_server_error, response_schema_conformance])


def _document() -> dict:
    return openapi_document()


# Operations whose every request is large (a bulk call carries up to 10,000 items) get fewer examples
# in a test of their own, so they neither dominate the run nor go untested.
HEAVY = {"POST /api/v1/leads/bulk": max(2, EXAMPLES // 3)}
CHUNK = 12


def _groups() -> dict[str, list[str]]:
    """Operation labels ("METHOD /path") by tag, cut into chunks so xdist can spread them."""
    by_tag: dict[str, list[str]] = {}
    for path, ops in _document()["paths"].items():
        for method, op in ops.items():
            label = f"{method.upper()} {path}"
            if label not in HEAVY:
                by_tag.setdefault((op.get("tags") or ["untagged"])[0], []).append(label)
    groups = {}
    for tag, labels in sorted(by_tag.items()):
        labels.sort()
        for start in range(0, len(labels), CHUNK):
            groups[f"{tag}_{start // CHUNK + 1}"] = labels[start : start + CHUNK]
    return groups


def _fuzz_test(labels: list[str], examples: int):
    wanted = frozenset(labels)

    @schema.include(func=lambda ctx: ctx.operation.label in wanted).parametrize()
    @settings(FUZZ, max_examples=examples)
    def test(case, auth_header):
        _check(case, auth_header)

    return test


# One test per chunk of each tag's operations, so pytest-xdist spreads them over its workers and a
# new app's endpoints are fuzzed as soon as they exist.
for _name, _labels in _groups().items():
    globals()[f"test_{_name}_endpoints_never_fail"] = _fuzz_test(_labels, EXAMPLES)
for _label, _examples in HEAVY.items():
    _slug = "".join(ch if ch.isalnum() else "_" for ch in _label.lower()).strip("_")
    globals()[f"test_{_slug}_never_fails"] = _fuzz_test([_label], _examples)


def test_every_operation_has_a_tag():
    untagged = [
        f"{method.upper()} {path}"
        for path, ops in _document()["paths"].items()
        for method, op in ops.items()
        if not op.get("tags")
    ]
    assert untagged == []
