"""Demo business plans, key-account plans and a requirement backlog. Runs after the deals exist (``m2c.demo``
calls it last), through the services, idempotently (plans found by their natural keys)."""

from __future__ import annotations

import datetime as dt

# org unit, line, segment code or None, name, revenue target (CNY), margin target %
BUSINESS_PLANS = [
    ("east", "campus", "edu-east-campus", "华东高校园区网经营计划", "60000000", "32"),
    ("east", "dc", "fin-east-dc", "华东金融数据中心经营计划", "85000000", "38"),
    ("north", "campus", None, "华北园区网经营计划", "40000000", "27"),
    ("south", "wlan", None, "华南无线经营计划", "18000000", "30"),
]
# name, title, role, influence, attitude, our owner, reports to (index)
CHAIN = [
    ("王建国", "分管副校长", "decision_maker", "high", "supporter", "ar.li", None),
    ("陈晓", "信息中心主任", "influencer", "high", "champion", "ar.li", 0),
    ("刘工", "网络组组长", "technical_evaluator", "medium", "sceptic", "sr.zhao", 1),
    ("赵敏", "采购办主任", "purchaser", "medium", "neutral", "ar.wang", 0),
]
REQUIREMENTS = [
    ("支持 Wi-Fi 7 多链路操作", "高校宿舍高密场景需要 MLO，竞品已支持", "high", "campus"),
    ("数据中心网络一键合规审计", "金融客户要求按等保 2.0 自动出具审计报告", "critical", "dc"),
    ("无线定位精度 1 米", "医院资产定位项目要求", "medium", "wlan"),
]


def load(progress: bool = True) -> str:
    from django.db import transaction
    from django.utils import timezone

    from m2c.campaigns.selectors import campaign_list
    from m2c.core.models import OfferingLine, OrgUnit, User
    from m2c.core.money import Money
    from m2c.opportunities.selectors import opportunity_queryset

    from . import services
    from .models import BusinessPlan, KeyAccountPlan, Requirement, Segment

    mkt = User.objects.filter(username="mkt.hq").first() or User.objects.filter(is_superuser=True).first()
    year = timezone.localdate().year
    admin = User.objects.filter(is_superuser=True).order_by("username").first()
    deals_of = opportunity_queryset(admin)  # the demo loader reads every deal, as an administrator would
    made = {"plans": 0, "accounts": 0, "requirements": 0}
    with transaction.atomic():
        for unit, line, segment_code, name, target, margin in BUSINESS_PLANS:
            org, offering = OrgUnit.objects.filter(code=unit).first(), OfferingLine.objects.filter(code=line).first()
            if org is None or offering is None or BusinessPlan.objects.filter(name=name, period=str(year)).exists():
                continue
            services.business_plan_create(actor=mkt, name=name, org_unit=org, offering_line=offering,
                                          segment=Segment.objects.filter(code=segment_code).first(),
                                          period=str(year), revenue_target=target, margin_target_pct=margin)
            made["plans"] += 1

        owner = User.objects.filter(username="ar.li").first()
        deal = (deals_of.filter(owner=owner).order_by("-amount_reporting", "pk").first()
                if owner is not None else None)
        if deal is not None and not KeyAccountPlan.objects.filter(customer=deal.customer, year=year).exists():
            plan = services.key_account_plan_create(
                actor=owner, customer=deal.customer, year=year, revenue_goal="30000000",
                goals="1. 成为校园网首选供应商，份额从 35% 提升到 60%\n2. 拿下新校区园区网与数据中心一期\n3. 建立校领导层季度高层拜访机制")
            people = []
            for name, title, role, influence, attitude, ours, boss in CHAIN:
                people.append(services.key_account_contact_add(
                    plan=plan, actor=owner, name=name, title=title, role=role, influence=influence,
                    attitude=attitude, our_owner=User.objects.filter(username=ours).first(),
                    reports_to=people[boss] if boss is not None else None))
            for opp in deals_of.filter(customer=deal.customer).order_by("pk")[:3]:
                services.key_account_link_add(plan=plan, actor=owner, opportunity=opp)
            campaign = campaign_list().order_by("pk").first()
            if campaign is not None:
                services.key_account_link_add(plan=plan, actor=owner, campaign=campaign)
            today = timezone.localdate()
            for text, days, who in (("安排公司副总裁与分管副校长高层会谈", 14, "ar.li"),
                                    ("组织信息中心到深圳展厅参观 Wi-Fi 7 方案", 30, "sr.zhao"),
                                    ("提交新校区园区网规划建议书", -5, "ar.li")):
                services.key_account_action_add(plan=plan, actor=owner, description=text,
                                                owner=User.objects.filter(username=who).first() or owner,
                                                due_on=today + dt.timedelta(days=days))
            services.key_account_plan_activate(plan=plan, actor=owner)
            made["accounts"] += 1

        if not Requirement.objects.filter(title=REQUIREMENTS[0][0]).exists():
            for title, description, urgency, line in REQUIREMENTS:
                offering = OfferingLine.objects.filter(code=line).first()
                deals = list(deals_of.filter(offering_line=offering).order_by("-amount_reporting", "pk")[:2])
                submitter = deals[0].owner if deals else mkt
                services.requirement_raise(actor=submitter, title=title, description=description,
                                           source_type="opportunity" if deals else "insight", urgency=urgency,
                                           offering_line=offering, opportunities=deals,
                                           estimate=Money("5000000", "CNY"))
                made["requirements"] += 1
    return "plans +{plans}, key accounts +{accounts}, requirements +{requirements}".format(**made)


__all__ = ["load"]
