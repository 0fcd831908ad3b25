"""Identity resolution (customers.identity): who is this customer, and why — one engine for every app."""

import pytest

from m2c.customers.identity import (
    CustomerIndex,
    Keys,
    compare,
    customer_resolve,
    customer_resolve_many,
    keys_of,
)
from m2c.customers.names import company_keys, name_numbers
from m2c.customers.services import contact_create
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

EXPLANATION_KEYS = {"customer", "legal_name", "score", "keys", "candidates"}


def _customer(name, **fields):
    return CustomerFactory(legal_name=name, normalized_name=company_keys(name)[0], **fields)


# --- the ordinal rule ---------------------------------------------------------------------------------

NUMBERED_PAIRS = [
    ("第11妇幼保健院", "第12妇幼保健院"),
    ("第十一妇幼保健院", "第十二妇幼保健院"),
    ("上海市第一人民医院", "上海市第六人民医院"),
    ("上海一中", "上海二中"),
    ("北京市一中", "北京市二中"),
    ("华信燃气1号站", "华信燃气2号站"),
    ("Shenjiang Middle School No. 3", "Shenjiang Middle School No. 4"),
    ("第三十五中学", "第三十六中学"),
]


@pytest.mark.parametrize(("a", "b"), NUMBERED_PAIRS)
def test_names_that_differ_only_in_a_number_or_ordinal_are_different_customers(a, b):
    ka, kb = Keys(*company_keys(a)), Keys(*company_keys(b))
    assert compare(ka, kb) is None
    # Even a shared switchboard or email cannot make them one entity.
    ka.phone = kb.phone = "+862166881234"
    ka.email = kb.email = "office@edu.example.cn"
    assert compare(ka, kb) is None


@pytest.mark.parametrize(("a", "b"), [("第11妇幼保健院", "第十一妇幼保健院"), ("上海一中", "上海市一中"),
                                      ("No. 3 Middle School", "No.3 Middle School")])
def test_the_same_number_written_two_ways_is_still_the_same_customer(a, b):
    match = compare(Keys(*company_keys(a)), Keys(*company_keys(b)))
    assert match is not None and match.score >= 95


def test_brand_words_made_of_numerals_are_not_ordinals():
    assert name_numbers(company_keys("一汽大众汽车有限公司")[0]) == ()
    assert name_numbers(company_keys("三一重工股份有限公司")[0]) == ()
    assert name_numbers(company_keys("第一百零五中学")[0]) == (105,)


def test_the_same_credit_code_wins_over_different_numbers():
    code = "91310000MA1FL4CT3U"
    match = compare(Keys(*company_keys("第11妇幼保健院"), credit_code=code), Keys(*company_keys("第12妇幼保健院"), credit_code=code))
    assert match is not None and match.keys[0] == "credit_code" and match.score == 100


def test_resolution_never_answers_a_customer_of_another_number(db):
    eleven = _customer("上海市第十一妇幼保健院")
    found = customer_resolve(name="上海市第十二妇幼保健院")
    assert found.customer is None
    assert str(eleven.pk) not in [c["customer"] for c in found.candidates]
    assert customer_resolve(name="上海第十一妇幼保健院").customer.id == eleven.pk
    index = CustomerIndex(preload=True)
    assert index.resolve(keys_of(name="第11妇幼保健院（上海）"))[0].id == eleven.pk


# --- the service and its explanation -------------------------------------------------------------------


def test_resolution_by_credit_code_explains_itself(db):
    customer = _customer("申江燃气有限公司", credit_code="91310000MA1FL4CT3U")
    found = customer_resolve(name="完全另一个名字", credit_code="91310000ma1fl4ct3u")
    assert found.customer.id == customer.pk
    assert found.explanation == {"customer": str(customer.pk), "legal_name": "申江燃气有限公司", "score": 100,
                                 "keys": ["credit_code"], "candidates": found.candidates}
    assert found.candidates[0]["customer"] == str(customer.pk)


def test_resolution_by_name_variant_gives_score_keys_and_similarity(db):
    customer = _customer("上海华信燃气有限公司")
    found = customer_resolve(name="华信燃气（上海）股份有限公司")
    assert found.customer.id == customer.pk
    assert found.score == 95 and found.keys == ["core_name"]
    candidate = found.candidates[0]
    assert set(candidate) == {"customer", "legal_name", "score", "keys", "name_similarity"}
    assert candidate["name_similarity"] == 100


def test_no_match_has_the_same_format(db):
    found = customer_resolve(name="从未见过的公司")
    assert found.customer is None
    assert set(found.explanation) == EXPLANATION_KEYS
    assert found.explanation["customer"] is None and found.explanation["keys"] == [] and found.candidates == []


def test_a_contact_email_or_phone_identifies_the_customer(db):
    customer = _customer("浦江数据科技有限公司")
    contact_create(customer=customer, actor=None, name="王敏", email="wang.min@pujiang-data.cn", phone="13900139000")
    by_email = customer_resolve(email="Wang.Min@pujiang-data.cn")
    assert by_email.customer.id == customer.pk and by_email.keys == ["email"] and by_email.score == 95
    by_phone = customer_resolve(name="浦江数据", phone="139 0013 9000")
    assert by_phone.customer.id == customer.pk and "phone" in by_phone.keys
    # A contact shared with a company of a clearly different name is not evidence.
    assert customer_resolve(name="成都天成医院", email="wang.min@pujiang-data.cn").customer is None


def test_the_website_domain_supports_a_similar_name(db):
    customer = _customer("Pacific Global Logistics Pte Ltd", website="https://www.pacglobal-logistics.com/en/")
    found = customer_resolve(name="Pacific Global Logistic", domain="pacglobal-logistics.com")
    assert found.customer.id == customer.pk
    assert "email_domain" in found.keys
    by_mail = customer_resolve(name="Pacific Global Logistic", email="ops@pacglobal-logistics.com")
    assert "email_domain" in by_mail.keys


def test_invalid_input_values_are_ignored_not_refused(db):
    customer = _customer("申江燃气有限公司")
    found = customer_resolve(name="申江燃气", credit_code="not-a-code", phone="12", email="nope")
    assert found.customer.id == customer.pk


def test_the_batch_form_reads_the_customers_once(db, django_assert_max_num_queries):
    names = [f"批量客户{i}号" for i in range(30)]
    stored = {n: _customer(n) for n in names[:20]}
    probes = [keys_of(name=n) for n in names]
    with django_assert_max_num_queries(2):
        results = customer_resolve_many(probes)
    assert [r.customer.id if r.customer else None for r in results] == [stored[n].pk if n in stored else None for n in names]


def test_a_preloaded_index_answers_without_queries(db, django_assert_num_queries):
    customer = _customer("申江大学")
    index = CustomerIndex(preload=True)
    with django_assert_num_queries(0):
        index.prefetch([keys_of(name="申江大学")])
        row, match = index.resolve(keys_of(name="申江大学"))
    assert row.id == customer.pk and match.keys == ["name"]


def test_one_lookup_reads_by_id_code_name_and_contained_core(db, users, django_assert_num_queries):
    """The prefetch is hand-written SQL (one statement, lists as one parameter each): it must read what the
    ORM filter read (ids, credit codes, normalised names, names containing a core fragment), with each
    row's ids as UUIDs, and nothing else."""
    by_id = _customer("东湖光电有限公司", tier="named", ar_owner=users.ar, org_unit=users.ar.org_unit)
    by_code = _customer("西山水泥有限公司", credit_code="91310000MA1FL4CT3U")
    by_core = _customer("上海华信燃气有限公司")
    by_name = _customer("南岭港务集团有限公司")
    _customer("北辰精密制造有限公司")
    index = CustomerIndex()
    probes = [Keys(customer_id=by_id.pk), keys_of(credit_code="91310000ma1fl4ct3u"),
              keys_of(name="华信燃气（上海）股份有限公司"), keys_of(name="南岭港务集团有限公司")]
    with django_assert_num_queries(1):
        index.prefetch(probes)
    assert set(index.by_id) == {by_id.pk, by_code.pk, by_core.pk, by_name.pk}
    row = index.by_id[by_id.pk]
    assert row.id == by_id.pk and row.tier == "named" and row.legal_name == "东湖光电有限公司"
    assert row.ar_owner_id == users.ar.pk and row.org_unit_id == users.ar.org_unit_id is not None
    assert row.customer_group_id == by_id.customer_group_id
    assert index.resolve(probes[2])[0].id == by_core.pk
    assert index.resolve(keys_of(credit_code="91310000MA1FL4CT3U"))[0].id == by_code.pk
    assert index.resolve(probes[3]) == (index.by_id[by_name.pk], index.resolve(probes[3])[1])
