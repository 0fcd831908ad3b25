"""What the billing pages share: who may open them."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from m2c.core.errors import PermissionDenied
from m2c.core.models import Role

from ..selectors import sees_all_cash


def allowed(request: HttpRequest) -> None:
    """Invoices: the iron triangle, finance, decision teams and read-all roles; not marketing or partners."""
    user = request.user
    if user.sees_everything or user.has_role(Role.AR, Role.SR, Role.FR, Role.FINANCE, Role.DECISION_TEAM):
        return
    raise PermissionDenied(_("Your role has no access to invoices."))


def finance_only(request: HttpRequest) -> None:
    """Receipts and bank statements: finance and read-all roles."""
    if not sees_all_cash(request.user) or request.user.has_role(Role.PARTNER):
        raise PermissionDenied(_("Receipts are for finance."))
