from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from m2c.core.notifications import unread_count

from . import navigation as nav


def navigation_context(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return {
        "nav_sections": nav.build(match, user) if getattr(user, "is_authenticated", False) else [],
        "company_name": settings.M2C_COMPANY_NAME,
        "unread_notifications": unread_count(getattr(request, "user", None)),
    }


# Settings refer to this name.
navigation = navigation_context
