"""What every opportunities API module shares: the router, scoped fetches and input parsing."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from m2c.core.errors import PermissionDenied, ValidationFailed
from m2c.core.models import OfferingLine, Role
from m2c.core.money import Money
from m2c.core.selectors import offering_line_list

from .. import selectors
from ..models import (
    Opportunity,
)
from ..schemas.opportunity import opportunity_out

router = Router(tags=["opportunities"])


def _not_partner(request: HttpRequest) -> None:
    user = request.user
    if user.has_role(Role.PARTNER) and not user.sees_everything:
        raise PermissionDenied(_("Partner users have no access to this resource."))


def _opp(request: HttpRequest, opportunity_id: uuid.UUID) -> Opportunity:
    return selectors.opportunity_get(user=request.user, opportunity_id=opportunity_id)


def _lines(codes: list[str], field: str = "offering_lines") -> list[OfferingLine]:
    found = {line.code: line for line in offering_line_list().filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationFailed(_("Unknown offering line(s): %(codes)s") % {"codes": ", ".join(missing)}, field=field)
    ordered: list[OfferingLine] = []
    for code in codes:
        if found[code] not in ordered:
            ordered.append(found[code])
    return ordered


def _money(amount: Decimal, currency: str, field: str = "amount") -> Money:
    try:
        return Money(amount, currency)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.detail, field="currency" if "currency" in exc.detail.lower() else field) from None


def _fresh(request: HttpRequest, opportunity: Opportunity) -> dict[str, Any]:
    """The deal after a command, read through the caller's scope (see ``selectors.opportunity_after_command``)."""
    return opportunity_out(selectors.opportunity_after_command(user=request.user, opportunity=opportunity))
