"""Acceptance scenarios S2, S3 and S4 of domain.md 13, with its numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from m2c.core.calendar import add_working_days
from m2c.core.errors import Conflict, ValidationFailed
from m2c.core.models import Event
from m2c.customers.models import Customer
from m2c.leads import selectors, services
from m2c.leads.models import CampaignTouch, Lead, RoutingRule
from m2c.opportunities.models import Opportunity
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

# Distinct university names: no two of them are similar enough to be taken for one another.
NAMES = [
    "申江大学", "东海理工大学", "北辰师范大学", "南岭医科大学", "西湖职业技术学院", "云岭财经大学", "青峰农业大学", "金陵外国语学院",
    "华亭交通大学", "松江电力学院", "星海音乐学院", "白鹭海洋大学", "紫荆政法大学", "梧桐美术学院", "银杏林业大学", "翠竹体育学院",
    "龙门化工学院", "凤凰传媒学院", "麒麟航空大学", "鸿雁邮电学院", "曙光中医药大学", "远航船舶学院", "磐石地质大学", "清泉水利学院",
    "长风纺织学院", "朝阳建筑大学", "明月旅游学院", "春晖护理学院", "秋实粮食学院", "冬青警官学院", "夏荷幼儿师范学院", "晨曦信息学院",
    "暮云戏剧学院", "天台宗教学院", "雪域民族大学", "草原畜牧学院", "沙洲能源学院", "绿洲石油大学", "雁塔科技学院", "钟楼商学院",
    "鼓楼医学院", "琴台艺术学院", "棋盘数理学院", "书院人文学院", "画舫设计学院", "茶山食品学院", "瓷都陶瓷学院", "丝路国际学院",
    "稻香农学院", "桃源文理学院",
]


@pytest.fixture
def east_team(org, users):
    wang = UserFactory(username="ar.wang", display_name="王芳", roles=["ar"], org_unit=org.shanghai)
    RoutingRule.objects.create(priority=10, name="East round-robin", region=org.east, target="round_robin",
                               target_unit=org.shanghai, capacity=100)
    return [users.ar, wang]


def _item(i, name, roadshow, **extra):
    return {"customer_name": name, "contact_name": f"联系人{i}", "contact_phone": f"1380000{i:04d}",
            "offering_lines": ["campus"], "source_campaign": roadshow.code, "region": "east", **extra}


HOT = {"budget_status": "confirmed", "pain_confirmed": True, "decision_chain_known": True,
       "expected_purchase_date": str(dt.date.today() + dt.timedelta(days=90))}
WARM = {"budget_status": "planned", "pain_confirmed": True}
COLD = {"pain_confirmed": True}


def test_s2_roadshow_responses_dedup_validity_scoring_routing_and_t30(users, lines, rules, roadshow, east_team, capture):
    # Five open leads already exist for five customers and the campus line, from 30 days ago.
    existing = []
    for i, name in enumerate(NAMES[:5]):
        lead = capture(customer_name=name, contact_phone=f"1390000{i:04d}", region="east")
        Lead.objects.filter(pk=lead.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
        existing.append(lead)
    # The roadshow recorded 120 responses; within 2 working days marketing operations converts 50 into leads.
    responses = 120
    items = [_item(i, name, roadshow) for i, name in enumerate(NAMES[:5])]
    items += [_item(10 + i, "", roadshow) for i in range(7)]  # no identifiable customer
    items += [_item(20 + i, NAMES[5 + i], roadshow, contact_title="学生") for i in range(5)]  # student contacts
    valid_names = NAMES[10:43]
    temperatures = [HOT] * 6 + [WARM] * 15 + [COLD] * 12
    items += [_item(100 + i, name, roadshow, **t) for i, (name, t) in enumerate(zip(valid_names, temperatures, strict=True))]
    assert len(items) == 50 < responses
    results = services.lead_create_bulk(actor=users.marketing, items=items)
    leads = Lead.objects.filter(source_campaign=roadshow)
    deadline = add_working_days(roadshow.end_date, 2)
    assert all(timezone.localdate(lead.created_at) <= deadline for lead in leads)

    duplicates = leads.filter(status="DUPLICATE")
    assert duplicates.count() == 5
    assert {d.duplicate_of_id for d in duplicates} == {e.pk for e in existing}
    for survivor in existing:
        assert CampaignTouch.objects.filter(lead=survivor, campaign=roadshow).count() == 1

    invalid = leads.filter(status="INVALID")
    assert invalid.count() == 12
    assert sorted(r for lead in invalid for r in lead.invalid_reasons) == ["no_customer"] * 7 + ["student_contact"] * 5

    valid = [lead for lead in leads if lead.status not in ("DUPLICATE", "INVALID")]
    assert len(valid) == 33
    by_temperature = {t: [lead for lead in valid if lead.temperature == t] for t in ("hot", "warm", "cold")}
    assert (len(by_temperature["hot"]), len(by_temperature["warm"]), len(by_temperature["cold"])) == (6, 15, 12)
    assert all(lead.score >= 70 for lead in by_temperature["hot"])
    routed = by_temperature["hot"] + by_temperature["warm"]
    assert len(routed) == 21 and all(lead.status == "ASSIGNED" and lead.owner in east_team for lead in routed)
    assert all(lead.status == "RECYCLED" and lead.owner is None for lead in by_temperature["cold"])
    assert [r["result"] for r in results].count("merged") == 5

    # The T+30 evaluation: 33 valid leads against 40 (83 %), cost per valid lead 185k / 33 ≈ 5.6k.
    outcomes = selectors.campaign_lead_outcomes(campaign=roadshow)
    assert outcomes["valid"] == 33 and outcomes["target_valid_leads"] == 40
    assert outcomes["attainment"] == Decimal("0.83")
    assert outcomes["cost_per_valid_lead"] == Decimal("5606.06")
    assert round(outcomes["cost_per_valid_lead"] / 1000, 1) == Decimal("5.6")
    assert (outcomes["hot"], outcomes["warm"], outcomes["cold"]) == (6, 15, 12)
    # ... and as the campaign's T+30 evaluation records it (the campaign half of S2).
    from m2c.campaigns import services as campaign_services

    roadshow.status, roadshow.end_date = "EXECUTED", timezone.localdate() - dt.timedelta(days=31)
    roadshow.save(update_fields=["status", "end_date"])
    assert campaign_services.evaluations_schedule() == 1
    t30 = campaign_services.evaluation_record(evaluation=roadshow.evaluations.get(), actor=users.marketing,
                                              review="有效线索 33 条，目标 40 条")
    assert t30.figures["actuals"]["valid_leads"] == "33" and t30.figures["targets"]["valid_leads"] == "40"
    assert t30.figures["attainment"]["valid_leads"] == "0.83" and t30.figures["cost_per_valid_lead"] == "5606.06"
    roadshow.refresh_from_db()
    assert roadshow.status == "EVALUATED"


def test_s3_named_account_routing_and_sla_auto_return(users, lines, rules, org, capture):
    wang = UserFactory(username="ar.wang", display_name="王芳", roles=["ar"], org_unit=org.shanghai)
    CustomerFactory(legal_name="University A", normalized_name="universitya", org_unit=org.shanghai,
                    customer_group=org.education, industry="education", tier="named", ar_owner=users.ar)
    CustomerFactory(legal_name="University W", normalized_name="universityw", org_unit=org.shanghai,
                    customer_group=org.education, industry="education", tier="named", ar_owner=wang)
    hot = {"budget_status": "confirmed", "pain_confirmed": True, "decision_chain_known": True,
           "expected_purchase_date": str(dt.date.today() + dt.timedelta(days=60))}
    lead_a = capture(title="University A – campus Wi-Fi 7 upgrade", customer_name="University A",
                     contact_phone="13800138000", offering_lines=["wlan"], **hot)
    assert lead_a.temperature == "hot" and lead_a.status == "ASSIGNED" and lead_a.owner == users.ar
    assert lead_a.accept_due_at == add_working_days(lead_a.assigned_at, 3)

    # Li accepts on day 1.
    services.lead_accept(lead=lead_a, actor=users.ar)
    lead_a.refresh_from_db()
    assert lead_a.status == "ACCEPTED" and lead_a.accepted_at <= lead_a.accept_due_at

    # Another hot lead routes to Wang, who does nothing for 3 working days.
    lead_w = capture(customer_name="University W", contact_phone="13900139000", offering_lines=["wlan"], **hot)
    assert lead_w.owner == wang
    due = lead_w.accept_due_at
    assert services.sla_sweep(now=due - dt.timedelta(minutes=1)) == 0
    Lead.objects.filter(pk=lead_w.pk).update(accept_due_at=timezone.now() - dt.timedelta(minutes=1))
    assert services.sla_sweep() == 1
    lead_w.refresh_from_db()
    assert lead_w.sla_breaches == 1
    assert Event.objects.for_subject(lead_w).filter(event_type="leads.lead.sla_breached").count() == 1
    returned = Event.objects.for_subject(lead_w).get(event_type="leads.lead.returned")
    assert (returned.from_state, returned.to_state, returned.payload["sla"]) == ("ASSIGNED", "QUALIFIED", True)
    # Re-routed to the customer-group queue, excluding Wang.
    assert lead_w.status == "ASSIGNED" and lead_w.owner is None and lead_w.queue == org.education
    assert str(wang.pk) in lead_w.previous_owner_ids
    assert wang.notifications.filter(kind="leads.sla_breach").exists()
    # Wang can no longer accept it; a member of the queue can.
    with pytest.raises(Exception):
        services.lead_accept(lead=lead_w, actor=wang)
    assert Lead.objects.get(pk=lead_w.pk).status == "ASSIGNED"


def test_s4_nurture_and_conversion(users, lines, rules, org, roadshow, launch, capture):
    seven_months = dt.date.today() + dt.timedelta(days=213)
    lead = capture(title="University B – campus network", customer_name="University B", industry="education",
                   contact_name="Chen Gong", contact_title="Network engineer", contact_phone="13800138000",
                   region="ro-shanghai", budget_status="planned", source_campaign=roadshow.code,
                   expected_purchase_date=str(dt.date.today() + dt.timedelta(days=304)))
    assert lead.temperature == "warm" and lead.score == 48 and lead.status == "ASSIGNED"
    services.lead_assign(lead=lead, actor=users.marketing, owner=users.ar)
    services.lead_accept(lead=Lead.objects.get(pk=lead.pk), actor=users.ar)
    # The nurture plan: a technical exchange, and an invitation to the corporate launch event.
    services.lead_log_activity(lead=lead, actor=users.ar, type="meeting", subject="Technical exchange on Wi-Fi 7",
                               next_step="Invite to the launch event", next_step_due=dt.date.today() + dt.timedelta(days=7))
    services.touch_add(lead=lead, actor=users.ar, campaign=launch, kind="invited")
    # The customer confirms a planned budget of 8M, signing in 7 months, and names the CIO.
    services.lead_update(lead=lead, actor=users.ar, changes={"budget_amount": "8000000", "estimated_amount": "8000000",
                                                            "expected_purchase_date": seven_months})
    lead.refresh_from_db()
    assert lead.status == "NURTURING"

    # Conversion is refused until the decision-chain contact is recorded, and the refusal changes nothing.
    events_before = Event.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.lead_convert(lead=lead, actor=users.ar)
    assert refused.value.code == "conversion_incomplete"
    assert [g["field"] for g in refused.value.errors] == ["contacts"]
    assert Event.objects.count() == events_before and Opportunity.objects.count() == 0 and Customer.objects.count() == 0
    assert Lead.objects.get(pk=lead.pk).status == "NURTURING"

    services.lead_add_contact(lead=lead, actor=users.ar, name="Dr. Lin", title="CIO", decision_role="decision_maker")
    lead.refresh_from_db()
    assert lead.score == 78

    opportunity = services.lead_convert(lead=lead, actor=users.ar)
    lead.refresh_from_db()
    assert opportunity.stage == "O1_VALIDATE"
    assert opportunity.source_campaign == roadshow and opportunity.source_lead_id == lead.pk
    assert opportunity.amount == Decimal("8000000") and opportunity.owner == users.ar
    influenced = sorted(opportunity.campaign_touches.values_list("campaign__code", flat=True))
    assert influenced == sorted([roadshow.code, launch.code])
    assert lead.status == "CONVERTED" and lead.converted_opportunity == opportunity and lead.is_read_only
    customer = Customer.objects.get()
    assert customer.legal_name == "University B" and opportunity.customer == customer
    assert {c.name for c in customer.contacts.all()} == {"Chen Gong", "Dr. Lin"}
    # Read-only from now on.
    with pytest.raises(Conflict):
        services.lead_update(lead=lead, actor=users.ar, changes={"title": "x"})
    with pytest.raises(Conflict):
        services.lead_log_activity(lead=lead, actor=users.ar, type="call", subject="x")


def test_conversion_never_creates_a_duplicate_customer(users, lines, rules, org, capture):
    existing = CustomerFactory(legal_name="University C Co., Ltd.", normalized_name="universityc", org_unit=org.shanghai)
    lead = capture(customer_name="UNIVERSITY C", contact_phone="13800138000", contact_role="decision_maker",
                   estimated_amount="1000000", expected_purchase_date=str(dt.date.today() + dt.timedelta(days=100)),
                   budget_status="confirmed", pain_confirmed=True, region="ro-shanghai")
    assert lead.customer == existing
    services.lead_assign(lead=lead, actor=users.marketing, owner=users.ar)
    services.lead_accept(lead=Lead.objects.get(pk=lead.pk), actor=users.ar)
    services.lead_log_activity(lead=lead, actor=users.ar, type="call", subject="Call")
    opportunity = services.lead_convert(lead=Lead.objects.get(pk=lead.pk), actor=users.ar)
    assert opportunity.customer == existing and Customer.objects.count() == 1
