"""The API's OpenAPI document, built once and read by every test that needs it.

Building it takes ~3 s of CPU (pydantic's JSON schema of ~180 operations' models), and the fuzz tests'
collection on every worker, their Schemathesis schema, the example-request test and the outsider walk's
API part each built it again: ~10 builds per run of the suite. The document depends only on the code, so
it is kept per process and in a file under ``var/test-templates/``, keyed by a digest of every Python
file of the app and the versions of Django, django-ninja and pydantic: any change to them builds it
again, nothing else does. ``/api/v1/openapi.json`` itself is still fetched through the app by
``tests/customers/test_api.py``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).resolve().parents[2] / "src" / "m2c"
_BUILT: list[dict[str, Any]] = []


def source_key() -> str:
    import django
    import ninja
    import pydantic

    digest = hashlib.sha256(f"{django.get_version()}|{ninja.__version__}|{pydantic.VERSION}".encode())
    for path in sorted(SOURCE.rglob("*.py")):
        digest.update(str(path.relative_to(SOURCE)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build() -> dict[str, Any]:
    from ninja.responses import NinjaJSONEncoder

    from m2c.api import api

    # As the openapi.json view serves it (JSON), so every reader sees plain dicts, lists and strings.
    return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


def _built() -> dict[str, Any]:
    if not _BUILT:
        from django.conf import settings

        from tests import db_template

        folder = Path(settings.VAR_DIR) / "test-templates"
        path = folder / f"openapi-{source_key()}.json"
        with db_template.file_lock(folder / "openapi.lock"):
            if not path.exists():
                building = path.with_suffix(f".{os.getpid()}.building")
                building.write_text(json.dumps(_build()))
                os.replace(building, path)
                for stale in folder.glob("openapi-*.json"):
                    if stale != path:
                        stale.unlink(missing_ok=True)
        _BUILT.append(json.loads(path.read_text()))
    return _BUILT[0]


def openapi_document() -> dict[str, Any]:
    """A fresh copy of the document: a test may change its copy without touching the next test's."""
    return copy.deepcopy(_built())
