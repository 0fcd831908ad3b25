"""Deterministic, realistic demo data for a Chinese enterprise network vendor.

``load_demo()`` is idempotent: every row is found by its natural key (code, username, credit code)
before it is created, so running it twice changes nothing. Customers go through
``customer_create`` like any other channel, so each has its creation event.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from m2c.core.models import CalendarDay, Currency, FxRate, OfferingLine, OrgUnit, Role, User
from m2c.core.normalize import normalize_company_name

# The company generator has its own module; its names stay importable from here.
from m2c.demo_companies import (  # noqa: F401
    CORE_WORDS,
    INDUSTRY_NAMES,
    REGIONS,
    SEED,
    generate_companies,
    make_credit_code,
    mobile,
)

DEMO_PASSWORD = "m2c-demo-2026"

CURRENCIES = [
    ("CNY", "人民币 Renminbi", 2),
    ("USD", "US Dollar", 2),
    ("EUR", "Euro", 2),
    ("HKD", "Hong Kong Dollar", 2),
    ("SGD", "Singapore Dollar", 2),
    ("GBP", "Pound Sterling", 2),
    ("JPY", "Japanese Yen", 0),
    ("AED", "UAE Dirham", 2),
]

# Units of CNY per unit of currency, by month (a plausible 2026 path).
FX = {
    "USD": ["7.2850", "7.2600", "7.2400", "7.2100", "7.1900", "7.1800", "7.1700", "7.1500", "7.1300", "7.1200", "7.1000", "7.0900"],
    "EUR": ["7.6100", "7.6500", "7.7000", "7.7400", "7.8000", "7.8300", "7.8600", "7.9000", "7.9200", "7.9500", "7.9700", "8.0000"],
    "HKD": ["0.9330", "0.9300", "0.9280", "0.9250", "0.9230", "0.9220", "0.9210", "0.9190", "0.9170", "0.9160", "0.9140", "0.9130"],
    "SGD": ["5.3800", "5.3900", "5.4100", "5.4300", "5.4500", "5.4600", "5.4700", "5.4900", "5.5000", "5.5100", "5.5200", "5.5300"],
    "GBP": ["9.1000", "9.1500", "9.2000", "9.2300", "9.2600", "9.3000", "9.3200", "9.3500", "9.3800", "9.4000", "9.4200", "9.4500"],
    "JPY": ["0.0486", "0.0482", "0.0479", "0.0477", "0.0475", "0.0473", "0.0471", "0.0470", "0.0468", "0.0467", "0.0466", "0.0465"],
    "AED": ["1.9835", "1.9767", "1.9712", "1.9630", "1.9576", "1.9548", "1.9521", "1.9466", "1.9412", "1.9385", "1.9330", "1.9303"],
}

# Public holidays and make-up working days (调休) as announced by the State Council.
HOLIDAYS = {
    2025: {
        "元旦": (["2025-01-01"], []),
        "春节": (["2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01", "2025-02-02",
                                  "2025-02-03", "2025-02-04"], ["2025-01-26", "2025-02-08"]),
        "清明节 Qingming": (["2025-04-04", "2025-04-05", "2025-04-06"], []),
        "劳动节": (["2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05"], ["2025-04-27"]),
        "端午节": (["2025-05-31", "2025-06-01", "2025-06-02"], []),
        "国庆节、中秋节": (
            ["2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08"],
            ["2025-09-28", "2025-10-11"],
        ),
    },
    2026: {
        "元旦": (["2026-01-01", "2026-01-02", "2026-01-03"], ["2026-01-04"]),
        "春节": (["2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
                                  "2026-02-21", "2026-02-22", "2026-02-23"], ["2026-02-14", "2026-02-28"]),
        "清明节 Qingming": (["2026-04-04", "2026-04-05", "2026-04-06"], []),
        "劳动节": (["2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05"], ["2026-05-09"]),
        "端午节": (["2026-06-19", "2026-06-20", "2026-06-21"], []),
        "中秋节": (["2026-09-25", "2026-09-26", "2026-09-27"], []),
        "国庆节": (
            ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"],
            ["2026-09-20", "2026-10-10"],
        ),
    },
}

# code, Chinese, English, parent code, type
ORG_UNITS = [
    ("hq", "总部", "Headquarters", None, OrgUnit.Type.HQ),
    ("east", "华东地区部", "East China", "hq", OrgUnit.Type.REGION),
    ("north", "华北地区部", "North China", "hq", OrgUnit.Type.REGION),
    ("south", "华南地区部", "South China", "hq", OrgUnit.Type.REGION),
    ("west", "西部地区部", "West China", "hq", OrgUnit.Type.REGION),
    ("overseas", "海外地区部", "Overseas", "hq", OrgUnit.Type.REGION),
    ("ro-shanghai", "上海代表处", "Shanghai Office", "east", OrgUnit.Type.REP_OFFICE),
    ("ro-hangzhou", "杭州代表处", "Hangzhou Office", "east", OrgUnit.Type.REP_OFFICE),
    ("ro-nanjing", "南京代表处", "Nanjing Office", "east", OrgUnit.Type.REP_OFFICE),
    ("ro-beijing", "北京代表处", "Beijing Office", "north", OrgUnit.Type.REP_OFFICE),
    ("ro-tianjin", "天津代表处", "Tianjin Office", "north", OrgUnit.Type.REP_OFFICE),
    ("ro-shenzhen", "深圳代表处", "Shenzhen Office", "south", OrgUnit.Type.REP_OFFICE),
    ("ro-guangzhou", "广州代表处", "Guangzhou Office", "south", OrgUnit.Type.REP_OFFICE),
    ("ro-chengdu", "成都代表处", "Chengdu Office", "west", OrgUnit.Type.REP_OFFICE),
    ("ro-xian", "西安代表处", "Xi'an Office", "west", OrgUnit.Type.REP_OFFICE),
    ("ro-singapore", "新加坡代表处", "Singapore Office", "overseas", OrgUnit.Type.REP_OFFICE),
    ("ro-dubai", "迪拜代表处", "Dubai Office", "overseas", OrgUnit.Type.REP_OFFICE),
    ("cg-education", "教育客户群", "Education customer group", "hq", OrgUnit.Type.CUSTOMER_GROUP),
    ("cg-government", "政府客户群", "Government customer group", "hq", OrgUnit.Type.CUSTOMER_GROUP),
    ("cg-finance", "金融客户群", "Finance customer group", "hq", OrgUnit.Type.CUSTOMER_GROUP),
    ("cg-healthcare", "医疗客户群", "Healthcare customer group", "hq", OrgUnit.Type.CUSTOMER_GROUP),
    ("cg-manufacturing", "制造客户群", "Manufacturing customer group", "hq", OrgUnit.Type.CUSTOMER_GROUP),
    ("cg-energy", "能源客户群", "Energy customer group", "hq", OrgUnit.Type.CUSTOMER_GROUP),
    ("cg-transport", "交通客户群", "Transport customer group", "hq", OrgUnit.Type.CUSTOMER_GROUP),
    ("cg-carrier", "运营商客户群", "Carrier customer group", "hq", OrgUnit.Type.CUSTOMER_GROUP),
]
for _region, _zh, _en in [("east", "华东", "East"), ("north", "华北", "North"), ("south", "华南", "South"),
                          ("west", "西部", "West"), ("overseas", "海外", "Overseas")]:
    ORG_UNITS += [
        (f"{_region}-strategy", f"{_zh}市场策略中心", f"{_en} market strategy center", _region, OrgUnit.Type.STRATEGY_CENTER),
        (f"{_region}-campaign", f"{_zh}营销活动中心", f"{_en} campaign center", _region, OrgUnit.Type.CAMPAIGN_CENTER),
        (f"{_region}-enablement", f"{_zh}销售赋能中心", f"{_en} enablement center", _region, OrgUnit.Type.ENABLEMENT_CENTER),
    ]

OFFERING_LINES = [
    ("campus", "园区网络", "Campus Network", "Campus Network"),
    ("wlan", "无线局域网", "WLAN and Wi-Fi 7", "Campus Network"),
    ("dc", "数据中心网络", "Data Center Network", "Data Center"),
    ("storage", "智能存储", "Intelligent Storage", "Data Center"),
    ("security", "网络安全", "Network Security", "Security"),
    ("optical", "光传送", "Optical Transport", "Optical"),
    ("cloud", "云服务", "Cloud Services", "Cloud"),
]

# Words and synonyms a lead's need text is matched on when it names no offering line (issue 9).
OFFERING_LINE_KEYWORDS = {
    "campus": "园区网络, 园区网, 局域网, 接入交换机, 核心交换机, 交换机, campus network, campus, LAN, switch",
    "wlan": "无线, 无线覆盖, 无线网络, Wi-Fi, WiFi, Wi-Fi 7, WLAN, AP, 无线AP, wireless",
    "dc": "数据中心, 机房, 数据中心网络, data center, datacenter, DC",
    "storage": "存储, 备份, 容灾, 全闪存, storage, backup, SAN, NAS",
    "security": "网络安全, 安全, 防火墙, 等保, 入侵检测, security, firewall, IPS",
    "optical": "光传送, 光网络, 光纤, OTN, WDM, 波分, optical",
    "cloud": "云服务, 云计算, 上云, 私有云, 公有云, cloud, IaaS",
}

# username, display name, roles, org unit code
USERS = [
    ("mkt.zhou", "周敏", [Role.MARKETING], "east-campaign"),
    ("mkt.hq", "何静", [Role.MARKETING], "hq"),
    ("mkt.ops", "孙悦", [Role.MARKETING], "east"),
    ("ar.li", "李伟", [Role.AR], "ro-shanghai"),
    ("ar.wang", "王芳", [Role.AR], "ro-shanghai"),
    ("ar.zhang", "张磊", [Role.AR], "ro-beijing"),
    ("ar.liu", "刘洋", [Role.AR], "ro-shenzhen"),
    ("ar.yang", "杨帆", [Role.AR], "ro-chengdu"),
    ("ar.tan", "Tan Wei Ming", [Role.AR], "ro-singapore"),
    ("sr.zhao", "赵强", [Role.SR], "ro-shanghai"),
    ("sr.huang", "黄勇", [Role.SR], "ro-beijing"),
    ("fr.chen", "陈静", [Role.FR], "ro-shanghai"),
    ("fr.wu", "吴涛", [Role.FR], "ro-shenzhen"),
    ("fin.sun", "孙丽", [Role.FINANCE], "east"),
    ("fin.hq", "郑华", [Role.FINANCE], "hq"),
    ("sdt.shanghai", "钱进", [Role.DECISION_TEAM], "ro-shanghai"),
    ("sdt.east", "冯刚", [Role.DECISION_TEAM], "east"),
    ("sdt.hq", "蒋明", [Role.DECISION_TEAM], "hq"),
    ("exec.liu", "刘建国", [Role.EXECUTIVE], "hq"),
    ("enable.xu", "徐敏", [Role.ENABLEMENT_MANAGER], "east-enablement"),
    ("partner.p1", "合作伙伴 P1 用户", [Role.PARTNER], None),
]

INDUSTRY_GROUP = {"education": "cg-education", "government": "cg-government", "finance": "cg-finance",
                  "healthcare": "cg-healthcare", "manufacturing": "cg-manufacturing", "energy": "cg-energy",
                  "transport": "cg-transport", "telecom": "cg-carrier", "retail": None, "internet": None}
AR_BY_REGION = {"east": ["ar.li", "ar.wang"], "north": ["ar.zhang"], "south": ["ar.liu"], "west": ["ar.yang"],
                "overseas": ["ar.tan"]}


# --- loaders --------------------------------------------------------------------------------------


@transaction.atomic
def load_reference() -> dict[str, int]:
    created = {"currencies": 0, "fx_rates": 0, "calendar_days": 0, "org_units": 0, "offering_lines": 0, "territories": 0}
    for code, name, minor in CURRENCIES:
        _, new = Currency.objects.get_or_create(code=code, defaults={"name": name, "minor_units": minor})
        created["currencies"] += new
    for code, rates in FX.items():
        for month, rate in enumerate(rates, start=1):
            _, new = FxRate.objects.get_or_create(
                currency_id=code, quote_currency_id="CNY", valid_on=dt.date(2026, month, 1),
                defaults={"rate": Decimal(rate), "source": "demo"},
            )
            created["fx_rates"] += new
        _, new = FxRate.objects.get_or_create(
            currency_id=code, quote_currency_id="CNY", valid_on=dt.date(2025, 1, 1),
            defaults={"rate": Decimal(rates[0]), "source": "demo"},
        )
        created["fx_rates"] += new
    for holidays in HOLIDAYS.values():
        for name, (off, on) in holidays.items():
            for day in off:
                _, new = CalendarDay.objects.get_or_create(
                    date=dt.date.fromisoformat(day), defaults={"kind": CalendarDay.Kind.HOLIDAY, "name": name}
                )
                created["calendar_days"] += new
            for day in on:
                _, new = CalendarDay.objects.get_or_create(
                    date=dt.date.fromisoformat(day), defaults={"kind": CalendarDay.Kind.WORKDAY, "name": f"{name} 调休"}
                )
                created["calendar_days"] += new
    for code, zh, en, parent, kind in ORG_UNITS:
        if not OrgUnit.objects.filter(code=code).exists():
            OrgUnit.objects.create(
                code=code, name=zh, name_en=en, type=kind, parent=OrgUnit.objects.get(code=parent) if parent else None
            )
            created["org_units"] += 1
    for code, zh, en, category in OFFERING_LINES:
        line, new = OfferingLine.objects.get_or_create(
            code=code, defaults={"name": zh, "name_en": en, "product_category": category,
                                 "keywords": OFFERING_LINE_KEYWORDS.get(code, "")})
        if not new and not line.keywords and OFFERING_LINE_KEYWORDS.get(code):
            line.keywords = OFFERING_LINE_KEYWORDS[code]
            line.save(update_fields=["keywords"])
        created["offering_lines"] += new
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    from m2c.customers.demo import load_territories

    created["territories"] = load_territories()
    return created


def load_users() -> int:
    from m2c.core.services import user_create

    count = 0
    for username, display, roles, unit in USERS:
        if User.objects.filter(username=username).exists():
            continue
        user_create(
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@m2c.example.com",
            display_name=display,
            roles=roles,
            org_unit=OrgUnit.objects.get(code=unit) if unit else None,
        )
        count += 1
    managers = {"east": "sdt.east", "hq": "sdt.hq", "ro-shanghai": "sdt.shanghai"}
    for code, username in managers.items():
        OrgUnit.objects.filter(code=code, manager__isnull=True).update(manager=User.objects.get(username=username))
    return count


def load_customers(count: int, *, progress: bool = True) -> int:
    from m2c.customers.selectors import customer_known_keys
    from m2c.customers.services import contact_create, customer_create

    existing_codes, existing_names = customer_known_keys()
    users = {u.username: u for u in User.objects.filter(username__in=[u for group in AR_BY_REGION.values() for u in group])}
    units = {u.code: u for u in OrgUnit.objects.all()}
    rng = random.Random(SEED + 1)
    records = list(generate_companies(count))
    created = 0

    def work(advance: Any) -> None:
        nonlocal created
        for record in records:
            ar_username = rng.choice(AR_BY_REGION[record["region"]])
            if record["credit_code"] in existing_codes or normalize_company_name(record["legal_name"]) in existing_names:
                advance()
                continue
            with transaction.atomic():
                customer = customer_create(
                    actor=None,
                    legal_name=record["legal_name"],
                    credit_code=record["credit_code"],
                    registration_no=record["registration_no"],
                    country=record["country"],
                    province=record["province"],
                    city=record["city"],
                    website=f"https://www.{record['domain']}",
                    industry=record["industry"],
                    org_unit=units[record["org_unit"]],
                    customer_group=units.get(INDUSTRY_GROUP.get(record["industry"]) or ""),
                    tier=record["tier"],
                    ar_owner=users.get(ar_username),
                    credit_rating=record["credit_rating"],
                    credit_limit=record["credit_limit"],
                    credit_currency="CNY",
                )
                for contact in record["contacts"]:
                    contact_create(customer=customer, actor=None, **contact)
            created += 1
            advance()

    if progress:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("demo customers", total=len(records))
            work(lambda: bar.advance(task))
    else:
        work(lambda: None)
    return created


def load_demo(*, customers: int = 320, progress: bool = True) -> str:
    reference = load_reference()
    users = load_users()
    new_customers = load_customers(customers, progress=progress)
    extra = []
    for loader in _extra_loaders():
        extra.append(loader(progress=progress))
    from m2c.insight.demo_plans import load as load_plans  # needs the deals of the loaders above

    extra.append(load_plans(progress=progress))
    parts = [f"{k} +{v}" for k, v in reference.items()] + [f"users +{users}", f"customers +{new_customers}", *extra]
    return "demo data loaded: " + ", ".join(parts) + f"  (demo users' password: {DEMO_PASSWORD})"


def _extra_loaders() -> list[Any]:
    """Demo loaders of later apps (leads, opportunities…), each idempotent, run in process order."""
    from importlib import import_module

    from django.apps import apps

    loaders = []
    for config in apps.get_app_configs():
        if config.name.startswith("m2c.") and config.name not in ("m2c.core", "m2c.customers", "m2c.web"):
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            loaders.append(module.load)
    return loaders
