"""Demo partners of every tier (domain.md 8.1): a general distributor, a first-level distributor and a cloud
distributor (Tier 1), gold, silver and certified resellers (Tier 2) supplied by them, with staff holding
individual certificates, certifications per product category (one EXPIRING, one with an expert missing),
a channel manager, portal users (``partner.p1`` of the core demo is the gold partner's), and deal
registrations in review, approved and rejected as a conflict.

Idempotent: partners are found by code, users by username; registrations are made once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from m2c.core.models import Role, User
from m2c.core.selectors import offering_line_list
from m2c.core.services import user_create
from m2c.customers import selectors as customer_selectors

from . import selectors, services
from .models import Partner

PASSWORD = "m2c-demo-2026"
# code, legal name, {category: tier}, supplier code, categories certified (status hint), portal user
PARTNERS = [
    ("gd-digital-china", "神州数码集团股份有限公司", {"Campus Network": "GENERAL_DISTRIBUTOR", "Data Center": "GENERAL_DISTRIBUTOR"},
     None, ["Campus Network", "Data Center"], "partner.dist"),
    ("fl-ingram", "英迈（中国）投资有限公司", {"Campus Network": "FIRST_LEVEL"}, None, ["Campus Network"], None),
    ("cd-cloudnet", "云网联合云分销有限公司", {"Cloud": "CLOUD_DISTRIBUTOR"}, None, ["Cloud"], None),
    ("gold-huaxin", "上海华信网络科技有限公司", {"Campus Network": "GOLD", "Data Center": "SILVER"}, "gd-digital-china",
     ["Campus Network", "Data Center"], "partner.p1"),
    ("silver-dongfang", "东方智联信息技术有限公司", {"Campus Network": "SILVER"}, "gd-digital-china",
     ["Campus Network"], "partner.p2"),
    ("cr-xinda", "信达系统集成有限公司", {"Security": "CERTIFIED_RESELLER"}, "fl-ingram", ["Security"], None),
]
STAFF = ["王", "李", "张", "刘", "陈", "杨"]


def _user(username: str, display: str, role: str) -> User:
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    return user_create(username=username, password=PASSWORD, email=f"{username}@m2c.example.com",
                       display_name=display, roles=[role])


def load(progress: bool = True) -> str:
    from .demo_channel import load as load_channel
    from .demo_performance import load as load_performance

    if Partner.objects.filter(code=PARTNERS[0][0]).exists():
        return f"partners +0, {load_channel()}, {load_performance()}"
    today = timezone.localdate()
    cm = _user("cm.zhou", "周渠道", Role.CHANNEL_MANAGER)
    made: dict[str, Partner] = {}
    for n, (code, name, tiers, supplier, certified, username) in enumerate(PARTNERS):
        partner = services.partner_create(actor=cm, code=code, legal_name=name, supplier=made.get(supplier or ""),
                                          channel_manager=cm, tiers=tiers)
        made[code] = partner
        services.partner_onboard(partner=partner, actor=cm)
        services.partner_activate(partner=partner, actor=cm)
        services.agreement_add(actor=cm, partner=partner, number=f"CA-{today.year}-{n + 1:03d}",
                               valid_from=today - dt.timedelta(days=200), valid_to=today + dt.timedelta(days=530))
        services.contact_add(actor=cm, partner=partner, name=f"{STAFF[n]}总", title="总经理",
                             phone=f"1380013{n:04d}")
        user = _user(username, f"{name[:4]} 门户用户", Role.PARTNER) if username else None
        for i, category in enumerate(certified):
            # The silver partner's certification expires within 90 days; the reseller lacks a post-sales expert.
            valid_to = today + dt.timedelta(days=60 if code == "silver-dongfang" else 400)
            for j, role in enumerate(("sales", "presales", "postsales")):
                if code == "cr-xinda" and role == "postsales":
                    continue
                staff = services.staff_add(actor=cm, partner=partner, name=f"{STAFF[(n + j) % 6]}{'伟芳强'[j]}{i or ''}",
                                           user=user if (i == 0 and j == 0) else None)
                services.certificate_record(actor=cm, staff=staff, product_category=category, role=role,
                                            number=f"HCIE-{n}{i}{j}", valid_from=today - dt.timedelta(days=300),
                                            valid_to=today + dt.timedelta(days=700))
            cert = services.certification_apply(actor=cm, partner=partner, product_category=category,
                                                level=tiers.get(category, ""), valid_from=today - dt.timedelta(days=300),
                                                valid_to=valid_to)
            if code != "cr-xinda":
                services.certification_grant(actor=cm, certification=cert)
    services.certification_sweep(today)
    _registrations(cm, made)
    return f"partners +{len(made)}, {load_channel()}, {load_performance()}"


def _registrations(cm: User, made: dict[str, Partner]) -> None:
    """The gold partner registers two customers (one approved); the silver partner then registers the first
    under another spelling and is refused as a conflict."""
    lines = {line.code: line for line in offering_line_list()}
    customers = [c for c in customer_selectors.customer_sample(limit=400) if "市" in c.legal_name][:3]
    if len(customers) < 2:  # a small demo: any customers (the conflict then uses the same spelling)
        customers = customer_selectors.customer_sample(limit=3)
    if "campus" not in lines or len(customers) < 2:
        return
    gold, silver = made["gold-huaxin"], made["silver-dongfang"]
    p1 = User.objects.get(username="partner.p1")
    p2 = User.objects.get(username="partner.p2")
    now = timezone.now()
    data: dict[str, Any] = {"offering_line": lines["campus"], "budget": "2800000", "decision_chain":
                            "信息中心主任 → 分管副总 → 总经理办公会", "implementation_date": timezone.localdate() + dt.timedelta(days=120)}
    first = services.registration_submit(actor=p1, partner=gold, customer_name=customers[0].legal_name,
                                         project_name="核心交换机更新", now=now - dt.timedelta(days=20), **data)
    services.registration_approve(registration=first, actor=cm, override_reason="演示：客户指定伙伴实施"
                                  if services.blocking_opportunities(first) else "")
    services.registration_submit(actor=p1, partner=gold, customer_name=customers[1].legal_name,
                                 project_name="无线网络全覆盖", now=now - dt.timedelta(days=3),
                                 **{**data, "offering_line": lines.get("wlan", lines["campus"])})
    services.registration_submit(actor=p2, partner=silver, customer_name=customers[0].legal_name.replace("市", "", 1),
                                 project_name="园区网升级", now=now - dt.timedelta(days=2), **data)
    assert selectors.partner_of(p1) == gold
