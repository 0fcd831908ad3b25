"""Company-name keys for identity resolution: the normalised name, its core and its blocking key.

The core drops the place at the start and at the end of a Chinese name (上海华信燃气, 华信燃气（上海）
and 华信燃气 share one core); the blocking key keeps fuzzy comparison to names that can match at all.
Every app that asks "who is this customer?" gets its keys here, through :mod:`m2c.customers.identity`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from m2c.core.normalize import has_cjk, normalize_company_name

# Province-level divisions and the prefecture-level cities (地级市): dropped from the start or the end
# of a name to find its core, so that 上海华信燃气, 华信燃气（上海）and 华信燃气 share one core and one
# blocking key. A city missing here made its own giant block (every 呼和浩特… lead compared with every
# other one: the cost of an import grew with the square of the store). Longest first.
PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
    "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "中国",
)
CITIES = (
    "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 "
    "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁 "
    "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 "
    "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 葫芦岛 "
    "长春 四平 辽源 通化 松原 白城 延边 "
    "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 "
    "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 "
    "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 "
    "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 滁州 阜阳 宿州 六安 亳州 池州 宣城 "
    "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德 "
    "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶 "
    "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 "
    "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 "
    "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 "
    "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 "
    "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 潮州 揭阳 云浮 "
    "南宁 柳州 桂林 梧州 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左 "
    "海口 三亚 儋州 "
    "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 "
    "贵阳 六盘水 遵义 安顺 毕节 铜仁 "
    "昆明 曲靖 玉溪 保山 昭通 丽江 临沧 "
    "拉萨 日喀则 昌都 林芝 "
    "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛 "
    "兰州 嘉峪关 金昌 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 "
    "西宁 海东 银川 石嘴山 吴忠 固原 中卫 "
    "乌鲁木齐 克拉玛依 吐鲁番 哈密"
).split()
# Place names that are just as often brands or words (中山大学, 朝阳产业, 黄山, 白银): dropped only
# with their suffix (中山市, 朝阳市).
AMBIGUOUS_CITIES = ("中山", "朝阳", "北海", "黄山", "白山", "白银", "三沙", "普洱", "山南", "那曲")
PLACES = sorted({*PROVINCES, *CITIES}, key=len, reverse=True)
_PLACE_SUFFIXES = ("省", "市", "自治区", "特别行政区")
_PLACE = (
    "(?:(?:" + "|".join(re.escape(p) for p in PLACES) + ")(?:" + "|".join(_PLACE_SUFFIXES) + ")?"
    + "|(?:" + "|".join(re.escape(p) for p in AMBIGUOUS_CITIES) + ")市)"
)
# Any place inside a name (the evidence that two names carry different places).
_PLACE_RE = re.compile(_PLACE)
# The place a core drops: one at the start (after 中国) and one at the end. A place inside a name is
# usually part of its brand (泰安 in 上海泰安燃气) and stays.
_LEADING_PLACE_RE = re.compile(f"^(?:中国)?{_PLACE}")
_TRAILING_PLACE_RE = re.compile(f"{_PLACE}$")
_PLACE_SET = frozenset(PLACES)
_PLACE_LENGTHS = sorted({len(p) for p in PLACES}, reverse=True)
_AMBIGUOUS = tuple(f"{p}市" for p in AMBIGUOUS_CITIES)
_TAILS = sorted({p + s for p in PLACES for s in ("", *_PLACE_SUFFIXES)} | set(_AMBIGUOUS), key=len, reverse=True)
_TAIL_SET = frozenset(_TAILS)
_TAIL_LENGTHS = sorted({len(t) for t in _TAILS}, reverse=True)


def _place_at(text: str, start: int) -> int:
    """The end of the place the name has at ``start`` (with its suffix), or -1: ``_PLACE`` without regex."""
    for n in _PLACE_LENGTHS:
        if text[start:start + n] in _PLACE_SET:
            end = start + n
            for suffix in _PLACE_SUFFIXES:
                if text.startswith(suffix, end):
                    return end + len(suffix)
            return end
    for ambiguous in _AMBIGUOUS:
        if text.startswith(ambiguous, start):
            return start + len(ambiguous)
    return -1


def core_of(normalized: str) -> str:
    """A CJK name without the place at its start and the one at its end (the regular expressions'
    answer, without trying three hundred alternatives at every position)."""
    end = _place_at(normalized, 2) if normalized.startswith("中国") else -1
    if end < 0:
        end = _place_at(normalized, 0)
    text = normalized[end:] if end > 0 else normalized
    for n in _TAIL_LENGTHS:
        if n <= len(text) and text[-n:] in _TAIL_SET:
            text = text[:-n]
            break
    return text or normalized
# English words that say nothing about which company it is: legal forms and fillers.
_EN_NOISE = frozenset({
    "the", "and", "of", "china", "chinese", "co", "company", "ltd", "limited", "llc", "llp", "inc", "incorporated",
    "corp", "corporation", "pte", "pty", "pvt", "private", "plc", "gmbh", "ag", "sa", "s", "a", "sas", "sarl", "bv", "nv",
    "srl", "spa", "kk", "oy", "ab", "as", "tbk", "jsc", "group", "holding", "holdings", "international", "intl",
})
_WORD_RE = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=32_768)
def company_keys(raw: str) -> tuple[str, str, str]:
    """(normalised name, core name, blocking key) of a company name; empty strings for no name."""
    if not raw or not raw.strip():
        return "", "", ""
    normalized = normalize_company_name(raw)
    if has_cjk(normalized):
        # Ordinals as digits, so 第十一医院 and 第11医院 share a core and a block.
        core = numbers_as_digits(core_of(normalized))
        block = core[:3]
    else:
        text = unicodedata.normalize("NFKC", raw).casefold()
        words = [w for w in _WORD_RE.findall(text) if w not in _EN_NOISE]
        core = "".join(words) or normalized
        # Blocks of the leading letters of the first three words: "Pacific Global Logistics" and
        # "PACIFIC-GLOBAL LOGISTICS PTE LTD" share "paciglolo", other Pacific companies mostly do not.
        block = "".join(w[:n] for w, n in zip(words, (4, 3, 2), strict=False)) or core[:5]
    return normalized, core, block


# --- numbers and ordinals ----------------------------------------------------------------------------
# 第11妇幼保健院 and 第12妇幼保健院, 一中 and 二中, 1号 and 2号 differ by one character and are
# different customers. The numbers a name carries (as integers, in order) must agree for two names
# to name the same company.
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL = "零〇一二三四五六七八九十百千两"
# Arabic digits anywhere; Chinese numerals after 第 or before a word that makes them an ordinal
# (一中, 二小, 三号, 四院, 五分公司, 六厂 …), so that brands such as 一汽 or 三一重工 keep their words.
_NUMBER_RE = re.compile(
    rf"[0-9]+|第([{_CN_NUMERAL}]+)|([{_CN_NUMERAL}]+)(?=中|小|号|院|医|分|厂|局|队|所|师|团|校|营|连|研|附|处|站|场|矿|支)"
)
_HAS_NUMBER = re.compile(rf"[0-9{_CN_NUMERAL}]")


def _cn_number(text: str) -> int:
    if not any(ch in _CN_UNITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))  # 七一二 → 712
    total = current = 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


@lru_cache(maxsize=65_536)
def name_numbers(normalized: str) -> tuple[int, ...]:
    """The numbers and ordinals a normalised name carries, in order: 第十一人民医院 → (11,), No. 3 → (3,)."""
    if not _HAS_NUMBER.search(normalized):
        return ()
    found = []
    for m in _NUMBER_RE.finditer(normalized):
        text = m.group(1) or m.group(2)
        found.append(_cn_number(text) if text else int(m.group(0)))
    return tuple(found)


@lru_cache(maxsize=65_536)
def numbers_as_digits(text: str) -> str:
    """The name with its ordinals in Chinese numerals written as digits (第十一医院 → 第11医院), to compare."""
    if not _HAS_NUMBER.search(text):
        return text
    def digits(m: re.Match[str]) -> str:
        numeral = m.group(1) or m.group(2)
        return m.group(0).replace(numeral, str(_cn_number(numeral))) if numeral else m.group(0)
    return _NUMBER_RE.sub(digits, text)


def searchable_fragment(core: str) -> str:
    """The longest part of a core a stored name contains however its ordinal is written (第11医院 → 医院)."""
    if not _HAS_NUMBER.search(core):
        return core
    pieces = [p for p in re.split(rf"第?[0-9{_CN_NUMERAL}]+", core) if p]
    return max(pieces, key=len) if pieces else core
