"""Spelling variants of one company resolve to it; branches, other cities and other numbers do not (issue 12).

Equivalences of the name key, each because the spellings denote the same registered entity:

- 有限责任公司 ≡ 有限公司: the Company Law lets a limited liability company name itself with either;
- 股份有限公司 ≡ 股份公司 ≡ 有限公司: name registration refuses a second name that differs only in its
  organisational form, so one 字号 names one company whichever form is written (a conversion keeps it);
- full-width and half-width brackets, 【】: typing, not naming;
- bracketed （总部）/（集团总部）/（公司总部）/（本部）/（总公司）/（集团）, and 总部/本部 after a legal form:
  they name the company itself, which is registered once; its head office is no separate entity.

Not equivalent: a branch (（上海分公司）, 上海分公司 — branches are registered, and are customers, on their
own), a bracketed qualifier with a place (（北京总部）), the same core name in another city, and names that
differ in a number or ordinal (第11/第12妇幼保健院, 一中/二中, 1号/2号).
"""

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from m2c.core.errors import DuplicateRecord
from m2c.core.normalize import normalize_company_name
from m2c.customers import services
from m2c.customers.identity import customer_resolve
from m2c.customers.models import Customer, CustomerNameGram
from m2c.customers.names import company_keys
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

STORED = "温州诚博和电子有限公司"

SAME_COMPANY = [
    "温州诚博和电子有限公司（总部）",
    "温州诚博和电子有限公司(总部)",
    "温州诚博和电子有限公司（总部)",
    "温州诚博和电子有限公司【总部】",
    "温州诚博和电子有限公司 ( 总部 )",
    "温州诚博和电子有限公司（集团总部）",
    "温州诚博和电子有限公司（公司总部）",
    "温州诚博和电子有限公司（本部）",
    "温州诚博和电子有限公司（总公司）",
    "温州诚博和电子（集团）有限公司",
    "温州诚博和电子有限公司总部",
    "温州诚博和电子集团总部",
    "温州诚博和电子有限责任公司",
    "温州诚博和电子有限责任公司（总部）",
    "温州诚博和电子股份有限公司",
    "温州诚博和电子股份公司",
    "温州诚博和电子 有限公司",
    "温州诚博和电子",
]

OTHER_CUSTOMERS = [
    "温州诚博和电子有限公司（上海分公司）",
    "温州诚博和电子有限公司上海分公司",
    "温州诚博和电子有限公司（鹿城分公司）",
    "温州诚博和电子有限公司（北京总部）",
    "杭州诚博和电子有限公司",
    "杭州诚博和电子有限公司（总部）",
]


def _customer(name, **fields):
    fields.setdefault("normalized_name", company_keys(name)[0])
    return CustomerFactory(legal_name=name, **fields)


@pytest.mark.parametrize("variant", SAME_COMPANY)
def test_each_equivalent_spelling_has_the_stored_key_and_resolves_to_the_customer(variant):
    assert normalize_company_name(variant) == normalize_company_name(STORED) == "温州诚博和电子"
    stored = _customer(STORED)
    found = customer_resolve(name=variant)
    assert found.customer is not None and found.customer.id == stored.pk
    assert found.score == 100 and found.keys == ["name"]


@pytest.mark.parametrize("variant", OTHER_CUSTOMERS)
def test_branches_bracketed_places_and_other_cities_do_not_resolve_to_the_head_office(variant):
    assert normalize_company_name(variant) != normalize_company_name(STORED)
    _customer(STORED)
    found = customer_resolve(name=variant)
    assert found.customer is None, found.explanation


def test_another_city_is_a_candidate_that_says_so_but_not_a_match():
    stored = _customer(STORED)
    found = customer_resolve(name="杭州诚博和电子有限公司（总部）")
    assert found.customer is None
    assert [(c["customer"], c["keys"]) for c in found.candidates] == [(str(stored.pk), ["core_name_other_place"])]


def test_the_branch_is_its_own_customer_and_resolves_to_itself():
    head = _customer(STORED)
    branch = _customer("温州诚博和电子有限公司上海分公司")
    assert customer_resolve(name="温州诚博和电子有限公司（上海分公司）").customer.id == branch.pk
    assert customer_resolve(name="温州诚博和电子有限公司（总部）").customer.id == head.pk


@pytest.mark.parametrize(("stored", "probe"), [
    ("上海市第十一妇幼保健院", "上海市第十二妇幼保健院（总部）"),
    ("上海市第十一妇幼保健院（本部）", "上海市第十二妇幼保健院（本部）"),
    ("第11妇幼保健院", "第12妇幼保健院（本部）"),
    ("上海一中", "上海二中（本部）"),
    ("华信燃气1号站有限公司", "华信燃气2号站有限公司（总部）"),
    ("华信燃气1号站有限公司", "华信燃气2号站有限责任公司"),
])
def test_numbered_names_stay_different_customers_whatever_their_qualifier(stored, probe):
    _customer(stored)
    assert customer_resolve(name=probe).customer is None


@pytest.mark.parametrize(("stored", "probe"), [
    ("上海市第十一妇幼保健院", "上海市第十一妇幼保健院（本部）"),
    ("上海市第十一妇幼保健院", "上海市第11妇幼保健院（总部）"),
    ("华信燃气1号站有限公司", "华信燃气1号站有限责任公司（总部）"),
])
def test_numbered_names_with_a_qualifier_resolve_to_the_same_number(stored, probe):
    customer = _customer(stored)
    assert customer_resolve(name=probe).customer.id == customer.pk


def test_a_bare_qualifier_or_legal_form_stays_a_name():
    assert normalize_company_name("（总部）") == "总部"
    assert normalize_company_name("有限公司") == "有限公司"
    assert normalize_company_name("华信总部基地有限公司") == "华信总部基地"  # 总部 inside a name is a word


def test_creating_the_head_office_spelling_of_a_stored_customer_is_refused(users, org):
    with translation.override("zh-hans"):
        stored = services.customer_create(actor=users.marketing, legal_name=STORED, org_unit=org.shanghai)
        with pytest.raises(DuplicateRecord) as exc:
            services.customer_create(actor=users.marketing, legal_name="温州诚博和电子有限责任公司（总部）",
                                     org_unit=org.shanghai)
    assert exc.value.field == "legal_name" and exc.value.extra["existing_id"] == str(stored.pk)
    assert list(Customer.objects.values_list("legal_name", flat=True)) == [STORED]
    branch = services.customer_create(actor=users.marketing, legal_name="温州诚博和电子有限公司（上海分公司）",
                                      org_unit=org.shanghai)
    assert Customer.objects.get(pk=branch.pk).normalized_name == "温州诚博和电子有限公司上海分"


def _migration(app, name):
    from importlib import import_module

    return import_module(f"m2c.{app}.migrations.{name}")


def test_the_migration_rekeys_customers_stored_under_the_old_key_with_their_search_grams():
    old = _customer("南岭港务有限公司（总部）", normalized_name="南岭港务有限公司总部")
    untouched = _customer("北辰精密制造有限公司")
    # Two customers stored apart under the old keys: the one already holding the new key keeps it, the
    # other keeps its old key (a migration does not merge customers).
    holder = _customer("东湖光电有限公司")
    kept = _customer("东湖光电有限公司（本部）", normalized_name="东湖光电有限公司本部")
    assert CustomerNameGram.objects.filter(customer_id=old.pk, gram="总部").exists()
    _migration("customers", "0007_rekey_self_qualified_names").rekey(django_apps, None)
    keys = dict(Customer.objects.values_list("pk", "normalized_name"))
    assert keys == {old.pk: "南岭港务", untouched.pk: untouched.normalized_name, holder.pk: "东湖光电",
                    kept.pk: "东湖光电有限公司本部"}
    assert set(CustomerNameGram.objects.filter(customer_id=old.pk).values_list("gram", flat=True)) == {
        "南岭", "岭港", "港务"}
    assert customer_resolve(name="南岭港务有限公司（总部）").customer.id == old.pk


def test_the_api_refuses_the_head_office_spelling_and_keeps_the_branch(api, users, org):
    first = api(users.marketing).post("/customers", {"legal_name": STORED}).json()
    response = api(users.marketing).post("/customers", {"legal_name": "温州诚博和电子有限公司(总部)"})
    assert response.status_code == 409, response.content
    problem = response.json()
    assert problem["code"] == "customer_exists" and problem["existing_id"] == first["id"]
    assert problem["errors"] == [{"field": "legal_name", "reason": problem["detail"]}]
    branch = api(users.marketing).post("/customers", {"legal_name": "温州诚博和电子有限公司（上海分公司）"})
    assert branch.status_code == 201, branch.content
    assert api(users.marketing).get(f"/customers/{branch.json()['id']}").json()["legal_name"] == (
        "温州诚博和电子有限公司（上海分公司）")
