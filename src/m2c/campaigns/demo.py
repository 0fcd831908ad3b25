"""Demo campaigns: a regional roadshow, a corporate launch and an industry summit, with their offering lines,
under the year's marketing budgets (HQ corporate 10M, allocated to the regions and the finance customer group).

Idempotent (found by code) and run by ``m2c demo`` before the demo leads, which name these campaigns.
The statuses are set as data: the demo shows campaigns already executed, not their approval history; their
commitments and expenses go through the budget services, so the ledgers reconcile.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

CAMPAIGNS = [
    # code, name, level, journey stage, org unit, offering lines, target valid leads, spend, status, days ago (start, end)
    (
        "smart-campus-roadshow",
        "智慧园区巡展（华东）",
        "regional",
        "evaluation",
        "east",
        ["campus", "wlan"],
        40,
        "185000",
        "EXECUTED",
        (12, 10),
    ),
    (
        "corporate-launch-2026",
        "2026 全联接新品发布会",
        "corporate",
        "awareness",
        "hq",
        ["campus", "wlan", "dc"],
        120,
        "1200000",
        "EXECUTED",
        (40, 38),
    ),
    (
        "finance-dc-summit",
        "金融数据中心峰会",
        "customer_group",
        "interest",
        "cg-finance",
        ["dc", "storage"],
        25,
        "260000",
        "IN_EXECUTION",
        (2, -1),
    ),
]


# (level, unit code, name, amount allocated from the HQ budget)
BUDGETS = [
    ("regional", "east", "华东区域市场预算", "2000000"),
    ("regional", "north", "华北区域市场预算", "1500000"),
    ("customer_group", "cg-finance", "金融客户群市场预算", "800000"),
]
# Spend of each demo campaign, by supplier (amounts add up to the campaign's spend).
EXPENSES = {
    "smart-campus-roadshow": [("venue", "上海国际会议中心", "120000"), ("catering", "锦江餐饮", "65000")],
    "corporate-launch-2026": [("venue", "深圳会展中心", "700000"), ("media", "新华网", "500000")],
    "finance-dc-summit": [("venue", "陆家嘴金融城会议中心", "160000"), ("speakers", "行业研究院", "100000")],
}


def _budgets(today: dt.date) -> dict[tuple[str, str], object]:
    """The year's budgets (found by level, unit and year): HQ's corporate budget and its children."""
    from m2c.core.models import OrgUnit

    from . import services
    from .models import MarketingBudget

    year = today.year
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["hq", *[b[1] for b in BUDGETS]])}
    if "hq" not in units:
        return {}
    hq = MarketingBudget.objects.filter(level="corporate", org_unit=units["hq"], fiscal_year=year).first() or \
        services.budget_create(actor=None, name=f"{year} 公司级市场预算", level="corporate", org_unit=units["hq"],
                               fiscal_year=year, amount=Decimal("10000000"))
    found = {("corporate", "hq"): hq}
    for level, code, name, amount in BUDGETS:
        if code not in units:
            continue
        child = MarketingBudget.objects.filter(level=level, org_unit=units[code], fiscal_year=year).first()
        if child is None:
            child = services.budget_create(actor=None, name=f"{year} {name}", level=level, org_unit=units[code],
                                           fiscal_year=year, parent=hq)
            services.budget_allocate(parent=hq, child=child, actor=None, amount=amount, note="年度预算下达")
        found[(level, code)] = child
    return found


def _draw(campaign: object, budget: object, spend: str) -> None:
    """Commit the campaign's planned spend from its budget and book the demo expenses through the services."""
    from django.db import transaction

    from . import services
    from .services.budgets import Kind, lock, post

    amount = Decimal(spend) * Decimal("1.08")  # planned a little above what was spent
    with transaction.atomic():
        locked = lock(budget.pk)
        campaign.budget, campaign.budget_amount, campaign.committed_amount = locked, amount, amount
        campaign.save(update_fields=["budget", "budget_amount", "committed_amount"])
        post(locked, Kind.COMMIT, amount, actor=None, campaign=campaign, note="演示数据")
    for category, supplier, value in EXPENSES.get(campaign.code, []):
        services.campaign_expense_add(campaign=campaign, actor=None, category=category, supplier=supplier,
                                      amount=value, spent_on=campaign.start_date)


def load(progress: bool = True) -> str:
    """Create the demo campaigns that are missing (found by code); dates are relative to today."""
    from m2c.core.models import OfferingLine, OrgUnit

    from .models import Campaign

    today = timezone.localdate()
    budgets = _budgets(today)
    created_count = 0
    for code, name, level, stage, unit, lines, target, spend, status, (start, end) in CAMPAIGNS:
        campaign, created = Campaign.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "journey_stage": stage,
                "org_unit": OrgUnit.objects.filter(code=unit).first(),
                "start_date": today - dt.timedelta(days=start),
                "end_date": today - dt.timedelta(days=end),
                "status": status,
                "target_valid_leads": target,
                "currency": "CNY",
            },
        )
        if created:
            campaign.offering_lines.set(OfferingLine.objects.filter(code__in=lines))
            budget = budgets.get((level, unit))
            if budget is not None:
                _draw(campaign, budget, spend)
            created_count += 1
    from .services import evaluations_schedule

    evaluations_schedule(today=today)  # the executed launch's T+30 evaluation is due
    from .demo_assets import load as load_assets

    load_assets(progress=progress)
    responses = _responses(today)
    return f"campaigns +{created_count}, responses +{responses}"


# Demo responses (issue 11 item 5): (campaign, type, name, company, email, phone, days ago, checked in)
RESPONSES = [
    ("smart-campus-roadshow", "registration", "李伟", "申江理工大学", "li.wei@sjlg.edu.cn", "13800138001", 14, True),
    ("smart-campus-roadshow", "registration", "王芳", "东海职业技术学院", "wang.fang@dhzy.edu.cn", "13800138002", 13, True),
    ("smart-campus-roadshow", "registration", "张敏", "金陵智造装备股份有限公司", "zhang.min@jlzz.com.cn", "", 13, False),
    ("smart-campus-roadshow", "booth_visit", "刘洋", "西子湖畔医院", "", "13800138004", 11, False),
    ("smart-campus-roadshow", "meeting_request", "陈杰", "姑苏城市银行", "chen.jie@gsbank.com.cn", "", 11, False),
    ("corporate-launch-2026", "download", "杨涛", "钱塘数字科技有限公司", "yang.tao@qtsz.cn", "", 39, False),
    ("corporate-launch-2026", "callback_request", "赵明", "滨江证券股份有限公司", "", "13800138007", 38, False),
    ("finance-dc-summit", "registration", "黄超", "滨江证券股份有限公司", "huang.chao@bjzq.com.cn", "", 3, False),
    ("finance-dc-summit", "registration", "周娜", "姑苏城市银行", "zhou.na@gsbank.com.cn", "13800138009", 2, False),
]


def _responses(today: dt.date) -> int:
    """The demo campaigns' registrations and responses, left for the worker's sweep to convert into leads
    (found by their reference: loading twice adds nothing); two of the roadshow's registrants are checked in
    at its door through the check-in service, which converts their attendance at once as a scan does."""
    from m2c.core.models import Role, User

    from .models import Campaign, CampaignResponse, Registration
    from .services.registrations import check_in
    from .services.responses import response_create

    # Whoever scans at the demo's doors: a marketing user (the demo's event staff), else an administrator.
    door = (User.objects.filter(is_active=True, groups__name=Role.MARKETING).order_by("username").first()
            or User.objects.filter(is_active=True, is_superuser=True).order_by("username").first())

    made = 0
    campaigns = {c.code: c for c in Campaign.objects.filter(code__in={r[0] for r in RESPONSES})}
    for code, kind, name, company, email, phone, days, attended in RESPONSES:
        campaign = campaigns.get(code)
        ref = f"demo:{code}:{kind}:{name}"
        if campaign is None or CampaignResponse.objects.filter(external_ref=ref).exists():
            continue
        when = timezone.now() - dt.timedelta(days=days)
        contact = {"name": name, "company": company, "email": email, "phone": phone}
        registration = None
        if kind == "registration":
            registration = Registration.objects.create(campaign=campaign, language="zh-hans", registered_at=when,
                                                       **contact)
        response_create(campaign=campaign, type=kind, source="form" if registration else "import", data=contact,
                        responded_at=when, registration=registration, external_ref=ref)
        made += 1
        if registration is not None and attended and door is not None:
            # Through the door's check-in service (the QR scan's path): the registration's event, the
            # attendance response and its lead, as a real scan leaves them.
            at = timezone.make_aware(dt.datetime.combine(campaign.start_date, dt.time(9, 20 + made)))
            check_in(campaign=campaign, code=registration.code, actor=door, at=at)
            made += 1
    return made
