"""Running pipeline totals, kept in step with the opportunities in the same transaction.

The board's column totals and the pipeline reports sum a million opportunities; scanning them on every
page view costs most of a second. Instead every service that creates an opportunity or changes one of
the dimensions below records the move of its amount from one bucket to another here, under the
opportunity's row lock and inside the command's transaction. A bucket is
(stage, region, org unit, primary offering line, currency, probability, forecast category, grade); its row
holds the count and the amount in that currency. Reports read these few thousand rows, convert each
currency once and weigh each probability once.

Two transactions creating the same new bucket at the same moment may each insert a row: the sums stay
right (rows are added, never matched one to one) and :func:`rebuild` merges them. :func:`rebuild` also
recomputes everything from the opportunities, under a table lock, for the daily reconciliation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Subquery, Sum

DIMENSIONS = ("stage", "region_id", "org_unit_id", "offering_line_id", "currency", "probability", "forecast_category",
              "grade")


def _bucket(values: dict[str, Any]) -> tuple:
    return tuple(values[d] for d in DIMENSIONS)


def _snapshot(opportunity_id: Any) -> tuple[tuple, Decimal] | None:
    from .models import Opportunity

    row = Opportunity.objects.filter(pk=opportunity_id).values(*DIMENSIONS, "amount").first()
    if row is None:
        return None
    return _bucket(row), row["amount"]


def _add(bucket: tuple, count: int, amount: Decimal) -> None:
    from .models import PipelineTotal

    match = dict(zip(DIMENSIONS, bucket, strict=True))
    # The bucket's first row, found and updated in one statement (a SELECT then an UPDATE before).
    first = PipelineTotal.objects.filter(**match).order_by("pk").values("pk")[:1]
    if not PipelineTotal.objects.filter(pk=Subquery(first)).update(count=F("count") + count, amount=F("amount") + amount):
        PipelineTotal.objects.create(count=count, amount=amount, **match)


def move(before: tuple[tuple, Decimal] | None, after: tuple[tuple, Decimal] | None) -> None:
    """Take ``before`` out of its bucket and put ``after`` into its own (either may be ``None``)."""
    if before == after:
        return
    changes = []
    if before is not None:
        changes.append((before[0], -1, -before[1]))
    if after is not None:
        changes.append((after[0], 1, after[1]))
    # Always touch buckets in the same order, so two commands moving deals in opposite directions
    # queue behind each other instead of deadlocking.
    for bucket, count, amount in sorted(changes, key=lambda c: tuple(str(v) for v in c[0])):
        _add(bucket, count, amount)


@contextmanager
def tracked(opportunity_id: Any) -> Iterator[None]:
    """Around any change of an existing opportunity: lock it, and move its amount if a dimension changed."""
    from .models import Opportunity

    with transaction.atomic():
        Opportunity.objects.select_for_update().filter(pk=opportunity_id).values_list("pk", flat=True).first()
        before = _snapshot(opportunity_id)
        yield
        move(before, _snapshot(opportunity_id))


def _of_row(row: Any) -> tuple[tuple, Decimal]:
    """The bucket and amount of an opportunity instance, typed as :func:`_snapshot` reads them."""
    values = {}
    for name in (*DIMENSIONS, "amount"):
        value = getattr(row, name)
        places = getattr(type(row)._meta.get_field(name.removesuffix("_id")), "decimal_places", None)
        if places is not None and value is not None:
            value = Decimal(value).quantize(Decimal(1).scaleb(-places))
        values[name] = value
    return _bucket(values), values["amount"]


@contextmanager
def tracked_row(locked: Any) -> Iterator[None]:
    """:func:`tracked` for a caller that already holds the opportunity's row lock in this transaction and
    keeps ``locked`` current (a state-machine move with ``held=True`` writes through it): the buckets are
    read off the row instead of queried before and after."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("tracked_row needs the caller's transaction holding the row lock")
    before = _of_row(locked)
    yield
    move(before, _of_row(locked))


def added(opportunity_id: Any) -> None:
    """A new opportunity enters its bucket."""
    move(None, _snapshot(opportunity_id))


def added_row(opportunity: Any) -> None:
    """:func:`added` for the instance just created in this transaction (its bucket read off the row)."""
    move(None, _of_row(opportunity))


@transaction.atomic
def rebuild() -> int:
    """Recompute every bucket from the opportunities; returns the number of buckets.

    On PostgreSQL the totals table is locked first: a command still running waits and applies its own
    move on top of the rebuilt figures, so nothing is counted twice or lost.
    """
    from .models import Opportunity, PipelineTotal

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {PipelineTotal._meta.db_table} IN EXCLUSIVE MODE")
    PipelineTotal.objects.all().delete()
    rows = (
        Opportunity.objects.order_by().values(*DIMENSIONS).annotate(n=Count("*"), total=Sum("amount"))
    )
    buckets = [PipelineTotal(count=r["n"], amount=r["total"] or Decimal(0), **{d: r[d] for d in DIMENSIONS})
               for r in rows]
    PipelineTotal.objects.bulk_create(buckets, batch_size=2000)
    return len(buckets)
