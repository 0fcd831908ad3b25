"""The API's OpenAPI document, built once per test process.

Building it takes ~3 s of CPU (pydantic's JSON schema of ~180 operations' models), and the fuzz tests'
collection, their Schemathesis schema, the example-request test and the outsider walk's API part each
built it again: ~10 builds per run of the suite. The document depends only on the code, which does not
change while the tests run, so every test reads this one copy. ``/api/v1/openapi.json`` itself is still
fetched through the app by ``tests/customers/test_api.py``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

_BUILT: list[dict[str, Any]] = []


def _built() -> dict[str, Any]:
    if not _BUILT:
        from ninja.responses import NinjaJSONEncoder

        from m2c.api import api

        # As the openapi.json view serves it (JSON), so every reader sees plain dicts, lists and strings.
        _BUILT.append(json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder)))
    return _BUILT[0]


def openapi_document() -> dict[str, Any]:
    """A fresh copy of the document: a test may change its copy without touching the next test's."""
    return copy.deepcopy(_built())
