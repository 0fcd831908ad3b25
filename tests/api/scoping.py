"""Every list and detail endpoint, walked from the OpenAPI document: an outsider sees nothing.

Run by tests/web/test_outsider_walk.py on the demo data its web walk loads (loading it is most of the
cost of either walk, so they share one load). An AR of a region that owns no records and a partner user
(with no partner yet) ask every GET operation. Lists must come back empty; every record the administrator can open
through a detail route must be 404 (or 403) for them. Reference data and configuration (org units,
currencies, the authority matrix, the product catalogue…) are the same for everyone and are listed
in REFERENCE.
"""

from __future__ import annotations

import re
from typing import Any

PREFIX = "/api/v1"
REFERENCE = {
    "/me", "/tokens", "/org-units", "/offering-lines", "/currencies", "/fx-rates", "/decision-bodies",
    "/authority-matrices", "/authority-matrices/current", "/gate-checklists", "/opportunity-settings",
    "/products", "/price-lists", "/market-competitors", "/span-criteria", "/span-settings",
    "/courses", "/exams",  # the enablement catalogue: the company-wide courses and exams are open to all staff
}
PARAM = re.compile(r"\{[^}]+\}")


def _document() -> dict:
    from tests.api.document import openapi_document

    return openapi_document()


def _ids(body: Any) -> list[str]:
    """Every value of an "id" key in a response, however deep."""
    found: list[str] = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "id" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_ids(value))
    elif isinstance(body, list):
        for item in body:
            found.extend(_ids(item))
    return found




def api_walk(world: dict[str, Any], own: dict[str, set[str]] | None = None) -> None:
    """``world``: API clients of an administrator, an outsider AR and a partner user, keyed by role.
    ``own``: per role, the ids of records that are theirs (a partner user's own partner and its records):
    the only ids their lists may show, and never used as the hidden sample."""
    own = own or {}
    # What the administrator's lists show, asked once: the lists' check and the detail routes' samples read it.
    listed = {p[len(PREFIX):]: _ids(world["admin"].get(p[len(PREFIX):]).json())
              for p, ops in _document()["paths"].items()
              if "get" in ops and not PARAM.search(p) and p[len(PREFIX):] not in REFERENCE}
    _lists_are_empty(world, own, listed)
    _detail_routes_are_hidden(world, set().union(*own.values()) if own else set(), listed)


def _lists_are_empty(world, own, listed):
    checked = []
    for path, ids in listed.items():
        if not ids:
            continue  # nothing in the demo data to hide (aggregate reports, programs)
        for who in ("outsider", "partner"):
            response = world[who].get(path)
            assert response.status_code in (200, 403, 404), (who, path, response.status_code)
            if response.status_code == 200:
                leaked = set(_ids(response.json())) - own.get(who, set())
                assert not leaked, f"{who} sees records in {path}"
        checked.append(path)
    assert len(checked) >= 6, checked


def _detail_routes_are_hidden(world, own, listed):
    document = _document()
    samples: dict[str, str] = {}
    for path, listed_ids in listed.items():
        ids = [i for i in listed_ids if i not in own]
        if ids:
            samples[path] = ids[0]
    checked = []
    for full, ops in document["paths"].items():
        path = full[len(PREFIX):]
        if "get" not in ops or len(PARAM.findall(path)) != 1:
            continue
        collection = path.split("/{")[0]
        if collection not in samples:
            continue
        concrete = PARAM.sub(samples[collection], path)
        if world["admin"].get(concrete).status_code != 200:
            continue  # needs more parameters than an id (e.g. a merge preview)
        for who in ("outsider", "partner"):
            status = world[who].get(concrete).status_code
            assert status in (403, 404), f"{who} got {status} from {concrete}"
        checked.append(path)
    assert len(checked) >= 15, checked
