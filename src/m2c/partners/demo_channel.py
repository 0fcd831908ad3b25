"""Demo MDF, incentives for the demo partners: quotas for this year, an MDF activity reimbursed on a demo
campaign with one ineligible gift line, two applications waiting for review, a sales-rebate policy and
accruals on demo contracts (evaluated by the sweep). Idempotent: made once."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from m2c.campaigns import selectors as campaign_selectors
from m2c.contracts.selectors import contracts as contract_selectors
from m2c.core.calendar import add_working_days
from m2c.core.models import User

from . import services
from .models import IncentivePolicy, MdfQuota, Partner


def _proof(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 demo proof", content_type="application/pdf")


def load() -> str:
    if MdfQuota.objects.exists() or IncentivePolicy.objects.exists():
        return "channel +0"
    gold = Partner.objects.filter(code="gold-huaxin").first()
    silver = Partner.objects.filter(code="silver-dongfang").first()
    cm = User.objects.filter(username="cm.zhou").first()
    if gold is None or silver is None or cm is None:
        return "channel +0"
    p1, p2 = User.objects.filter(username="partner.p1").first(), User.objects.filter(username="partner.p2").first()
    today = timezone.localdate()
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    for partner, amount in ((gold, "300000"), (silver, "120000")):
        services.quota_set(actor=cm, partner=partner, period_start=start, period_end=end, amount=amount)
    made = 0
    campaign = campaign_selectors.campaign_list().order_by("code").first()
    if campaign is not None and p1 is not None:
        # An activity already held: applied and approved, executed on a campaign, claimed, reimbursed.
        done = services.mdf_apply(actor=p1, partner=gold, activity="智慧园区解决方案巡展（杭州站）",
                                  activity_date=today, budget="80000", objective_leads=40,
                                  objective_opportunities=8, late_reason="演示数据：活动已举办", submit=True)
        services.mdf_approve(actor=cm, application=done, amount="75000")
        services.mdf_execute(actor=p1, application=done, campaign=campaign)
        services.mdf_claim(actor=p1, application=done, lines=[
            {"expense_type": "venue", "description": "酒店会场租赁", "amount": "42000", "evidence": _proof("场地发票.pdf")},
            {"expense_type": "printing", "description": "展板与资料印刷", "amount": "8600", "evidence": _proof("印刷发票.pdf")},
            {"expense_type": "gifts", "description": "客户伴手礼", "amount": "16000", "persons": 60,
             "evidence": _proof("礼品发票.pdf")},
            {"expense_type": "travel", "description": "销售差旅", "amount": "5200", "evidence": _proof("差旅.pdf")},
        ])
        services.mdf_reimburse(actor=cm, application=done)
        made += 1
    for actor, partner, name, budget in ((p1, gold, "数据中心技术沙龙（上海）", "50000"),
                                         (p2, silver, "园区网络客户答谢会", "30000")):
        if actor is not None:
            services.mdf_apply(actor=actor, partner=partner, activity=name, budget=budget,
                               activity_date=add_working_days(today, 15), objective_leads=25,
                               objective_opportunities=5)
            made += 1
    policy = services.policy_create(actor=cm, code=f"campus-rebate-{today.year}", name=f"{today.year} 园区网络销售返利",
                                    kind="SALES_REBATE", product_category="Campus Network", rate_pct="3",
                                    threshold="1000000", period_start=start, period_end=end)
    services.policy_create(actor=cm, code=f"drr-{today.year}", name=f"{today.year} 报备奖励", kind="DRR",
                           period_start=start, period_end=end, fixed="20000")
    contracts = [c for c in contract_selectors.contracts_in_states(("IN_EXECUTION", "SIGNED", "FULFILLED", "CLOSED"))
                 .order_by("number")[:3] if c.currency == "CNY"]
    for contract in contracts:
        services.accrual_record(actor=cm, policy=policy, partner=gold, contract=contract,
                                base=str(contract.total_value))
        made += 1
    services.incentive_sweep()
    return f"channel +{made}"
