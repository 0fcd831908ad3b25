"""The bigram name index behind customer search (see ``CustomerNameGram``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import Customer, CustomerNameGram

# Looking up more than a few grams costs more than verifying the candidates with LIKE.
MAX_LOOKUP_GRAMS = 3


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
    """A condition for "normalised name contains ``fragment``" that an index can answer."""
    grams = [fragment[i : i + 2] for i in range(len(fragment) - 1)]
    if not grams:
        return Q(normalized_name__contains=fragment)
    # The first, middle and last bigram narrow the candidates; LIKE confirms the exact fragment.
    picked = sorted({grams[0], grams[len(grams) // 2], grams[-1]})[:MAX_LOOKUP_GRAMS]
    condition = Q(normalized_name__contains=fragment)
    for gram in picked:
        condition &= Q(pk__in=CustomerNameGram.objects.filter(gram=gram).values("customer_id"))
    return condition


def candidates(queryset: QuerySet[Customer], fragment: str) -> QuerySet[Customer]:
    return queryset.filter(name_contains(fragment))
