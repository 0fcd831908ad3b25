"""The plan of identity resolution's customer query does not wait for VACUUM (PostgreSQL).

``customers.identity._customers_matching`` asks for the customers whose normalised name equals the
probe's or contains its core name. The trigram index answers the "contains" part; with GIN's pending
list (``fastupdate``) the planner priced every pending page into that index after a load of new
customers and read every customer instead, until a VACUUM merged the list (ANALYZE does not).
"""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from m2c.core.bulk import insert
from m2c.customers import identity
from m2c.customers.models import Customer
from m2c.customers.names import company_keys

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner and GIN index")]

CITIES = ["北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉"]
SYLLABLES = "华信达通宏远恒泰瑞丰新创智联博明安康盛德荣光鼎中天和正嘉祥元亿鑫隆兴邦诚润卓越星海云峰"
KINDS = ["科技有限公司", "信息技术有限公司", "人民医院", "职业技术学院", "物流有限公司"]


def _names(count):
    names, n = [], 0
    while len(names) < count:
        a, b, c = (SYLLABLES[(n // d) % len(SYLLABLES)] for d in (1, len(SYLLABLES), len(SYLLABLES) ** 2))
        names.append(f"{CITIES[n % len(CITIES)]}{a}{b}{c}{KINDS[n % len(KINDS)]}")
        n += 1
    return names


def _load(count):
    now = timezone.now()
    rows = [{"id": uuid.uuid4(), "legal_name": name, "normalized_name": company_keys(name)[0], "country": "CN",
             "industry": "other", "tier": "general", "created_at": now, "updated_at": now, "version": 1,
             "credit_rating": "unrated", "credit_limit": Decimal(0), "credit_currency": "CNY", "credit_hold": False,
             "compliance_status": "ok", "registration_no": "", "province": "", "city": "", "address": "",
             "website": "", "compliance_note": ""} for name in _names(count)]
    insert(Customer, rows)
    return rows


def _plan(name):
    keys = identity.keys_of(name=name)
    core = identity.searchable_fragment(keys.core)
    with connection.cursor() as cursor:
        identity._customers_matching(set(), set(), {keys.normalized}, [core])  # fills the statement cache
        sql = identity._MATCHING_SQL[(connection.vendor, 1)]
        cursor.execute("EXPLAIN " + sql, [[], [], [keys.normalized], f"%{core}%"])
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_name_index_has_no_pending_list():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'customer_name_trgm'")
        assert cursor.fetchone()[0] == ["fastupdate=off"]


def test_after_a_bulk_load_and_analyze_resolution_reads_the_name_index_not_every_customer():
    rows = _load(6000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")  # what a loader does; no VACUUM has run
    plan = _plan(rows[4321]["legal_name"].replace("有限公司", ""))
    assert "customer_name_trgm" in plan, plan
    assert "Seq Scan on customers_customer" not in plan, plan
    found = identity.customer_resolve(name=rows[4321]["legal_name"].replace("有限公司", " 有限公司"))
    assert found.customer is not None and found.customer.id == rows[4321]["id"]
