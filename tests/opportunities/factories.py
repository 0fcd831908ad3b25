"""Shallow builders for opportunity tests. Deals are created through the service, like every channel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from m2c.core.models import Role
from m2c.core.money import Money
from m2c.opportunities import services
from m2c.opportunities.models import DecisionBody, DecisionBodyMember, Product
from tests.factories import CustomerFactory, OfferingLineFactory, UserFactory


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P-{n:04d}")
    name = factory.LazyAttribute(lambda o: f"产品 {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Product {o.code}")
    offering_line = factory.SubFactory(OfferingLineFactory)
    standard_cost = Decimal("70")
    cost_currency = "CNY"


def decider(username: str, unit: Any) -> Any:
    return UserFactory(username=username, roles=[Role.DECISION_TEAM], org_unit=unit)


def body(level: str, unit: Any, *members: Any, name: str | None = None) -> DecisionBody:
    row = DecisionBody.objects.create(name=name or f"{unit.name} SDT", name_en=f"{unit.name_en} SDT", level=level,
                                      org_unit=unit)
    for member in members:
        DecisionBodyMember.objects.create(body=row, user=member)
    return row


def opportunity(*, owner: Any, customer: Any = None, lines: list[Any] | None = None, amount: str = "10000000",
                currency: str = "CNY", name: str = "University A – campus Wi-Fi 7 upgrade", **extra: Any) -> Any:
    customer = customer or CustomerFactory(org_unit=owner.org_unit)
    return services.opportunity_create(
        actor=owner, customer=customer, name=name, amount=Money(amount, currency),
        offering_lines=lines or [OfferingLineFactory(code="campus")], owner=owner,
        expected_sign_date=extra.pop("expected_sign_date", dt.date(2027, 3, 31)), **extra,
    )
