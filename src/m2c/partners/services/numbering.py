"""Document numbers for the channel records: prefix + year-month + a counter, retried on a race."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from m2c.core.errors import Conflict


def create_numbered(model: Any, prefix: str, **values: Any) -> Any:
    head = f"{prefix}{timezone.localdate():%y%m}"
    for _attempt in range(20):
        count = model.objects.filter(number__startswith=head).count() + 1 + _attempt
        try:
            with transaction.atomic():
                return model.objects.create(number=f"{head}{count:05d}", **values)
        except IntegrityError as exc:
            if "number" not in str(exc):
                raise
    raise Conflict(_("The record could not be numbered; try again."), code="busy")
