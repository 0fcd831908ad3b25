"""Demo leads: a regional roadshow, a corporate launch, an industry summit, and about 160 leads in every
state of the life cycle, captured through the same services as any channel.

Idempotent: the leads carry external ids, and the follow-up steps run only on the first load.
Deterministic: a fixed seed; dates are relative to today so the pages always look current.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

SEED = 20260303


NEW_COMPANIES = [
    ("申江理工大学", "education", "上海", "campus"), ("东海职业技术学院", "education", "上海", "wlan"),
    ("钱塘数字科技有限公司", "internet", "浙江", "cloud"), ("西子湖畔医院", "healthcare", "浙江", "wlan"),
    ("金陵智造装备股份有限公司", "manufacturing", "江苏", "campus"), ("姑苏城市银行", "finance", "江苏", "dc"),
    ("京华政务云中心", "government", "北京", "cloud"), ("津门港务集团有限公司", "transport", "天津", "optical"),
    ("鹏城新能源有限公司", "energy", "广东", "security"), ("羊城地铁运营有限公司", "transport", "广东", "optical"),
    ("蜀都第三人民医院", "healthcare", "四川", "wlan"), ("长安智慧水务有限公司", "energy", "陕西", "security"),
    ("Straits Polytechnic Institute", "education", "", "wlan"), ("Gulf Smart Logistics LLC", "transport", "", "dc"),
    ("渝州大数据中心", "government", "重庆", "storage"), ("滨江证券股份有限公司", "finance", "浙江", "dc"),
]
NEEDS = {"campus": "园区网络升级", "wlan": "Wi-Fi 7 无线覆盖", "dc": "数据中心网络扩容", "storage": "存储扩容",
         "security": "安全防护", "optical": "光传送网改造", "cloud": "上云迁移"}
GIVEN = ["伟", "芳", "敏", "静", "磊", "洋", "勇", "杰", "涛", "明", "超", "娜"]
SURNAMES = ["李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"]
TITLES = [("信息中心主任", "decision_maker"), ("网络部经理", "technical_evaluator"), ("采购经理", "purchaser"),
          ("运维工程师", "user"), ("首席信息官", "decision_maker"), ("IT 架构师", "technical_evaluator")]



def _rules() -> None:
    from m2c.core.models import OrgUnit
    from m2c.leads.models import RoutingRule

    if RoutingRule.objects.exists():
        return
    east = OrgUnit.objects.filter(code="east").first()
    shanghai = OrgUnit.objects.filter(code="ro-shanghai").first()
    RoutingRule.objects.create(priority=10, name="Named accounts → their AR", target="named_ar", tier="named")
    if east and shanghai:
        RoutingRule.objects.create(priority=50, name="East China: round-robin in the Shanghai office", region=east,
                                   target="round_robin", target_unit=shanghai, capacity=40)


def load(progress: bool = True) -> str:
    from m2c.core.models import User
    from m2c.customers.selectors import customer_sample
    from m2c.leads import services
    from m2c.leads.capture import load_settings
    from m2c.leads.models import Lead

    marketing = User.objects.filter(username="mkt.zhou").first()
    if marketing is None:
        return "leads +0 (no demo users)"
    if Lead.objects.filter(external_ref__contains=":demo-").exists():
        return "leads +0"
    rng = random.Random(SEED)
    today = timezone.localdate()
    load_settings()
    _rules()
    customers = customer_sample(limit=110)
    items: list[dict[str, Any]] = []

    def person(i: int) -> tuple[str, str, str]:
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
        title, role = TITLES[i % len(TITLES)]
        return name, title, role

    for i, customer in enumerate(customers):
        name, title, role = person(i)
        line = rng.choice(["campus", "wlan", "dc", "storage", "security", "optical", "cloud"])
        campaign = rng.choice([None, None, "smart-campus-roadshow", "corporate-launch-2026", "finance-dc-summit"])
        if campaign == "smart-campus-roadshow":
            line = rng.choice(["campus", "wlan"])
        temperature = rng.random()
        item: dict[str, Any] = {
            "external_id": f"demo-{i}",
            "customer_name": customer.legal_name,
            "title": f"{customer.legal_name} – {NEEDS[line]}",
            "contact_name": name, "contact_title": title, "contact_role": role,
            "contact_phone": f"13{rng.randrange(5, 9)}{rng.randrange(10**8):08d}",
            "offering_lines": [line], "industry": customer.industry, "description": "客户有明确的网络升级需求。",
            "source_type": "campaign" if campaign else rng.choice(["field", "network_analysis", "referral", "tender", "installed_base"]),
        }
        if campaign:
            item["source_campaign"] = campaign
        if temperature > 0.55:
            item.update(budget_status="confirmed", pain_confirmed=True, decision_chain_known=rng.random() > 0.3,
                        expected_purchase_date=str(today + dt.timedelta(days=rng.randrange(30, 170))),
                        estimated_amount=str(rng.randrange(5, 300) * 100_000))
        elif temperature > 0.3:
            item.update(budget_status="planned", pain_confirmed=rng.random() > 0.4,
                        expected_purchase_date=str(today + dt.timedelta(days=rng.randrange(150, 400))))
        items.append(item)
    for j, (company, industry, province, line) in enumerate(NEW_COMPANIES):
        name, title, role = person(200 + j)
        items.append({"external_id": f"demo-new-{j}", "customer_name": company, "industry": industry, "province": province,
                      "contact_name": name, "contact_title": title, "contact_role": role,
                      "contact_email": f"contact{j}@example-{j}.cn", "offering_lines": [line],
                      "source_type": "web", "budget_status": "planned" if j % 2 else "unknown", "pain_confirmed": j % 3 == 0})
    # One no routing rule can place: it waits, QUALIFIED, on the review list.
    items.append({"external_id": "demo-unrouted", "customer_name": "Nordic Fjord Data AS", "contact_name": "Lars Nilsen",
                  "contact_email": "lars@nordicfjord.example", "offering_lines": ["dc"], "industry": "other",
                  "budget_status": "confirmed", "pain_confirmed": True, "source_type": "referral"})
    # Some that fail the gate, and duplicates arriving from the roadshow.
    items.append({"external_id": "demo-invalid-1", "customer_name": "", "contact_name": "匿名访客", "contact_phone": "13800000001",
                  "offering_lines": ["wlan"], "source_campaign": "smart-campus-roadshow"})
    items.append({"external_id": "demo-invalid-2", "customer_name": "申江理工大学", "contact_name": "小王", "contact_title": "研究生",
                  "contact_email": "student@shenjiang.edu.cn", "offering_lines": ["campus"], "source_campaign": "smart-campus-roadshow"})
    items.append({"external_id": "demo-invalid-3", "customer_name": "某某集团", "contact_name": "李经理",
                  "source_campaign": "corporate-launch-2026"})
    for k in range(4):
        original = items[k]
        items.append({**original, "external_id": f"demo-dup-{k}", "contact_name": "会务报名", "contact_phone": "",
                      "contact_email": f"signup{k}@example.org", "source_campaign": "smart-campus-roadshow",
                      "customer_name": original["customer_name"].replace("有限公司", "股份有限公司")})
    with transaction.atomic():
        results = services.lead_create_bulk(actor=marketing, items=items)
    created = sum(1 for r in results if r["result"] in ("created", "merged"))
    _progress_some(rng, today)
    return f"leads +{created}"


def _progress_some(rng: random.Random, today: dt.date) -> None:
    """Move a share of the assigned leads along: accepted, nurtured, converted, disqualified, returned."""
    from m2c.core.errors import DomainError
    from m2c.leads import services
    from m2c.leads.models import Lead

    assigned = list(Lead.objects.filter(status="ASSIGNED", owner__isnull=False).select_related("owner").order_by("title"))
    for n, lead in enumerate(assigned):
        owner = lead.owner
        try:
            if n % 5 == 4:
                continue  # left to accept
            if n % 11 == 3:
                services.lead_return(lead=lead, actor=owner, reason="不属于我的客户范围，请重新分配")
                continue
            services.lead_accept(lead=lead, actor=owner)
            if n % 4 == 0:
                continue
            services.lead_log_activity(
                lead=lead, actor=owner, type=rng.choice(["visit", "call", "meeting"]), subject="拜访客户信息中心，了解网络现状",
                outcome="客户确认了升级需求", next_step="安排技术交流", next_step_due=today + dt.timedelta(days=rng.randrange(1, 14)),
                occurred_at=timezone.now() - dt.timedelta(days=rng.randrange(1, 20)),
            )
            if n % 9 == 2:
                services.lead_disqualify(lead=lead, actor=owner, reason="no_budget", note="预算推迟到明年")
                continue
            if n % 6 == 1 and lead.estimated_amount:
                services.lead_add_contact(lead=lead, actor=owner, name="周主任", title="首席信息官", decision_role="decision_maker")
                services.lead_convert(lead=Lead.objects.get(pk=lead.pk), actor=owner)
        except DomainError:
            continue


ROUTED_REF = "demo-partner-routed"


def partner_routing(partner_id: Any) -> str:
    """A PARTNER routing rule (East China education customers' campus-network leads → the partner the partners
    demo names, which is certified for Campus Network) and a lead it routes there, waiting in that partner's
    portal. Called by the partners demo, which loads after this app's (the partner does not exist before);
    leads never reads partners' tables: the rule holds the id, routing asks partners' selectors."""
    from m2c.core.models import OfferingLine, OrgUnit, User
    from m2c.leads import services
    from m2c.leads.models import Lead, RoutingRule

    marketing = User.objects.filter(username="mkt.zhou").first()
    campus = OfferingLine.objects.filter(code="campus").first()
    east = OrgUnit.objects.filter(code="east").first()
    if marketing is None or campus is None or east is None or partner_id is None:
        return "partner routing +0"
    made = 0
    if not RoutingRule.objects.filter(target=RoutingRule.Target.PARTNER).exists():
        services.routing_rule_create(actor=None, name="华东教育客户园区网络线索 → 金牌伙伴", priority=20,
                                     target=RoutingRule.Target.PARTNER, target_partner_id=partner_id,
                                     region=east, industry="education", offering_line=campus)
        made += 1
    if not Lead.objects.filter(external_ref__endswith=ROUTED_REF).exists():
        services.lead_create(actor=marketing, data={
            "external_id": ROUTED_REF, "customer_name": "浦江师范学院", "industry": "education", "province": "上海",
            "region": "east", "title": "浦江师范学院 – 新校区园区网络建设", "offering_lines": ["campus"],
            "contact_name": "周明", "contact_title": "信息中心主任", "contact_role": "decision_maker",
            "contact_phone": "13916600188", "budget_status": "confirmed", "pain_confirmed": True,
            "decision_chain_known": True, "estimated_amount": "1800000",
            "expected_purchase_date": str(timezone.localdate() + dt.timedelta(days=90)),
            "description": "新校区一期园区网络，客户希望由本地认证伙伴实施。", "source_type": "web"})
        made += 1
    return f"partner routing +{made}"
