"""Demo business plans, key-account plans and a requirement backlog. Runs after the deals exist (``m2c.demo``
calls it last), through the services, idempotently (plans found by their natural keys)."""

from __future__ import annotations

import datetime as dt

BUSINESS_PLANS = [
    # org unit, line, segment code or None, name, revenue target (CNY), margin target %, year offset
    ("east", "campus", "edu-east-campus", "华东高校园区网经营计划", "60000000", "32", 0),
    ("east", "cloud", None, "华东云网络经营计划", "30000000", "35", 0),
    ("east", "storage", None, "华东存储经营计划", "20000000", "30", 0),
    ("north", "dc", None, "华北数据中心经营计划", "45000000", "33", 0),
    ("south", "security", None, "华南网络安全经营计划", "15000000", "40", 0),
    ("west", "campus", None, "西部园区网经营计划", "25000000", "28", 1),
    ("overseas", "campus", None, "海外园区网经营计划", "30000000", "26", 1),
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

FIVE_LOOKS = {
    "look_trends": "Wi-Fi 7 与园区网融合加速，高校新校区建设进入高峰",
    "look_market": "华东双一流高校 42 所，三年内 18 所有新校区或宿舍网络改造计划",
    "look_competitors": "Vendor Z 以低价切入宿舍网，Vendor Y 在中小高校渠道覆盖广",
    "look_self": "方案完整、交付口碑好；宿舍高密场景成本偏高",
    "look_opportunities": "新校区一体化园区网、宿舍 Wi-Fi 7 改造、数据中心一期",
    "decide_control_points": "掌握新校区网络规划设计权；与信息中心共建样板点",
    "decide_goals": "华东高校园区网份额从 22% 提升到 30%，订货 6000 万",
    "decide_strategy": "重点客户高层拜访 + 样板点参观 + 联合创新宿舍高密方案",
}
REPORTS = [
    ("2026 华东高校园区网行业洞察", "industry", -20, {**FIVE_LOOKS, "summary": "五看三定：华东高校园区网"}),
    ("Vendor Z 宿舍网低价策略分析", "competitor", 10, {"summary": "竞争对手洞察草稿",
                                                   "look_competitors": "Vendor Z 宿舍网报价低 15%"}),
    ("申江大学新校区客户洞察", "customer", 25, {"summary": "客户洞察草稿"}),
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
    reader = (User.objects.filter(is_superuser=True).order_by("username").first()
              or User.objects.filter(groups__name__in=["administrator", "executive"]).order_by("username").first()
              or User.objects.filter(username="exec.liu").first())
    deals_of = opportunity_queryset(reader)  # the demo loader reads every deal, as an executive would
    made = {"plans": 0, "accounts": 0, "requirements": 0, "reports": 0, "innovation": 0}
    with transaction.atomic():
        for unit, line, segment_code, name, target, margin, offset in BUSINESS_PLANS:
            org, offering = OrgUnit.objects.filter(code=unit).first(), OfferingLine.objects.filter(code=line).first()
            period = str(year + offset)
            if org is None or offering is None or BusinessPlan.objects.filter(name=name, period=period).exists():
                continue
            services.business_plan_create(actor=mkt, name=name, org_unit=org, offering_line=offering,
                                          segment=Segment.objects.filter(code=segment_code).first(),
                                          period=period, revenue_target=target, margin_target_pct=margin)
            made["plans"] += 1

        deal = (deals_of.filter(owner__username="ar.li").order_by("-amount_reporting", "pk").first()
                or deals_of.order_by("-amount_reporting", "pk").first())
        owner = deal.owner if deal is not None else None
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
        from .models import InsightReport

        if not InsightReport.objects.exists():
            from django.core.files.uploadedfile import SimpleUploadedFile

            east = OrgUnit.objects.filter(code="east").first()
            for title, kind, due, text in REPORTS:
                report = services.insight_report_create(
                    actor=mkt, title=title, report_type=kind, org_unit=east,
                    due_on=timezone.localdate() + dt.timedelta(days=due),
                    segments=list(Segment.objects.filter(code="edu-east-campus")), **text)
                if kind == "industry":
                    services.insight_report_attach(report=report, actor=mkt, upload=SimpleUploadedFile(
                        "高校园区网市场调研.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
                    services.insight_report_publish(report=report, actor=mkt)
                made["reports"] += 1
        from .models import InnovationProject

        if deal is not None and not InnovationProject.objects.exists():
            project = services.innovation_create(
                actor=owner, name="宿舍高密 Wi-Fi 7 联合创新", customer=deal.customer, offering_line=deal.offering_line
                or OfferingLine.objects.filter(code="campus").first(),
                objective="与客户信息中心共同验证单楼层 2000 终端的高密接入方案，形成可复制的样板点与解决方案",
                starts_on=timezone.localdate() - dt.timedelta(days=30),
                ends_on=timezone.localdate() + dt.timedelta(days=150))
            services.innovation_start(project=project, actor=owner)
            for name, days in (("联合方案设计评审", -10), ("样板楼层部署", 30), ("性能测试与联合发布", 120)):
                milestone = services.innovation_milestone_add(project=project, actor=owner, name=name,
                                                              due_on=timezone.localdate() + dt.timedelta(days=days))
                if days < 0:
                    services.innovation_milestone_done(milestone=milestone, actor=owner,
                                                       done_on=timezone.localdate() + dt.timedelta(days=days))
            services.innovation_participant_add(project=project, actor=owner, side="ours", user=owner, role="项目经理")
            services.innovation_participant_add(project=project, actor=owner, side="customer", name="陈晓",
                                                role="信息中心主任")
            services.innovation_output_add(project=project, actor=owner, kind="reference_case",
                                           title="高校宿舍高密无线样板点", reference="案例库 RC-2026-018")
            services.innovation_raise_requirement(project=project, actor=owner, title="AP 支持 2000 终端/楼层调度",
                                                  description="联合创新中发现的高密调度能力缺口", urgency="high")
            made["innovation"] = 1
    return "plans +{plans}, key accounts +{accounts}, requirements +{requirements}, insight reports +{reports}, joint innovation +{innovation}".format(**made)


__all__ = ["load"]
