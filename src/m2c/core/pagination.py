"""Page-number pagination for API lists and web tables."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from .errors import ValidationFailed

MAX_PAGE_SIZE = 500


def paginate(queryset: QuerySet, *, page: int = 1, page_size: int | None = None, serialize: Any = None) -> dict[str, Any]:
    size = page_size or settings.M2C_API_PAGE_SIZE
    if page < 1:
        raise ValidationFailed("page must be 1 or more", field="page")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"page_size must be between 1 and {MAX_PAGE_SIZE}", field="page_size")
    offset = (page - 1) * size
    rows = list(queryset[offset : offset + size])
    # Skip the COUNT query when the first page is not full: the count is then known.
    if page == 1 and len(rows) < size:
        count = len(rows)
    else:
        count = queryset.order_by().count()
    items = [serialize(r) for r in rows] if serialize else rows
    return {"items": items, "count": count, "page": page, "page_size": size, "pages": max(1, math.ceil(count / size))}
