"""Demo customers: realistic Chinese and overseas companies with their contacts, generated from a seed.

Name material (regions, cities, industry words, legal forms, people) and the deterministic generator
that ``m2c.demo.load_customers`` feeds through ``customer_create``; the benchmarks use it too.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from m2c.core.normalize import CREDIT_CODE_CHARSET, credit_code_check_char, normalize_company_name

SEED = 20260101

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
