"""Customer reads, always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from m2c.core.normalize import normalize_search_fragment
from m2c.core.scoping import scope

from .models import Contact, Customer, Territory
from .search import name_contains

CUSTOMER_SCOPE = {"org_field": "org_unit", "owner_fields": ("ar_owner",), "group_field": "customer_group"}
ORDERINGS = {
    "name": "normalized_name",
    "-name": "-normalized_name",
    "created": "created_at",
    "-created": "-created_at",
}


def customer_queryset(user: Any) -> QuerySet[Customer]:
    return scope(Customer.objects.all(), user, **CUSTOMER_SCOPE)


def customer_list(
    *,
    user: Any,
    search: str | None = None,
    org_unit: str | None = None,
    customer_group: str | None = None,
    industry: str | None = None,
    tier: str | None = None,
    compliance_status: str | None = None,
    ar_owner: str | None = None,
    country: str | None = None,
    ordering: str = "name",
) -> QuerySet[Customer]:
    qs = customer_queryset(user).select_related("org_unit", "customer_group", "ar_owner")
    if search:
        fragment = normalize_search_fragment(search)
        condition = name_contains(fragment) if fragment else Q()
        code = search.strip().upper().replace(" ", "")
        # Only a term that looks like a credit code also searches codes: the OR would otherwise stop
        # the database from answering name searches from the name index alone.
        if len(code) >= 4 and code.isalnum() and code.isascii() and sum(c.isdigit() for c in code) >= 2:
            condition |= Q(credit_code__startswith=code)
        qs = qs.filter(condition)
    if org_unit:
        qs = qs.filter(Q(org_unit__code=org_unit) | Q(org_unit__path__contains=f"/{org_unit}/"))
    if customer_group:
        qs = qs.filter(customer_group__code=customer_group)
    if industry:
        qs = qs.filter(industry=industry)
    if tier:
        qs = qs.filter(tier=tier)
    if compliance_status:
        qs = qs.filter(compliance_status=compliance_status)
    if ar_owner:
        qs = qs.filter(ar_owner__username=ar_owner)
    if country:
        qs = qs.filter(country=country.upper())
    order = ORDERINGS.get(ordering, "normalized_name")
    # The normalised name is unique, so it needs no tie-breaker (which would force a sort).
    return qs.order_by(order) if "normalized_name" in order else qs.order_by(order, "id")


def customer_get(*, user: Any, customer_id: Any) -> Customer:
    return get_object_or_404(
        customer_queryset(user).select_related("org_unit", "customer_group", "ar_owner", "created_by"),
        pk=customer_id,
    )


def contact_list(*, customer: Customer) -> QuerySet[Contact]:
    return customer.contacts.all().order_by("-active", "name")


def contact_get(*, user: Any, contact_id: Any) -> Contact:
    contact = get_object_or_404(Contact.objects.select_related("customer"), pk=contact_id)
    # The contact is visible exactly when its customer is.
    customer_get(user=user, customer_id=contact.customer_id)
    return contact


def customer_by_id(customer_id: Any) -> Customer | None:
    """A customer by id, unscoped: for services that resolved it themselves (a payer, an event's subject)."""
    return Customer.objects.filter(pk=customer_id).first()


def customer_visible(*, user: Any, customer_id: Any) -> bool:
    """Whether ``user`` may see the customer (an id from input: other apps link records only to these)."""
    return customer_queryset(user).filter(pk=customer_id).exists()


def customer_known_keys() -> tuple[set[str], set[str]]:
    """The credit codes and normalised names already stored (a bulk loader skips those customers)."""
    codes = set(Customer.objects.exclude(credit_code=None).values_list("credit_code", flat=True))
    names = set(Customer.objects.values_list("normalized_name", flat=True))
    return codes, names


def customer_sample(
    *, under: Any = None, industry: str | None = None, exclude: Any = (), limit: int = 40
) -> list[Customer]:
    """Customers in good standing, by name: under an org unit, of an industry, not in ``exclude``.

    Unscoped, for loaders that act for no user (the demo data picks its deals' customers here).
    """
    qs = Customer.objects.filter(compliance_status="ok").exclude(pk__in=exclude)
    if under is not None:
        qs = qs.filter(org_unit__path__startswith=under.path)
    if industry:
        qs = qs.filter(industry=industry)
    return list(qs.order_by("normalized_name")[:limit])


def customer_contact_match(*, customer: Customer, name: str, email: str = "", phone: str = "") -> Contact | None:
    """The customer's contact that is this person: the same email, the same phone, or the same name."""
    condition = Q(name=name)
    if email:
        condition |= Q(email=email)
    if phone:
        condition |= Q(phone=phone)
    return Contact.objects.filter(customer=customer).filter(condition).order_by("created_at").first()


_TERRITORY_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


def territory_key(kind: str, value: str) -> str:
    """The key a province (上海市 → 上海, 广西壮族自治区 → 广西) or an industry is filed under."""
    text = (value or "").strip()
    if kind == Territory.Kind.PROVINCE:
        for suffix in _TERRITORY_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                return text[: -len(suffix)]
    return text


def territory_map() -> dict[tuple[str, str], Any]:
    """(kind, key) → org unit id of every territory whose unit is active (one query)."""
    rows = Territory.objects.filter(org_unit__active=True).values_list("kind", "key", "org_unit_id")
    return {(kind, key): unit for kind, key, unit in rows}


def territory_list(*, kind: str | None = None) -> QuerySet[Territory]:
    """The territory map for its settings page, by kind and key."""
    qs = Territory.objects.select_related("org_unit").order_by("kind", "key")
    return qs.filter(kind=kind) if kind else qs


def territory_get(territory_id: Any) -> Territory | None:
    return Territory.objects.select_related("org_unit").filter(pk=territory_id).first()


def contacts_for_invitation(*, user: Any, contact_ids: list[Any], customer_ids: list[Any]) -> QuerySet[Contact]:
    """Active contacts with an email, named one by one or as all of some customers, among the customers
    ``user`` may see (campaign invitations)."""
    if not contact_ids and not customer_ids:
        return Contact.objects.none()
    visible = customer_queryset(user).values("pk")
    wanted = Q(pk__in=[c for c in contact_ids if c]) | Q(customer_id__in=[c for c in customer_ids if c])
    return (Contact.objects.filter(wanted, customer__in=visible, active=True).exclude(email="")
            .select_related("customer").order_by("customer__legal_name", "name"))
