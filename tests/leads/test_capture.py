"""The capture rule set: normalisation, identity resolution, duplicates, validity, score, routing."""

import datetime as dt

import pytest
from django.utils import timezone

from m2c.core.errors import ValidationFailed
from m2c.core.models import Event
from m2c.core.normalize import _parse_phone, normalize_phone
from m2c.customers.identity import Keys, compare
from m2c.customers.names import company_keys
from m2c.leads import services
from m2c.leads.models import CampaignTouch, Lead, LeadMerge, RoutingRule
from tests.factories import CustomerFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_capture_normalises_every_channel_the_same_way(capture):
    lead = capture(customer_name="  上海华信燃气股份有限公司 ", contact_email="ZhangSan@HuaXin-Gas.COM",
                   contact_phone="+86 138-0013-8000", credit_code="91310000MA1FL4CT3X".lower()[:0] or "")
    assert lead.normalized_name == "上海华信燃气"
    assert lead.core_name == "华信燃气"
    assert lead.contact_email == "zhangsan@huaxin-gas.com"
    assert lead.contact_phone == "+8613800138000"
    assert lead.email_domain == "huaxin-gas.com"


def test_free_mail_domains_never_identify_a_company(capture):
    lead = capture(customer_name="博远科技", contact_email="someone@qq.com")
    assert lead.email_domain == ""
    other = capture(customer_name="完全不同的公司", contact_email="another@qq.com")
    assert other.status != "DUPLICATE"


@pytest.mark.parametrize("raw", ["13800138000", "138 0013 8000", "+86 138 0013 8000", "0086-13800138000", "(+86)13800138000",
                                 "021-6688 1234", "17012345678", "14912345678", "10086", "+1 650 253 0000"])
def test_the_fast_phone_path_agrees_with_the_full_parse(raw):
    try:
        expected = _parse_phone(raw)
    except ValidationFailed:
        with pytest.raises(ValidationFailed):
            normalize_phone(raw)
        return
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "keys", "score"),
    [
        ("上海华信燃气有限公司", "上海华信燃气股份有限公司", ["name"], 100),
        ("华信燃气（上海）有限公司", "上海华信燃气有限公司", ["core_name"], 95),
        ("上海华信燃气有限公司", "杭州华信燃气有限公司", ["core_name_other_place"], 80),
        ("Lion City Logistics Pte. Ltd.", "LION-CITY LOGISTICS PTE LTD", ["name"], 100),
        ("Marina Bay Financial Holdings", "Marina Bay Financial Holding Co., Ltd.", ["name"], 100),
        ("申江理工大学信息中心", "申江理工大学信息中心站", ["name_fuzzy"], 95),
    ],
)
def test_name_matches_are_explained(a, b, keys, score):
    ka, kb = Keys(*company_keys(a)), Keys(*company_keys(b))
    match = compare(ka, kb)
    assert match is not None
    assert match.keys == keys
    assert match.score == score


def test_different_credit_codes_veto_any_match():
    a = Keys(*company_keys("华信燃气"), credit_code="91310000MA1FL4CT3X")
    b = Keys(*company_keys("华信燃气"), credit_code="91330100MA27XL5Q8B")
    assert compare(a, b) is None


def test_same_contact_does_not_merge_clearly_different_companies():
    a = Keys(*company_keys("上海华信燃气"), email="partner@reseller.com")
    b = Keys(*company_keys("成都天成医院"), email="partner@reseller.com")
    assert compare(a, b) is None


def test_duplicate_of_an_open_lead_merges_and_keeps_the_touch(capture, roadshow, users):
    survivor = capture(customer_name="申江大学", contact_phone="13800138000")
    dup = capture(customer_name="申江大学", contact_name="另一个人", contact_email="x@shenjiang.edu.cn",
                  source_campaign=roadshow.code)
    assert dup.status == "DUPLICATE"
    assert dup.duplicate_of_id == survivor.pk
    assert dup.match["keys"] == ["name"] and dup.match["score"] == 100
    touch = CampaignTouch.objects.get(campaign=roadshow)
    assert touch.lead_id == survivor.pk and touch.origin_lead_id == dup.pk
    merge = LeadMerge.objects.get(merged=dup)
    assert merge.automatic and merge.survivor_id == survivor.pk
    assert Event.objects.for_subject(survivor).filter(event_type="leads.lead.absorbed").count() == 1
    # The submitter is told.
    assert users.marketing.notifications.filter(kind="leads.merged").exists()


def test_a_different_offering_line_is_not_a_duplicate(capture):
    capture(customer_name="申江大学", contact_phone="13800138000", offering_lines=["campus"])
    other = capture(customer_name="申江大学", contact_phone="13800138000", offering_lines=["dc"])
    assert other.status != "DUPLICATE"


def test_a_lead_without_offering_line_compares_customers_alone(capture):
    first = capture(customer_name="申江大学", contact_phone="13800138000", offering_lines=["dc"])
    other = capture(customer_name="申江大学", contact_phone="13900139000", offering_lines=[])
    assert other.status == "DUPLICATE" and other.duplicate_of_id == first.pk


def test_leads_outside_the_duplicate_window_do_not_count(capture, rules):
    old = capture(customer_name="申江大学", contact_phone="13800138000")
    Lead.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=181))
    assert capture(customer_name="申江大学", contact_phone="13900139000").status != "DUPLICATE"
    rules.duplicate_window_days = 365
    rules.save()
    assert capture(customer_name="申江大学", contact_phone="13700137000").status == "DUPLICATE"


def test_closed_leads_do_not_count_as_duplicates(capture):
    first = capture(customer_name="申江大学", contact_phone="13800138000", contact_title="学生")
    assert first.status == "INVALID"
    assert capture(customer_name="申江大学", contact_phone="13900139000").status != "DUPLICATE"


def test_a_lead_for_an_open_opportunity_merges_into_it(capture, university_a, users, lines, roadshow):
    from m2c.core.money import Money
    from m2c.opportunities.services import opportunity_create

    opportunity = opportunity_create(actor=users.ar, customer=university_a, name="申江大学 园区网", amount=Money("1000000", "CNY"),
                                     offering_lines=[lines.campus], owner=users.ar)
    lead = capture(customer_name="申江大学", contact_phone="13800138000", source_campaign=roadshow.code)
    assert lead.status == "DUPLICATE"
    assert lead.merged_into_opportunity_id == opportunity.pk
    assert CampaignTouch.objects.get(campaign=roadshow).opportunity_id == opportunity.pk


def test_possible_duplicates_below_the_threshold_are_flagged_for_review(capture):
    capture(customer_name="上海华信燃气有限公司", contact_phone="13800138000")
    other = capture(customer_name="杭州华信燃气有限公司", contact_phone="13900139000")
    assert other.status != "DUPLICATE"
    assert other.needs_review and other.review_reason == "possible_duplicate"
    assert other.match["possible"] is True and other.match["keys"] == ["core_name_other_place"]


def test_identity_resolution_links_an_existing_customer(capture, university_a):
    lead = capture(customer_name="申江大学（上海）", contact_phone="13800138000")
    assert lead.customer_id == university_a.pk
    assert lead.region_id == university_a.org_unit_id


@pytest.mark.parametrize(
    ("data", "reasons"),
    [
        ({"customer_name": "", "contact_phone": "13800138000"}, ["no_customer"]),
        ({"customer_name": "申江大学", "contact_phone": "13800138000", "offering_lines": []}, ["no_offering_line"]),
        ({"customer_name": "申江大学"}, ["no_contact"]),
        ({"customer_name": "申江大学", "contact_phone": "13800138000", "contact_title": "研究生"}, ["student_contact"]),
    ],
)
def test_the_validity_gate_gives_reason_codes(capture, data, reasons):
    lead = capture(**data)
    assert lead.status == "INVALID"
    assert lead.invalid_reasons == reasons


def test_a_customer_blocked_by_compliance_makes_the_lead_invalid(capture, org):
    CustomerFactory(legal_name="黑名单公司", normalized_name="黑名单", compliance_status="blocked", org_unit=org.east)
    assert capture(customer_name="黑名单公司", contact_phone="13800138000").invalid_reasons == ["compliance_blocked"]


def test_bad_input_is_refused_naming_every_field_and_stores_nothing(users, lines, rules):
    with pytest.raises(ValidationFailed) as caught:
        services.lead_create(actor=users.marketing, data={
            "customer_name": "x", "contact_email": "not-an-email", "contact_phone": "12", "offering_lines": ["nope"],
            "expected_purchase_date": "next week", "budget_amount": "lots", "credit_code": "123"})
    fields = {e["field"] for e in caught.value.errors}
    assert fields == {"contact_email", "contact_phone", "offering_lines", "expected_purchase_date", "budget_amount", "credit_code"}
    assert Lead.objects.count() == 0 and Event.objects.filter(event_type__startswith="leads.").count() == 0


def test_the_score_has_a_breakdown_and_a_temperature(capture):
    lead = capture(customer_name="申江大学", contact_phone="13800138000", industry="education", budget_status="confirmed",
                   expected_purchase_date=str(timezone.localdate() + dt.timedelta(days=60)), decision_chain_known=True,
                   pain_confirmed=True)
    assert lead.score == 90 and lead.temperature == "hot"
    assert [(b["dimension"], b["points"]) for b in lead.score_breakdown] == [
        ("budget", "25.0"), ("timing", "20.0"), ("decision_chain", "20.0"), ("pain", "15.0"), ("segment_fit", "10.0"),
        ("engagement", "0.0")]


def test_weights_and_thresholds_are_configurable(capture, rules, users):
    services.settings_update(actor=users.admin, weights={"budget": 50, "timing": 10, "decision_chain": 10, "pain": 10,
                                                         "segment_fit": 10, "engagement": 10}, warm_threshold=30)
    lead = capture(customer_name="申江大学", contact_phone="13800138000", budget_status="confirmed")
    assert lead.score == 50 and lead.temperature == "warm"
    with pytest.raises(ValidationFailed):
        services.settings_update(actor=users.admin, weights={"budget": 60})


def test_cold_leads_go_to_the_nurture_pool(capture):
    lead = capture(customer_name="申江大学", contact_phone="13800138000")
    assert lead.status == "RECYCLED" and lead.owner is None and lead.temperature == "cold"


def test_a_named_account_routes_to_its_ar_with_a_three_working_day_deadline(capture, university_a, users):
    lead = capture(customer_name="申江大学", contact_phone="13800138000", budget_status="confirmed", pain_confirmed=True)
    assert lead.status == "ASSIGNED" and lead.owner == users.ar
    from m2c.core.calendar import working_days_between

    assert working_days_between(lead.assigned_at, lead.accept_due_at) == 3
    assert users.ar.notifications.filter(kind="leads.assigned").count() == 1


def test_routing_rules_apply_in_order_with_round_robin_under_capacity(capture, org, users, rules):
    team = OrgUnitFactory(code="east-team", name="华东销售组", type="rep_office", parent=org.east)
    a = UserFactory(username="ar.a", roles=["ar"], org_unit=team)
    b = UserFactory(username="ar.b", roles=["ar"], org_unit=team)
    RoutingRule.objects.create(priority=20, name="queue", target="queue", target_unit=org.east)
    RoutingRule.objects.create(priority=10, name="team", region=org.east, target="round_robin", target_unit=team, capacity=1)
    warm = {"budget_status": "confirmed", "pain_confirmed": True, "region": "east"}
    first = capture(customer_name="甲公司", contact_phone="13800138001", **warm)
    second = capture(customer_name="乙公司", contact_phone="13800138002", **warm)
    third = capture(customer_name="丙公司", contact_phone="13800138003", **warm)
    assert {first.owner, second.owner} == {a, b}
    # Both are at capacity: the next rule (the region's queue) takes it.
    assert third.owner is None and third.queue == org.east


def test_bulk_capture_gives_per_item_results_and_is_idempotent(users, lines, rules):
    items = [{"customer_name": f"公司{i}", "contact_phone": f"1380013{i:04d}", "offering_lines": ["campus"], "external_id": f"x{i}"}
             for i in range(30)]
    items.append({"customer_name": "坏数据", "contact_email": "nope"})
    results = services.lead_create_bulk(actor=users.marketing, items=items)
    assert [r["result"] for r in results].count("created") == 30
    assert results[-1]["result"] == "rejected" and results[-1]["errors"][0]["field"] == "contact_email"
    again = services.lead_create_bulk(actor=users.marketing, items=items)
    assert [r["result"] for r in again].count("replayed") == 30
    assert Lead.objects.count() == 30


def test_duplicates_inside_one_batch_are_caught(users, lines, rules):
    results = services.lead_create_bulk(actor=users.marketing, items=[
        {"customer_name": "申江大学", "contact_phone": "13800138000", "offering_lines": ["campus"]},
        {"customer_name": "申江大学有限公司", "contact_phone": "13900139000", "offering_lines": ["campus"]},
    ])
    assert [r["result"] for r in results] == ["created", "merged"]
    assert results[1]["duplicate_of"] == results[0]["id"]


def test_among_equal_matches_the_oldest_open_lead_survives(capture, users):
    first = capture(customer_name="申江大学", contact_phone="13800138000", offering_lines=["campus"])
    results = services.lead_create_bulk(actor=users.marketing, items=[
        {"customer_name": "申江大学", "contact_phone": "13800138000", "offering_lines": ["dc"]},
        {"customer_name": "申江大学", "contact_phone": "13900139000"},
    ])
    assert [r["result"] for r in results] == ["created", "merged"]
    assert results[1]["duplicate_of"] == first.pk


def test_a_failing_import_is_marked_failed(users, lines, rules, tmp_path):
    from m2c.leads import importer
    from m2c.leads.models import LeadImport

    path = tmp_path / "x.csv"
    path.write_text("公司名称,手机\n甲公司,13800138000\n")
    with pytest.raises(ValidationFailed):
        importer.run(path, actor=users.marketing, mapping={"公司名称": "customer_name", "手机": "nope"})
    assert not LeadImport.objects.filter(status="running").exists()


@pytest.mark.parametrize("column", ["normalized_name", "core_name", "block_key", "credit_code", "contact_email",
                                    "contact_phone", "email_domain", "customer_id"])
@pytest.mark.parametrize("single", [False, True])
def test_candidate_lookups_use_the_key_column_index(column, single):
    """Not the (status, created_at) index, which would read every open lead for every batch."""
    from django.db import connection

    from m2c.leads.capture import OPEN, candidate_sql

    sql = candidate_sql(column, len(OPEN), single)
    if connection.vendor == "postgresql":  # a table never analysed, as a store filled faster than autovacuum runs
        if not single:
            pytest.skip("the same condition on the status as the single-value form, checked there")
        import uuid

        from django.utils import timezone

        from m2c.core import bulk
        from m2c.leads.models import Lead

        now = timezone.now()
        bulk.insert(Lead, [{"id": uuid.uuid4(), "status": "ASSIGNED", "created_at": now, "updated_at": now,
                            "normalized_name": f"n{i}", "core_name": f"n{i}", "block_key": f"n{i}",
                            "contact_email": f"{i}@x.cn", "contact_phone": f"+86138{i:08d}", "email_domain": f"{i}.cn"}
                           for i in range(5000)])
        value = "00000000-0000-0000-0000-000000000000" if column == "customer_id" else "a"
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", [value if single else [value, value], sorted(OPEN), "2026-01-01T00:00:00Z"])
            plan = " ".join(row[0] for row in cursor.fetchall())
        assert "status_created" not in plan and "Index" in plan, plan
        return
    with connection.cursor() as cursor:
        plan = " ".join(str(row) for row in cursor.execute(
            f"EXPLAIN QUERY PLAN {sql.replace('%s', '?')}",
            ["a" if single else '["a", "b", "c"]', *sorted(OPEN), "2026-01-01"]).fetchall())
    assert "status_created" not in plan
    assert "USING INDEX" in plan and column in plan.replace("lead_customer_status_idx", "customer_id")


def test_a_lead_for_another_numbered_hospital_is_neither_merged_nor_linked(capture, users):
    customer = CustomerFactory(legal_name="上海市第一人民医院", normalized_name="上海市第一人民医院", credit_code=None)
    first = capture(customer_name="上海市第一人民医院", contact_phone="13800138000")
    second = capture(customer_name="上海市第六人民医院", contact_phone="13800138001")
    assert first.customer_id == customer.pk
    assert second.customer_id is None
    assert second.status != "DUPLICATE" and second.duplicate_of_id is None
    assert "match" not in second.__dict__ or not second.match
