"""A lead for a company's head-office spelling (（总部）, 有限责任公司) is a duplicate of the company's open lead;
a branch's lead is not; leads stored under the old name key are re-keyed by leads 0008 (issue 12)."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps

from m2c.leads.models import Lead

pytestmark = pytest.mark.django_db


def test_the_head_office_spelling_merges_into_the_open_lead_and_a_branch_does_not(capture):
    first = capture(customer_name="温州诚博和电子有限公司", contact_phone="13800138000")
    head = capture(customer_name="温州诚博和电子有限责任公司（总部）", contact_phone="13900139000")
    assert head.status == "DUPLICATE" and head.duplicate_of_id == first.pk
    assert head.match["keys"] == ["name"] and head.match["score"] == 100
    branch = capture(customer_name="温州诚博和电子有限公司（上海分公司）", contact_phone="13700137000")
    assert branch.status != "DUPLICATE" and branch.duplicate_of_id is None


def test_the_migration_rekeys_leads_stored_under_the_old_key(capture):
    lead = capture(customer_name="南岭港务有限公司（总部）", contact_phone="13800138000")
    other = capture(customer_name="北辰精密制造有限公司", contact_phone="13900139000")
    Lead.objects.filter(pk=lead.pk).update(normalized_name="南岭港务有限公司总部", core_name="南岭港务有限公司总部",
                                           block_key="南岭港")
    before = Lead.objects.values_list("normalized_name", "core_name", "block_key").get(pk=other.pk)
    import_module("m2c.leads.migrations.0008_rekey_self_qualified_names").rekey(django_apps, None)
    assert Lead.objects.values_list("normalized_name", "core_name", "block_key").get(pk=lead.pk) == (
        "南岭港务", "南岭港务", "南岭港")
    assert Lead.objects.values_list("normalized_name", "core_name", "block_key").get(pk=other.pk) == before
