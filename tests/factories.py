"""Shallow factories: each builds one row and the fewest related rows it needs."""

from __future__ import annotations

import random

import factory
from django.contrib.auth.models import Group

from m2c.core.models import OfferingLine, OrgUnit, User
from m2c.core.normalize import CREDIT_CODE_CHARSET, credit_code_check_char, normalize_company_name
from m2c.customers.models import Contact, Customer
from m2c.customers.search import index_customers

_rng = random.Random(7)


def credit_code(n: int | None = None) -> str:
    """A valid credit code; deterministic for a given ``n``."""
    rng = random.Random(n) if n is not None else _rng
    body = "91310000" + "".join(rng.choice(CREDIT_CODE_CHARSET) for _ in range(9))
    return body + credit_code_check_char(body)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.LazyAttribute(lambda o: f"单位 {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Unit {o.code}")
    type = OrgUnit.Type.REGION


class OfferingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfferingLine
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"line-{n}")
    name = factory.LazyAttribute(lambda o: f"产品线 {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Line {o.code}")
    product_category = "Campus Network"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.set([Group.objects.get_or_create(name=r)[0] for r in extracted])


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"测试客户{n}号科技有限公司")
    normalized_name = factory.LazyAttribute(lambda o: normalize_company_name(o.legal_name))
    credit_code = factory.Sequence(lambda n: credit_code(n))
    country = "CN"
    industry = "education"
    tier = "general"

    @factory.post_generation
    def name_index(self, create: bool, extracted: object, **kwargs: object) -> None:
        # The service keeps the search index; a factory row must look the same to searches.
        if create:
            index_customers([self])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.cn")
