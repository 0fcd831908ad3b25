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

# Province-level divisions and the larger cities: dropped from a name to find its core, so that
# 上海华信燃气, 华信燃气（上海）and 华信燃气 share one blocking key. Longest first.
PLACES = sorted(
    {
        "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
        "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
        "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "深圳", "广州", "杭州", "南京", "苏州",
        "成都", "武汉", "西安", "厦门", "青岛", "大连", "宁波", "无锡", "长沙", "郑州", "济南", "沈阳", "合肥",
        "福州", "昆明", "哈尔滨", "长春", "石家庄", "太原", "南昌", "南宁", "贵阳", "兰州", "东莞", "佛山",
        "珠海", "温州", "常州", "烟台", "中国",
    },
    key=len,
    reverse=True,
)
_PLACE_SUFFIXES = ("省", "市", "自治区", "特别行政区")
_PLACE_RE = re.compile(
    "(?:" + "|".join(re.escape(p) for p in PLACES) + ")(?:" + "|".join(_PLACE_SUFFIXES) + ")?"
)
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
        core = _PLACE_RE.sub("", normalized) or normalized
        block = core[:3]
    else:
        text = unicodedata.normalize("NFKC", raw).casefold()
        words = [w for w in _WORD_RE.findall(text) if w not in _EN_NOISE]
        core = "".join(words) or normalized
        # Blocks of the leading letters of the first three words: "Pacific Global Logistics" and
        # "PACIFIC-GLOBAL LOGISTICS PTE LTD" share "paciglolo", other Pacific companies mostly do not.
        block = "".join(w[:n] for w, n in zip(words, (4, 3, 2), strict=False)) or core[:5]
    return normalized, core, block


@lru_cache(maxsize=32_768)
def email(raw: str) -> str:
    return normalize_email(raw)


def email_company_domain(address: str) -> str:
    return company_email_domain(address) if address else ""


_PHONE_JUNK = str.maketrans("", "", " -()（）.　")
_CN_NUMBER = re.compile(r"^(?:\+86|0086)?(1\d{10})$")


def _cn_patterns() -> tuple[re.Pattern, list[re.Pattern]]:
    # The very patterns phonenumbers checks for a Chinese number: the general description first,
    # then each number type (is_valid_number is "general matches and some type matches").
    import phonenumbers

    meta = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    types = [getattr(meta, name, None) for name in ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number",
                                                     "pager", "uan", "voicemail", "fixed_line", "mobile")]
    compiled = [re.compile(f"(?:{d.national_number_pattern})") for d in types if d is not None and d.national_number_pattern]
    return re.compile(f"(?:{meta.general_desc.national_number_pattern})"), compiled


_CN_GENERAL, _CN_TYPES = _cn_patterns()


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
            # Validity depends on the leading digits; the cache key keeps the tail short enough to hit.
            if _CN_GENERAL.fullmatch(digits) and any(p.fullmatch(digits) for p in _CN_TYPES):
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
