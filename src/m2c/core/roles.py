"""Role checks shared by services of every app: the one home of "may this actor do that?"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .errors import PermissionDenied
from .models import Role, User

# Who runs a service: a signed-in user, or None for a system process (an import from the CLI, a sweep).
Actor = User | None


def authenticated(actor: Any) -> Any:
    """The actor to store in ``created_by``-style columns: ``None`` for system processes."""
    return actor if getattr(actor, "is_authenticated", False) else None


def is_administrator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.has_role(Role.ADMINISTRATOR)))


def require_role(user: Any, *roles: str, message: Any = None, system: bool = False) -> None:
    """Refuse unless ``user`` holds one of ``roles`` (administrators always pass).

    ``system=True`` lets ``None`` through: a system process (an import run from the CLI, demo data, a
    periodic sweep) acts without a user. A request always has one, so it is checked.
    """
    if user is None and system:
        return
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("You must be signed in."))
    if user.is_superuser or user.has_role(Role.ADMINISTRATOR, *roles):
        return
    raise PermissionDenied(message or _("This needs one of these roles: %(roles)s.") % {
        "roles": ", ".join(str(Role(r).label) if r in Role.values else r for r in roles)
    })
