"""Which client imports which kind of file. Dotted paths, so core imports no other app."""

from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings

CLIENTS = {
    "customers": "m2c.customers.imports:CLIENT",
    "opportunities": "m2c.opportunities.imports:CLIENT",
    "org": "m2c.core.imports.org:CLIENT",
    "responses": "m2c.campaigns.imports:CLIENT",
}


def client(kind: str) -> Any:
    path = {**CLIENTS, **getattr(settings, "M2C_IMPORT_CLIENTS", {})}[kind]
    module, _sep, name = path.partition(":")
    return getattr(importlib.import_module(module), name)
