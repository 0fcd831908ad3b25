"""The OpenAPI document is faithful: a request built from the document alone is never refused as malformed.

For every operation of /api/v1/openapi.json the test builds one example request from what the document
says (required fields, their types, formats, patterns and enums; nothing from the code), sends it as an
administrator against seeded data and expects anything but a 422 (a 404 for an unknown id or a 409 for a
state that does not allow the command is fine) and never a server error. Two schemas of different apps
with the same name used to overwrite each other in the document, so lead commands were documented with
the opportunities' bodies; this test fails on any such drift.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

import pytest
from django.test import Client
from pydantic import BaseModel

from m2c.core.models import Role
from m2c.core.services import token_create
from tests.api.document import openapi_document
from tests.factories import CustomerFactory, UserFactory

TODAY = dt.date.today()

# Values a person would take from the seeded data (GET /offering-lines, /currencies, /me), by field name.
# Only names whose free-text example would name nothing that exists are listed.
SEEDED: dict[str, Any] = {
    "offering_lines": ["campus"],
    "offering_line": "campus",
    "currency": "CNY",
    "owner": "admin",
    "region": "east",
    "org_unit": "ro-shanghai",
    "customer_name": "申江大学",
    "legal_name": "示例科技有限公司",
    "contact_email": "buyer@example.com",
    "email": "buyer@example.com",
}

# Every pattern of the document must produce an example here; a new pattern fails loudly.
PATTERN_CANDIDATES = ("10000.00", "A", "x1", "zh-hans", "month", "low", "meeting", "chair", "ACCEPTED_CURRENT")


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = {**document["components"]["schemas"][name], **{k: v for k, v in schema.items() if k != "$ref"}}
    if "allOf" in schema and len(schema["allOf"]) == 1:
        merged = {**_resolve(schema["allOf"][0], document), **{k: v for k, v in schema.items() if k != "allOf"}}
        return merged
    return schema


def _string(schema: dict[str, Any], name: str) -> str:
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return (TODAY + dt.timedelta(days=30)).isoformat()
    if fmt == "date-time":
        return dt.datetime.now(dt.UTC).isoformat()
    if fmt == "email":
        return "buyer@example.com"
    if "pattern" in schema:
        for candidate in (*schema.get("examples", ()), *PATTERN_CANDIDATES):
            if re.fullmatch(schema["pattern"], candidate):
                return candidate
        raise AssertionError(f"{name}: no example value matches the documented pattern {schema['pattern']!r}")
    if isinstance(SEEDED.get(name), str):
        return SEEDED[name]
    text = "示例" if schema.get("maxLength", 10) >= 2 else "x"
    return text.ljust(schema.get("minLength", 0), "x")[: schema.get("maxLength", 200)]


def example(schema: dict[str, Any], document: dict[str, Any], name: str = "") -> Any:
    """One valid value for ``schema``, built from the document alone."""
    schema = _resolve(schema, document)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema or "oneOf" in schema:
        options = [o for o in schema.get("anyOf", schema.get("oneOf")) if o.get("type") != "null"]
        return example(options[0], document, name)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if schema.get("examples"):
            # The schema's own example: rules across fields (an operator needing a threshold) that the
            # types alone cannot say.
            return schema["examples"][0]
        body = {}
        for key in schema.get("required", []):
            body[key] = SEEDED[key] if key in SEEDED and not isinstance(SEEDED[key], str) else example(
                schema["properties"][key], document, key
            )
        return body
    if kind == "array":
        if name in SEEDED:
            return SEEDED[name]
        return [example(schema.get("items", {}), document, name) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        return _string(schema, name)
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1) if schema.get("maximum", 1) >= 1 else int(schema["maximum"])
    if kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    raise AssertionError(f"{name}: the document gives no type ({schema})")


def build(method: str, path: str, operation: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """The client call for one operation: the URL with its path and required query values, and a body."""
    url, query = path, {}
    for parameter in operation.get("parameters", []):
        value = example(parameter.get("schema", {}), document, parameter["name"])
        if parameter["in"] == "path":
            url = url.replace("{" + parameter["name"] + "}", str(value))
        elif parameter["in"] == "query" and parameter.get("required"):
            query[parameter["name"]] = value
    call: dict[str, Any] = {"path": url, "data": query or None}
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = example(content["application/json"]["schema"], document)
        call = {"path": url + (("?" + "&".join(f"{k}={v}" for k, v in query.items())) if query else ""),
                "data": json.dumps(body), "content_type": "application/json"}
    elif "multipart/form-data" in content:
        from django.core.files.uploadedfile import SimpleUploadedFile

        schema = _resolve(content["multipart/form-data"]["schema"], document)
        form = {
            key: SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 example", content_type="application/pdf")
            if _resolve(schema["properties"][key], document).get("format") == "binary"
            else example(schema["properties"][key], document, key)
            for key in schema.get("required", [])
        }
        call = {"path": url, "data": form}
    return call


@pytest.fixture
def admin_client(db, org, lines):
    admin = UserFactory(username="admin", roles=[Role.ADMINISTRATOR], is_superuser=True, is_staff=True)
    CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai)
    _, token = token_create(user=admin, name="examples")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _operations() -> list[tuple[str, str]]:
    document = openapi_document()
    return [(method, path) for path, ops in document["paths"].items() for method in ops]


def test_every_request_built_from_the_document_is_accepted(admin_client):
    document = openapi_document()
    refused = []
    count = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            call = build(method, path, operation, document)
            target = call.pop("path")
            response = getattr(admin_client, method)(target, **call)
            count += 1
            if response.status_code == 422 or response.status_code >= 500:
                refused.append(f"{method.upper()} {path} → {response.status_code}: {response.content[:300]!r}")
    assert count > 100
    assert refused == [], "\n".join(refused)


def test_the_lead_commands_are_documented_with_their_own_bodies():
    document = openapi_document()

    def body(path: str) -> dict[str, Any]:
        ref = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        return _resolve(ref, document)

    assign = body("/api/v1/leads/{lead_id}/assign")
    assert set(assign["properties"]) == {"owner"} and assign["required"] == ["owner"]
    activity = body("/api/v1/leads/{lead_id}/activities")
    assert {"type", "subject", "occurred_at"} <= set(activity["properties"])
    assert "kind" not in activity["properties"] and "occurred_on" not in activity["properties"]
    assert body("/api/v1/leads/{lead_id}/return")["required"] == ["reason"]
    assert "decision_body" in body("/api/v1/gate-reviews/{review_id}/assign")["properties"]


def _models(root: type) -> set[type]:
    found, stack = set(), [root]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return found


def test_every_schema_of_the_api_has_a_name_of_its_own():
    """Two classes with one name would share one entry of the document's components: one would vanish."""
    import m2c.api  # noqa: F401  (imports every app's schemas)

    by_name: dict[str, list[str]] = {}
    for model in _models(BaseModel):
        parts = model.__module__.split(".")
        # The API's schemas live in each app's schemas and api modules (or packages).
        if parts[0] == "m2c" and {"schemas", "api"} & set(parts[2:]) and "[" not in model.__name__:
            by_name.setdefault(model.__name__, []).append(model.__module__)
    assert {name: modules for name, modules in by_name.items() if len(modules) > 1} == {}
