"""Realistic generated lead rows for the lead benchmarks, with known duplicate truth.

Companies are Chinese (city + brand + industry word + legal form) and English (place + noun + form).
About 10 % of the rows are duplicates of an earlier row in realistic variants: another legal form,
the place moved into brackets or dropped, full-width characters and spaces, English case and
punctuation, a one-character typo with the same contact phone, another colleague with the same
company email domain. About 2 % are broken (bad phone, email, date or amount) and must be rejected.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CITIES = [("上海", "上海"), ("北京", "北京"), ("天津", "天津"), ("重庆", "重庆"), ("杭州", "浙江"), ("宁波", "浙江"), ("温州", "浙江"),
          ("南京", "江苏"), ("苏州", "江苏"), ("无锡", "江苏"), ("常州", "江苏"), ("合肥", "安徽"), ("济南", "山东"), ("青岛", "山东"),
          ("烟台", "山东"), ("郑州", "河南"), ("武汉", "湖北"), ("长沙", "湖南"), ("广州", "广东"), ("深圳", "广东"), ("东莞", "广东"),
          ("佛山", "广东"), ("珠海", "广东"), ("厦门", "福建"), ("福州", "福建"), ("南宁", "广西"), ("海口", "海南"), ("成都", "四川"),
          ("昆明", "云南"), ("贵阳", "贵州"), ("西安", "陕西"), ("兰州", "甘肃"), ("沈阳", "辽宁"), ("大连", "辽宁"), ("长春", "吉林"),
          ("哈尔滨", "黑龙江"), ("石家庄", "河北"), ("太原", "山西"), ("南昌", "江西"), ("呼和浩特", "内蒙古")]
BRAND_CHARS = ("华信东方中联恒通瑞丰天成博远宏达启明海川金桥远景鼎盛嘉禾长风星河万象泰和安信明德同舟汇智凯盛云帆卓越鸿基晟新纪元"
               "龙腾凤翔麒麟鹏程锦绣宏图伟业永泰昌隆兴旺富源盛世祥瑞融创智联数云睿思澜沧碧海青山绿水春秋冬夏晨曦暮雪朝阳"
               "星辰光明磐石坤元乾坤浩然广厦精诚致远")
INDUSTRY_WORDS = [("燃气", "energy"), ("电力", "energy"), ("新能源", "energy"), ("水务", "energy"), ("精密制造", "manufacturing"),
                  ("汽车零部件", "manufacturing"), ("电子科技", "manufacturing"), ("装备制造", "manufacturing"), ("钢铁", "manufacturing"),
                  ("物流", "transport"), ("港务", "transport"), ("地铁", "transport"), ("航运", "transport"), ("银行", "finance"),
                  ("证券", "finance"), ("保险", "finance"), ("信托", "finance"), ("网络科技", "internet"), ("信息技术", "internet"),
                  ("云计算", "internet"), ("软件", "internet"), ("商业", "retail"), ("百货", "retail"), ("医药", "healthcare"),
                  ("医疗器械", "healthcare"), ("教育科技", "education"), ("建设工程", "other"), ("化工", "manufacturing"),
                  ("食品", "retail"), ("纺织", "manufacturing")]
CN_FORMS = ["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"]
EN_PLACES = ["Pacific", "Harbourfront", "Orchard", "Jumeirah", "Oasis", "Danube", "Baltic", "Patagonia", "Java", "Saigon",
             "Kilimanjaro", "Sahara", "Nordic", "Alpine", "Coral", "Emerald", "Silverline", "Redwood", "Blue Ridge", "Golden Gate",
             "Lion City", "Marina Bay", "Straits", "Andes", "Mekong", "Savanna", "Aurora", "Horizon", "Summit", "Meridian",
             "Atlas", "Orion", "Polaris", "Vega", "Sirius", "Crescent", "Lotus", "Falcon", "Phoenix", "Titan"]
EN_NOUNS = [("Logistics", "transport"), ("Capital", "finance"), ("Power", "energy"), ("Hospital Group", "healthcare"),
            ("Telecom", "telecom"), ("Industries", "manufacturing"), ("Airlines", "transport"), ("Retail", "retail"),
            ("Data Services", "internet"), ("Shipping", "transport"), ("Energy", "energy"), ("Bank", "finance"),
            ("Robotics", "manufacturing"), ("Foods", "retail"), ("Pharma", "healthcare"), ("Networks", "telecom"),
            ("Semiconductors", "manufacturing"), ("Insurance", "finance"), ("Mining", "energy"), ("Software", "internet")]
EN_QUALIFIERS = ["", "", "Global ", "International ", "Digital ", "Smart ", "United ", "Advanced ", "Premier ", "First "]
EN_FORMS = ["Pte. Ltd.", "Ltd.", "LLC", "Inc.", "GmbH", "S.A.", "Co., Ltd.", "Limited", "Corp."]
LINES = ["campus", "wlan", "dc", "storage", "security", "optical", "cloud"]
SURNAMES = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静强磊军洋勇艳杰涛明超秀英霞平刚桂兰玉萍红娟建华飞鑫波斌宇浩凯健俊帆鹏辉"
TITLES = ["信息中心主任", "网络部经理", "采购经理", "运维工程师", "首席信息官", "IT 架构师", "Head of IT", "Network Engineer"]
HEADER = ["公司名称", "统一社会信用代码", "联系人", "职位", "手机", "邮箱", "省份", "城市", "行业", "意向产品", "预算", "预计采购时间", "备注"]


@dataclass
class Company:
    name: str
    city: str
    province: str
    industry: str
    domain: str
    english: bool
    parts: tuple[str, str, str, str]  # city, brand, word, form


MOBILE_PREFIXES = [f"13{d}" for d in range(10)] + ["150", "151", "152", "153", "155", "156", "157", "158", "159", "166",
                                                   "176", "177", "180", "181", "182", "183", "185", "186", "187", "188",
                                                   "189", "198", "199"]


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _pinyinish(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghjklmnpqrstwxyz") + rng.choice("aeiou") for _ in range(4))


def make_company(rng: random.Random, seen: set[str]) -> Company:
    while True:
        if rng.random() < 0.1:
            place = rng.choice(EN_PLACES)
            noun, industry = rng.choice(EN_NOUNS)
            qualifier = rng.choice(EN_QUALIFIERS)
            extra = rng.choice(["", "", "", f" {rng.choice(['Asia', 'Holdings', 'Systems', 'Partners', 'Solutions', 'Group'])}"])
            core = f"{place} {qualifier}{noun}{extra}"
            name = f"{core} {rng.choice(EN_FORMS)}"
            key = core.lower()
            company = Company(name, "Singapore", "", industry, core.lower().replace(" ", "")[:20] + ".com", True,
                              ("", core, "", name[len(core) + 1:]))
        else:
            city, province = rng.choice(CITIES)
            brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
            if rng.random() < 0.3:
                brand += rng.choice(BRAND_CHARS)
            word, industry = rng.choice(INDUSTRY_WORDS)
            form = rng.choice(CN_FORMS)
            name = f"{city}{brand}{word}{form}"
            key = f"{city}{brand}{word}"
            company = Company(name, city, province, industry, _pinyinish(rng) + ".com.cn", False, (city, brand, word, form))
        if key not in seen:
            seen.add(key)
            return company


def variant(rng: random.Random, c: Company) -> tuple[str, str]:
    """A realistic re-spelling of the company's name, and what kind of variant it is."""
    if c.english:
        core, form = c.parts[1], c.parts[3]
        kind = rng.choice(["case", "punct", "form", "nofort"])
        if kind == "case":
            return f"{core.upper()} {form.upper()}", kind
        if kind == "punct":
            return f"{core.replace(' ', '-')} {form.replace('.', '')}", kind
        if kind == "form":
            return f"{core} {rng.choice([f for f in EN_FORMS if f != form])}", kind
        return core, kind
    city, brand, word, form = c.parts
    kind = rng.choice(["form", "bracket", "noplace", "fullwidth", "spaces", "typo_same_phone"])
    if kind == "form":
        return f"{city}{brand}{word}{rng.choice([f for f in CN_FORMS if f != form])}", kind
    if kind == "bracket":
        return f"{brand}{word}（{city}）{form}", kind
    if kind == "noplace":
        return f"{brand}{word}{form}", kind
    if kind == "fullwidth":
        return f"{city}{brand}{word}{form}".replace("有限", "（有限）") + "　", kind
    if kind == "spaces":
        return f" {city} {brand}{word} {form} ", kind
    # A one-character typo in the industry word; the same person submits again with the same phone.
    typo = word[:-1] + rng.choice("汽器讯务业") if len(word) > 1 else word
    return f"{city}{brand}{typo}{form}", kind


@dataclass
class Row:
    cells: list[str]
    entity: int  # index of the true company (truth for the dedup benchmark)
    line: str
    duplicate_of_row: int | None
    broken: bool


def generate(n: int, *, seed: int = 1, duplicate_share: float = 0.10, broken_share: float = 0.02) -> Iterator[Row]:
    """Yield ``n`` rows; duplicates refer to an earlier row of the same company and offering line."""
    rng = random.Random(seed)
    seen: set[str] = set()
    companies: list[Company] = []
    originals: list[tuple[int, int, str, str, str]] = []  # (row index, company index, line, phone, contact)
    for i in range(n):
        roll = rng.random()
        if originals and roll < duplicate_share:
            row_index, ci, line, phone, contact = originals[rng.randrange(len(originals))]
            c = companies[ci]
            name, kind = variant(rng, c)
            same_person = kind == "typo_same_phone" or rng.random() < 0.5
            contact_name = contact if same_person else rng.choice(SURNAMES) + rng.choice(GIVEN)
            mobile = phone if same_person else _mobile(rng)
            email = f"{_pinyinish(rng)}@{c.domain}"
            yield Row(_cells(rng, name, contact_name, mobile, email, c, line), ci, line, row_index, False)
            continue
        c = make_company(rng, seen)
        companies.append(c)
        ci = len(companies) - 1
        line = rng.choice(LINES)
        contact = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else "")
        mobile = _mobile(rng)
        email = f"{_pinyinish(rng)}@{c.domain}" if rng.random() < 0.7 else ""
        cells = _cells(rng, c.name, contact, mobile, email, c, line)
        broken = roll > 1 - broken_share
        if broken:
            which = rng.randrange(4)
            if which == 0:
                cells[4] = "12345"
            elif which == 1:
                cells[5] = "someone@"
            elif which == 2:
                cells[11] = "下个月"
            else:
                cells[10] = "很多"
        else:
            originals.append((i, ci, line, mobile, contact))
        yield Row(cells, ci, line, None, broken)


def _cells(rng: random.Random, name: str, contact: str, mobile: str, email: str, c: Company, line: str) -> list[str]:
    budget = "" if rng.random() < 0.5 else f"{rng.randrange(10, 900)}万"
    date = "" if rng.random() < 0.4 else f"2027-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}"
    return [name, "", contact, rng.choice(TITLES), mobile, email, c.province, c.city, c.industry, line, budget, date,
            rng.choice(["", "", "需要升级园区网络", "关注 Wi-Fi 7", "数据中心扩容，预计明年招标"])]


def write_csv(path: Path, n: int, *, seed: int = 1) -> dict[str, int]:
    counts = {"rows": 0, "duplicates": 0, "broken": 0}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in generate(n, seed=seed):
            writer.writerow(row.cells)
            counts["rows"] += 1
            counts["duplicates"] += row.duplicate_of_row is not None
            counts["broken"] += row.broken
    return counts
