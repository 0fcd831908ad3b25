"""Lead-side normalisation on top of ``m2c.core.normalize``, tuned for imports of a million rows.

The core normalisers are the rule; these wrappers only make them cheap to call again and again:
company names and emails are memoised, and Chinese mobile numbers take a fast path whose validity is
decided once per 7-digit prefix by the core phone normaliser itself (``phonenumbers``), so the result
is always the one ``normalize_phone`` gives.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from m2c.core.normalize import (
    company_email_domain,
    has_cjk,
    normalize_company_name,
    normalize_credit_code,
    normalize_email,
    normalize_phone,
)

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
        core = core_of(normalized)
        block = core[:3]
    else:
        text = unicodedata.normalize("NFKC", raw).casefold()
        words = [w for w in _WORD_RE.findall(text) if w not in _EN_NOISE]
        core = "".join(words) or normalized
        # Blocks of the leading letters of the first three words: "Pacific Global Logistics" and
        # "PACIFIC-GLOBAL LOGISTICS PTE LTD" share "paciglolo", other Pacific companies mostly do not.
        block = "".join(w[:n] for w, n in zip(words, (4, 3, 2), strict=False)) or core[:5]
    return normalized, core, block


# Addresses Django's EmailValidator certainly accepts: its dot-atom local part and its domain pattern,
# restricted to lower-case ASCII. Anything else goes through the core normaliser.
_ATOM = r"[-!#$%&'*+/=?^_`{}|~0-9a-z]+"
_FAST_EMAIL = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*@[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?(?:\.(?!-)[a-z0-9-]{{1,63}}(?<!-))*\.(?!-)[a-z-]{{2,63}}(?<!-)\Z"
)


def email(raw: str) -> str:
    """``normalize_email(raw)``: plain ASCII addresses are checked with one regular expression."""
    if raw.isascii():
        text = raw.strip().lower()
        if text.startswith("mailto:"):
            text = text[7:]
        if len(text) <= 320 and _FAST_EMAIL.match(text):
            return text
    return _email(raw)


@lru_cache(maxsize=4096)
def _email(raw: str) -> str:
    return normalize_email(raw)


def email_company_domain(address: str) -> str:
    return company_email_domain(address) if address else ""


_PHONE_JUNK = str.maketrans("", "", " -()（）.　")
_CN_NUMBER = re.compile(r"^(?:\+86|0086)?(1\d{10})$")


def _cn_patterns() -> tuple[re.Pattern, re.Pattern]:
    # The very patterns phonenumbers checks for a Chinese number: the general description first,
    # then each number type (is_valid_number is "general matches and some type matches").
    import phonenumbers

    meta = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    types = [getattr(meta, name, None) for name in ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number",
                                                     "pager", "uan", "voicemail", "fixed_line", "mobile")]
    # One alternation of every type's pattern: fullmatch of it is "some type matches".
    some_type = "|".join(f"(?:{d.national_number_pattern})" for d in reversed(types)
                         if d is not None and d.national_number_pattern)
    return re.compile(f"(?:{meta.general_desc.national_number_pattern})"), re.compile(f"(?:{some_type})")


_CN_GENERAL, _CN_TYPE = _cn_patterns()


def phone(raw: str, *, region: str = "CN", field: str = "contact_phone") -> str:
    """E.164, exactly as ``m2c.core.normalize.normalize_phone`` gives it (a test holds the two together).

    Chinese 11-digit numbers skip the parser: the metadata patterns are checked directly, which is
    about fifty times faster; every other number goes through the core normaliser.
    """
    if not raw:
        return ""
    if region == "CN":
        m = _CN_NUMBER.match(raw.translate(_PHONE_JUNK))
        if m:
            digits = m.group(1)
            if _CN_GENERAL.fullmatch(digits) and _CN_TYPE.fullmatch(digits):
                return "+86" + digits
    return normalize_phone(raw, region=region, field=field)


def credit_code(raw: str) -> str:
    return normalize_credit_code(raw) if raw else ""


def neutralise_cell(value: object) -> str:
    """A cell safe to open in a spreadsheet: text that starts a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text
