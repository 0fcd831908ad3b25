"""django-ninja names each schema's OpenAPI component by its class name and keeps the last one it meets:
two ``PartnerTierOut`` classes (the partner's tiers and the performance table's) made the document describe
one with the other's fields, and the fuzz found a response that "violated" the wrong schema. Every schema
class of the API has a name of its own."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_no_two_api_schemas_share_a_name():
    from m2c.api import api  # imports every app's routers and their schemas

    assert api.urls
    names: dict[str, list[str]] = defaultdict(list)
    for cls in _subclasses(BaseModel):
        module = cls.__module__
        if module.startswith("m2c.") and any(part.startswith(("schemas", "api")) for part in module.split(".")[1:]):
            names[cls.__name__].append(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in names.items() if len(where) > 1} == {}
