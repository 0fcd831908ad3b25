"""Deterministic, realistic demo data for a Chinese enterprise network vendor.

``load_demo()`` is idempotent: every row is found by its natural key (code, username, credit code)
before it is created, so running it twice changes nothing. Customers go through
``customer_create`` like any other channel, so each has its creation event.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from m2c.core.models import CalendarDay, Currency, FxRate, OfferingLine, OrgUnit, Role, User
from m2c.core.normalize import CREDIT_CODE_CHARSET, credit_code_check_char, normalize_company_name

SEED = 20260101
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
    ("partner.p1", "合作伙伴 P1 用户", [Role.PARTNER], None),
]

# Region code -> (province, city, 6-digit administrative division, rep office codes)
REGIONS = {
    "east": [("上海", "上海", "310000", "ro-shanghai"), ("浙江", "杭州", "330100", "ro-hangzhou"),
             ("江苏", "南京", "320100", "ro-nanjing"), ("江苏", "苏州", "320500", "ro-nanjing")],
    "north": [("北京", "北京", "110000", "ro-beijing"), ("天津", "天津", "120000", "ro-tianjin"),
              ("河北", "石家庄", "130100", "ro-beijing")],
    "south": [("广东", "深圳", "440300", "ro-shenzhen"), ("广东", "广州", "440100", "ro-guangzhou"),
              ("福建", "厦门", "350200", "ro-guangzhou")],
    "west": [("四川", "成都", "510100", "ro-chengdu"), ("陕西", "西安", "610100", "ro-xian"),
             ("重庆", "重庆", "500000", "ro-chengdu")],
}
CITY_PINYIN = {"上海": "shanghai", "杭州": "hangzhou", "南京": "nanjing", "苏州": "suzhou", "北京": "beijing",
               "天津": "tianjin", "石家庄": "shijiazhuang", "深圳": "shenzhen", "广州": "guangzhou", "厦门": "xiamen",
               "成都": "chengdu", "西安": "xian", "重庆": "chongqing"}

CORE_WORDS = [("华信", "huaxin"), ("东方", "dongfang"), ("中联", "zhonglian"), ("恒通", "hengtong"),
              ("瑞丰", "ruifeng"), ("天成", "tiancheng"), ("博远", "boyuan"), ("宏达", "hongda"),
              ("启明", "qiming"), ("新纪元", "xinjiyuan"), ("海川", "haichuan"), ("金桥", "jinqiao"),
              ("远景", "yuanjing"), ("鼎盛", "dingsheng"), ("嘉禾", "jiahe"), ("长风", "changfeng"),
              ("星河", "xinghe"), ("万象", "wanxiang"), ("泰和", "taihe"), ("安信", "anxin"),
              ("明德", "mingde"), ("同舟", "tongzhou"), ("汇智", "huizhi"), ("凯盛", "kaisheng"),
              ("云帆", "yunfan"), ("卓越", "zhuoyue"), ("鸿基", "hongji"), ("华晟", "huasheng")]

# industry -> (name suffix words, legal forms, credit-code prefix)
INDUSTRY_NAMES = {
    "manufacturing": ([("精密制造", "precision"), ("汽车零部件", "autoparts"), ("钢铁", "steel"), ("电子科技", "electronics"),
                       ("装备制造", "equipment")], ["有限公司", "股份有限公司", "集团有限公司"], "91"),
    "finance": ([("银行", "bank"), ("证券", "securities"), ("保险", "insurance"), ("信托", "trust")],
                ["股份有限公司", "有限责任公司"], "91"),
    "healthcare": ([("人民医院", "hospital"), ("中心医院", "centralhospital"), ("妇幼保健院", "mch")], [""], "12"),
    "education": ([("大学", "university"), ("理工大学", "tech"), ("职业技术学院", "polytechnic"), ("师范大学", "normal")],
                  [""], "12"),
    "government": ([("大数据中心", "bigdata"), ("政务服务中心", "egov"), ("智慧城市管理局", "smartcity")], [""], "11"),
    "energy": ([("电力", "power"), ("燃气", "gas"), ("新能源", "newenergy"), ("水务", "water")],
               ["有限公司", "集团有限公司", "股份有限公司"], "91"),
    "transport": ([("地铁", "metro"), ("港务", "port"), ("物流", "logistics"), ("机场", "airport")],
                  ["有限公司", "集团有限公司"], "91"),
    "retail": ([("商业", "commerce"), ("百货", "department"), ("连锁超市", "supermarket")], ["有限公司", "股份有限公司"], "91"),
    "internet": ([("网络科技", "network"), ("信息技术", "infotech"), ("云计算", "cloud")], ["有限公司"], "91"),
}

OVERSEAS = [
    ("Lion City Logistics", "SG", "Singapore", "transport"),
    ("Marina Bay Financial Holdings", "SG", "Singapore", "finance"),
    ("Straits Polytechnic Institute", "SG", "Singapore", "education"),
    ("Emirates Smart Grid", "AE", "Dubai", "energy"),
    ("Gulf Medical City", "AE", "Dubai", "healthcare"),
    ("Desert Falcon Telecom", "AE", "Abu Dhabi", "telecom"),
    ("Rhein Precision Works", "DE", "Stuttgart", "manufacturing"),
    ("Nordic Fjord Shipping", "NO", "Oslo", "transport"),
    ("Andes Copper Mining", "CL", "Santiago", "energy"),
    ("Sunda Digital Bank", "ID", "Jakarta", "finance"),
    ("Mekong Metro Rail", "VN", "Hanoi", "transport"),
    ("Savanna Connect Networks", "KE", "Nairobi", "telecom"),
]
OVERSEAS_PLACES = [("Pacific", "SG", "Singapore"), ("Harbourfront", "SG", "Singapore"), ("Orchard", "SG", "Singapore"),
                   ("Jumeirah", "AE", "Dubai"), ("Oasis", "AE", "Abu Dhabi"), ("Danube", "DE", "Munich"),
                   ("Baltic", "NO", "Bergen"), ("Patagonia", "CL", "Valparaiso"), ("Java", "ID", "Surabaya"),
                   ("Saigon", "VN", "Ho Chi Minh City"), ("Kilimanjaro", "KE", "Mombasa")]
OVERSEAS_NOUNS = [("Logistics", "transport"), ("Capital", "finance"), ("University", "education"), ("Power", "energy"),
                  ("Hospital Group", "healthcare"), ("Telecom", "telecom"), ("Industries", "manufacturing"),
                  ("Airlines", "transport"), ("Retail", "retail"), ("Data Services", "internet")]
EN_FORMS = {"SG": "Pte. Ltd.", "AE": "LLC", "DE": "GmbH", "NO": "AS", "CL": "S.A.", "ID": "Tbk", "VN": "JSC", "KE": "Ltd."}

SURNAMES = [("李", "li"), ("王", "wang"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("赵", "zhao"),
            ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"), ("胡", "hu"), ("朱", "zhu"),
            ("高", "gao"), ("林", "lin"), ("何", "he"), ("郭", "guo"), ("马", "ma"), ("罗", "luo")]
GIVEN = [("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("强", "qiang"), ("磊", "lei"),
         ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"),
         ("超", "chao"), ("秀英", "xiuying"), ("志强", "zhiqiang"), ("建华", "jianhua"), ("晓东", "xiaodong"), ("海燕", "haiyan")]
TITLES = [("首席信息官", "decision_maker"), ("信息中心主任", "decision_maker"), ("网络部经理", "technical_evaluator"),
          ("采购经理", "purchaser"), ("运维工程师", "user"), ("副总经理", "influencer"), ("IT 架构师", "technical_evaluator")]
EN_CONTACTS = [("Daniel Tan", "CIO", "decision_maker"), ("Priya Nair", "Head of Infrastructure", "technical_evaluator"),
               ("Omar Haddad", "Procurement Manager", "purchaser"), ("Sarah Müller", "IT Director", "decision_maker"),
               ("Lars Nilsen", "Network Architect", "technical_evaluator")]
INDUSTRY_GROUP = {"education": "cg-education", "government": "cg-government", "finance": "cg-finance",
                  "healthcare": "cg-healthcare", "manufacturing": "cg-manufacturing", "energy": "cg-energy",
                  "transport": "cg-transport", "telecom": "cg-carrier", "retail": None, "internet": None}
AR_BY_REGION = {"east": ["ar.li", "ar.wang"], "north": ["ar.zhang"], "south": ["ar.liu"], "west": ["ar.yang"],
                "overseas": ["ar.tan"]}


def make_credit_code(rng: random.Random, prefix: str, division: str) -> str:
    """A syntactically valid unified social credit code (check character computed)."""
    body = prefix + division + "".join(rng.choice(CREDIT_CODE_CHARSET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + credit_code_check_char(body)


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice(["38", "39", "58", "59", "86", "87", "88", "35", "36", "37"]) + f"{rng.randrange(10**8):08d}"


def generate_companies(count: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """Yield ``count`` distinct realistic customers (by normalised name and credit code)."""
    rng = random.Random(seed)
    seen_names: set[str] = set()
    seen_codes: set[str] = set()
    overseas_cycle = 0
    produced = 0
    attempts = 0
    while produced < count:
        attempts += 1
        if rng.random() < 0.04:
            if overseas_cycle < len(OVERSEAS):
                base, country, city, industry = OVERSEAS[overseas_cycle]
            else:
                prefix, country, city = rng.choice(OVERSEAS_PLACES)
                noun, industry = rng.choice(OVERSEAS_NOUNS)
                base = f"{prefix} {noun}"
            overseas_cycle += 1
            suffix = ""
            name = f"{base}{suffix} {EN_FORMS.get(country, 'Ltd.')}"
            record = {
                "legal_name": name,
                "credit_code": None,
                "registration_no": f"{country}{rng.randrange(10**9):09d}",
                "country": country,
                "province": "",
                "city": city,
                "industry": industry,
                "region": "overseas",
                "org_unit": "ro-singapore" if country in ("SG", "ID", "VN") else "ro-dubai",
                "domain": base.lower().replace(" ", "") + ".com",
                "english": True,
            }
        else:
            region = rng.choice(["east", "east", "north", "south", "west"])
            province, city, division, office = rng.choice(REGIONS[region])
            industry = rng.choice(list(INDUSTRY_NAMES))
            words, forms, prefix = INDUSTRY_NAMES[industry]
            core_zh, core_py = rng.choice(CORE_WORDS)
            word_zh, word_py = rng.choice(words)
            form = rng.choice(forms)
            if industry in ("healthcare", "education", "government"):
                name = f"{city}{core_zh if industry != 'government' else ''}{word_zh}"
                if industry == "healthcare":
                    name = f"{city}市第{rng.randint(1, 12)}{word_zh}" if rng.random() < 0.5 else f"{city}{core_zh}{word_zh}"
            else:
                name = f"{city}{core_zh}{word_zh}{form}"
            record = {
                "legal_name": name,
                "credit_code": make_credit_code(rng, prefix, division),
                "registration_no": "",
                "country": "CN",
                "province": province,
                "city": city,
                "industry": industry,
                "region": region,
                "org_unit": office,
                "domain": f"{CITY_PINYIN.get(city, 'cn')}{core_py}{word_py}.com.cn",
                "english": False,
            }
        key = normalize_company_name(record["legal_name"])
        if key in seen_names or (record["credit_code"] and record["credit_code"] in seen_codes):
            if attempts > count * 50:
                raise RuntimeError("cannot generate that many distinct demo customers")
            continue
        seen_names.add(key)
        if record["credit_code"]:
            seen_codes.add(record["credit_code"])
        record["tier"] = rng.choices(["named", "strategic", "general"], weights=[8, 17, 75])[0]
        record["credit_rating"] = rng.choice(["AAA", "AA", "A", "BBB", "BB", "unrated"])
        record["credit_limit"] = Decimal(rng.choice([2, 5, 8, 12, 20, 30, 50])) * Decimal(1_000_000)
        record["contacts"] = _contacts(rng, record)
        produced += 1
        yield record


def _contacts(rng: random.Random, record: dict[str, Any]) -> list[dict[str, Any]]:
    contacts = []
    for _ in range(rng.randint(1, 3)):
        if record["english"]:
            name, title, role = rng.choice(EN_CONTACTS)
            local = name.lower().replace(" ", ".").replace("ü", "u")
            contacts.append({"name": name, "title": title, "decision_role": role, "email": f"{local}@{record['domain']}",
                             "phone": "", "consent_email": True})
        else:
            (s_zh, s_py), (g_zh, g_py) = rng.choice(SURNAMES), rng.choice(GIVEN)
            title, role = rng.choice(TITLES)
            email_host = record["domain"] if rng.random() < 0.75 else rng.choice(["qq.com", "163.com", "126.com"])
            contacts.append({"name": f"{s_zh}{g_zh}", "title": title, "decision_role": role,
                             "email": f"{g_py}.{s_py}@{email_host}", "phone": mobile(rng),
                             "consent_email": rng.random() < 0.7, "consent_phone": rng.random() < 0.4})
    # One name per customer is enough; drop accidental repeats.
    unique = {c["name"]: c for c in contacts}
    return list(unique.values())


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
    from m2c.customers.models import Customer
    from m2c.customers.services import contact_create, customer_create

    existing_codes = set(Customer.objects.exclude(credit_code=None).values_list("credit_code", flat=True))
    existing_names = set(Customer.objects.values_list("normalized_name", flat=True))
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
