"""The bigram name index behind customer search (see ``CustomerNameGram``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet

from .models import Customer, CustomerNameGram

# Above this many postings a bigram is so common that scanning names in order is cheaper.
COMMON_GRAM_POSTINGS = 2000


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def index_customers(customers: Iterable[Customer]) -> int:
    """(Re)build the grams of these customers; returns the number of rows written."""
    batch = list(customers)
    if not batch:
        return 0
    CustomerNameGram.objects.filter(customer__in=[c.pk for c in batch]).delete()
    rows = [CustomerNameGram(customer_id=c.pk, gram=g) for c in batch for g in bigrams(c.normalized_name)]
    CustomerNameGram.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def name_contains(fragment: str) -> Q:
    """A condition for "normalised name contains ``fragment``" that an index can answer.

    On PostgreSQL a fragment of three or more characters goes to the trigram index. Otherwise the
    posting sizes of the fragment's first, middle and last bigram (each counted only up to a bound)
    decide: a missing bigram means no match at all; if even the rarest is common (上海), a scan in
    name order finds a page of matches within the first few thousand names; else the rarest bigram's
    postings are the candidates. LIKE always confirms the exact fragment.
    """
    like = Q(normalized_name__contains=fragment)
    grams = [fragment[i : i + 2] for i in range(len(fragment) - 1)]
    if not grams:
        return like
    if len(fragment) >= 3 and has_trigram_index():
        return like
    best: tuple[str, int] | None = None
    for gram in dict.fromkeys([grams[0], grams[len(grams) // 2], grams[-1]]):
        size = CustomerNameGram.objects.filter(gram=gram)[: COMMON_GRAM_POSTINGS + 1].count()
        if size == 0:
            return Q(pk__in=[])
        if best is None or size < best[1]:
            best = (gram, size)
    assert best is not None
    if best[1] > COMMON_GRAM_POSTINGS:
        return like
    return like & Q(pk__in=CustomerNameGram.objects.filter(gram=best[0]).values("customer_id"))


_TRIGRAM: dict[str, bool] = {}


def has_trigram_index() -> bool:
    """Whether PostgreSQL's trigram index on customer names exists (a schema fact, looked up once)."""
    if connection.vendor != "postgresql":
        return False
    if connection.alias not in _TRIGRAM:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'customer_name_trgm'")
            _TRIGRAM[connection.alias] = cursor.fetchone() is not None
    return _TRIGRAM[connection.alias]


def candidates(queryset: QuerySet[Customer], fragment: str) -> QuerySet[Customer]:
    return queryset.filter(name_contains(fragment))
