"""What every billing command shares: amounts to the fen, dates, numbering and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core.errors import FieldErrors, ValidationFailed
from m2c.core.models import Role
from m2c.core.money import to_decimal
from m2c.core.roles import require_role

FEN = Decimal("0.01")


def fen(value: Decimal) -> Decimal:
    """Round to the fen, half up (how Chinese invoices round each line)."""
    return value.quantize(FEN, ROUND_HALF_UP)


def amount(value: Any, *, field: str, errors: FieldErrors, positive: bool = True) -> Decimal | None:
    """A money amount from user input, or an error naming ``field``; never a float."""
    if value in (None, ""):
        errors.add(field, _("An amount is required."))
        return None
    try:
        number = to_decimal(value, field=field)
    except ValidationFailed as exc:
        errors.add(field, exc.detail)
        return None
    if not number.is_finite():
        errors.add(field, _("Enter a number."))
        return None
    if positive and number <= 0:
        errors.add(field, _("The amount must be above zero."))
        return None
    if number != fen(number):
        errors.add(field, _("Amounts are to the fen (two decimals)."))
        return None
    if abs(number) >= Decimal("1e15"):
        errors.add(field, _("The amount is too large."))
        return None
    return number


def day(value: Any, *, field: str, errors: FieldErrors, required: bool = True, future: bool = False) -> dt.date | None:
    """A date from user input; by default not after today (in the configured time zone)."""
    if value in (None, ""):
        if required:
            errors.add(field, _("A date is required."))
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        found = value
    else:
        try:
            found = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            errors.add(field, _("Use a date like 2026-06-30."))
            return None
    if not future and found > timezone.localdate():
        errors.add(field, _("The date cannot be in the future."))
        return None
    return found


def next_number(model: type[models.Model], prefix: str, on: dt.date, field: str = "number") -> str:
    """``PREFIX-YYYY-00001``: the next free number of the year (the caller holds the transaction)."""
    head = f"{prefix}-{on.year}-"
    last = (model._default_manager.select_for_update().filter(**{f"{field}__startswith": head})
            .order_by(f"-{field}").values_list(field, flat=True).first())
    sequence = int(last.rsplit("-", 1)[-1]) + 1 if last else 1
    return f"{head}{sequence:05d}"


def require_finance(actor: Any, *, system: bool = False) -> None:
    require_role(actor, Role.FINANCE, system=system,
                 message=_("Only finance may do this."))


def require_billing(actor: Any) -> None:
    """Invoice requests: finance, or the contract's account or fulfilment responsible."""
    require_role(actor, Role.FINANCE, Role.AR, Role.FR, system=True)
