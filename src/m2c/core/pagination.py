"""Page-number pagination for API lists and web tables."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .errors import ValidationFailed

MAX_PAGE_SIZE = 500


def paginate(
    queryset: QuerySet,
    *,
    page: int = 1,
    page_size: int | None = None,
    serialize: Any = None,
    count_limit: int | None = None,
) -> dict[str, Any]:
    """One page of ``queryset`` with the number of matches.

    ``count_limit`` caps the count for open-ended searches: counting stops after that many matches;
    when more match, ``count`` is the limit and ``count_exact`` is False ("more than count"). A search
    that matches half the table then costs a short scan instead of a full one.
    """
    size = page_size or settings.M2C_API_PAGE_SIZE
    if page < 1:
        raise ValidationFailed("page must be 1 or more", field="page")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"page_size must be between 1 and {MAX_PAGE_SIZE}", field="page_size")
    offset = (page - 1) * size
    rows = list(queryset[offset : offset + size])
    exact = True
    # Skip the COUNT query when the first page is not full: the count is then known.
    if page == 1 and len(rows) < size:
        count = len(rows)
    elif count_limit:
        limit = max(count_limit, offset + len(rows))  # never fewer than the rows already shown
        count = queryset.order_by().values("pk")[: limit + 1].count()
        exact = count <= limit
        count = min(count, limit)
    else:
        count = queryset.order_by().count()
    items = [serialize(r) for r in rows] if serialize else rows
    return {
        "items": items,
        "count": count,
        "count_exact": exact,
        "page": page,
        "page_size": size,
        "pages": max(1, math.ceil(count / size)),
    }


class CappedPaginator(Paginator):
    """A Django paginator whose count stops at ``limit`` (for searches over large tables)."""

    def __init__(self, object_list: QuerySet, per_page: int, *, limit: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.limit = limit

    @cached_property
    def count(self) -> int:
        if not self.limit:
            return super().count
        return self.object_list.order_by().values("pk")[: self.limit + 1].count()

    @property
    def capped(self) -> bool:
        return bool(self.limit) and self.count > self.limit
