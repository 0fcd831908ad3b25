"""Role checks shared by services of every app."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .errors import PermissionDenied
from .models import Role


def require_role(user: Any, *roles: str, message: str | None = None) -> None:
    """Refuse unless ``user`` holds one of ``roles`` (administrators always pass)."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("You must be signed in."))
    if user.is_superuser or user.has_role(Role.ADMINISTRATOR, *roles):
        return
    raise PermissionDenied(message or _("This needs one of these roles: %(roles)s.") % {
        "roles": ", ".join(str(Role(r).label) if r in Role.values else r for r in roles)
    })
