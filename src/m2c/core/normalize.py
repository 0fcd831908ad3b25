"""Normalisers shared by customers, leads and partners: company names, credit codes, phones, emails.

One rule set for every channel: whatever a web form, an import or a partner sends, the same company
gets the same normalised name and the same phone the same E.164 string.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .errors import ValidationFailed

# --- company names --------------------------------------------------------------------------------

# Chinese legal forms, longest first so 股份有限公司 is removed whole rather than as 有限公司.
_CN_LEGAL_FORMS = sorted(
    [
        "集团股份有限公司",
        "集团有限责任公司",
        "集团有限公司",
        "股份有限公司",
        "有限责任公司",
        "股份合作公司",
        "有限合伙企业",
        "普通合伙企业",
        "合伙企业",
        "有限公司",
        "股份公司",
        "集团公司",
        "总公司",
        "公司",
        "集团",
    ],
    key=len,
    reverse=True,
)

_CN_LEGAL_FORM_SET = frozenset(_CN_LEGAL_FORMS)

# English and European legal forms as token sequences (after punctuation became spaces).
_EN_LEGAL_FORMS = sorted(
    [
        ("co", "ltd"),
        ("co", "limited"),
        ("company", "limited"),
        ("company", "ltd"),
        ("pte", "ltd"),
        ("pty", "ltd"),
        ("pvt", "ltd"),
        ("private", "limited"),
        ("l", "l", "c"),
        ("l", "t", "d"),
        ("s", "a"),
        ("b", "v"),
        ("n", "v"),
        ("s", "r", "l"),
        ("s", "p", "a"),
        ("a", "g"),
        ("co", "kg"),
        ("gmbh", "co", "kg"),
        ("ltd",),
        ("limited",),
        ("inc",),
        ("incorporated",),
        ("corp",),
        ("corporation",),
        ("llc",),
        ("llp",),
        ("plc",),
        ("gmbh",),
        ("ag",),
        ("sa",),
        ("sas",),
        ("sarl",),
        ("bv",),
        ("nv",),
        ("srl",),
        ("spa",),
        ("kk",),
        ("oy",),
        ("ab",),
        ("as",),
        ("co",),
        ("company",),
        ("group",),
        ("holdings",),
        ("holding",),
    ],
    key=len,
    reverse=True,
)

_EN_LEGAL_FORM_SET = frozenset(_EN_LEGAL_FORMS)

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _strip_punctuation(text: str) -> str:
    # Every Unicode punctuation or symbol becomes a space, so "Co.,Ltd." splits into tokens.
    return "".join(" " if unicodedata.category(ch)[0] in "PSZ" else ch for ch in text)


@functools.cache
def _bmp_punctuation() -> re.Pattern[str]:
    """The same rule as :func:`_strip_punctuation` for the Basic Multilingual Plane, as one pattern.

    Built on first use (a pass over 65,536 code points), not at import. Looking up the category of
    every character in Python cost more than the rest of the normaliser; an import of a million
    company names cannot afford that.
    """
    return re.compile(
        "[" + "".join(re.escape(chr(cp)) for cp in range(0x10000) if unicodedata.category(chr(cp))[0] in "PSZ") + "]"
    )


# English legal forms by their last token: a name is checked only against the forms it could end with.
_EN_LEGAL_FORMS_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
for _form in _EN_LEGAL_FORMS:
    _EN_LEGAL_FORMS_BY_LAST.setdefault(_form[-1], []).append(_form)
_CN_LEGAL_FORM_TUPLE = tuple(_CN_LEGAL_FORMS)


# Bracketed qualifiers that name the company itself, not a part of it that is registered on its own:
# 华信科技有限公司（总部）is 华信科技有限公司. Brackets of either width (NFKC folds （） to ()), 【】 and 〔〕.
# A bracketed branch or place (（上海分公司）, （北京）) is not here: it stays in the key.
_CN_SELF_QUALIFIERS = ("总部", "集团总部", "公司总部", "本部", "总公司", "集团")
_SELF_QUALIFIER_RE = re.compile(
    r"[(\[【〔]\s*(?:" + "|".join(_CN_SELF_QUALIFIERS) + r")\s*[)\]】〕]"
)
# 总部/本部 written without brackets after a legal form (华信科技有限公司总部): removed with the form.
_CN_HEAD_OFFICE_TAILS = ("总部", "本部")


def normalize_company_name(raw: str | None) -> str:
    """A comparison key for a company name: same company, same key.

    NFKC folds full-width letters, digits and brackets; case is folded; bracketed qualifiers that name
    the company itself (（总部）, （集团总部）, （本部）, （集团）) go; punctuation and spaces go;
    English legal forms (Co., Ltd., Inc., LLC, GmbH …) and Chinese ones (有限公司, 有限责任公司,
    股份有限公司, 集团 …) are removed from the end, with a 总部 or 本部 that follows one. The result is
    never empty for a non-empty name.
    """
    if not raw:
        return ""
    text = unicodedata.normalize("NFKC", str(raw)).casefold()
    if "部" in text or "集团" in text or "总公司" in text:
        stripped = _SELF_QUALIFIER_RE.sub(" ", text)
        if stripped.strip():
            text = stripped
    if text and max(text) > "\uffff":
        tokens = _strip_punctuation(text).split()
    else:
        tokens = _bmp_punctuation().sub(" ", text).split()
    if tokens and tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    changed = tuple(tokens) not in _EN_LEGAL_FORM_SET  # a bare "Co., Ltd." stays what it is
    while changed and len(tokens) > 1:
        changed = False
        for form in _EN_LEGAL_FORMS_BY_LAST.get(tokens[-1], ()):  # longest first, as in _EN_LEGAL_FORMS
            n = len(form)
            if len(tokens) > n and tuple(tokens[-n:]) == form:
                tokens = tokens[:-n]
                changed = True
                break
    joined = "".join(tokens)
    if joined.endswith(_CN_HEAD_OFFICE_TAILS) and joined[:-2].endswith(_CN_LEGAL_FORM_TUPLE):
        joined = joined[:-2]
    # A bare "有限公司" stays what it is.
    changed = joined.endswith(_CN_LEGAL_FORM_TUPLE) and joined not in _CN_LEGAL_FORM_SET
    while changed:
        changed = False
        for form in _CN_LEGAL_FORMS:
            if joined.endswith(form) and len(joined) > len(form) + 1:
                joined = joined[: -len(form)]
                changed = True
                break
    return joined or "".join(tokens)


def normalize_search_fragment(raw: str | None) -> str:
    """Normalise a search fragment like a name, but without removing legal forms."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFKC", str(raw)).casefold()
    return "".join(_strip_punctuation(text).split())


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


# --- unified social credit code (统一社会信用代码, GB 32100-2015) -----------------------------------

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a credit code computed from the first 17."""
    total = sum(CREDIT_CODE_CHARSET.index(ch) * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(raw: str | None, *, field: str = "credit_code") -> str:
    """Validate a unified social credit code and return it upper-cased; '' for an empty value."""
    if raw is None:
        return ""
    code = unicodedata.normalize("NFKC", str(raw)).strip().upper().replace(" ", "").replace("-", "")
    if not code:
        return ""
    if len(code) != 18:
        raise ValidationFailed(
            _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)},
            field=field,
            code="credit_code_invalid",
        )
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationFailed(
            _("A unified social credit code cannot contain %(chars)s.") % {"chars": ", ".join(bad)},
            field=field,
            code="credit_code_invalid",
        )
    if not code[2:8].isdigit():
        raise ValidationFailed(
            _("Characters 3 to 8 of a credit code are the region code and must be digits."),
            field=field,
            code="credit_code_invalid",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationFailed(
            _("The check character of this credit code is wrong (expected %(c)s).") % {"c": expected},
            field=field,
            code="credit_code_invalid",
        )
    return code


# --- phones and emails ----------------------------------------------------------------------------

DEFAULT_PHONE_REGION = "CN"


_PHONE_JUNK = str.maketrans("", "", " -()（）.　")
_CN_NUMBER = re.compile(r"^(?:\+86|0086)?(1[0-9]{10})$")


@functools.cache
def _cn_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The very patterns phonenumbers checks for a Chinese number, as two compiled expressions.

    ``is_valid_number`` is "the general description matches and some number type matches"; the
    second pattern is one alternation of every type's pattern, so its fullmatch is "some type matches".
    """
    meta = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    types = [getattr(meta, name, None) for name in ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number",
                                                     "pager", "uan", "voicemail", "fixed_line", "mobile")]
    some_type = "|".join(f"(?:{d.national_number_pattern})" for d in reversed(types)
                         if d is not None and d.national_number_pattern)
    return re.compile(f"(?:{meta.general_desc.national_number_pattern})"), re.compile(f"(?:{some_type})")


def normalize_phone(raw: str | None, *, region: str = DEFAULT_PHONE_REGION, field: str = "phone") -> str:
    """A phone number as E.164 (+8613800138000); '' for an empty value.

    Chinese 11-digit numbers (an import may bring a million) skip the parser: phonenumbers' own
    metadata patterns are checked directly, about fifty times faster, with the parser's answer (a
    test holds the two paths together). Every other number goes through ``phonenumbers``.
    """
    if raw is None:
        return ""
    if region == "CN" and type(raw) is str and raw.isascii():
        m = _CN_NUMBER.match(raw.strip().translate(_PHONE_JUNK))
        if m:
            digits = m.group(1)
            general, some_type = _cn_patterns()
            if general.fullmatch(digits) and some_type.fullmatch(digits):
                return "+86" + digits
    return _parse_phone(raw, region=region, field=field)


def _parse_phone(raw: str | None, *, region: str = DEFAULT_PHONE_REGION, field: str = "phone") -> str:
    """The full parse behind :func:`normalize_phone` (every number its fast path does not settle)."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region or DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationFailed(
            _("“%(value)s” is not a phone number.") % {"value": text[:40]}, field=field, code="phone_invalid"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed(
            _("“%(value)s” is not a valid phone number.") % {"value": text[:40]}, field=field, code="phone_invalid"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# Addresses Django's EmailValidator certainly accepts: its dot-atom local part and its domain pattern,
# restricted to lower-case ASCII. Anything else goes through the validator itself.
_ATOM = r"[-!#$%&'*+/=?^_`{}|~0-9a-z]+"
_FAST_EMAIL = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*@[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?(?:\.(?!-)[a-z0-9-]{{1,63}}(?<!-))*\.(?!-)[a-z-]{{2,63}}(?<!-)\Z"
)


def normalize_email(raw: str | None, *, field: str = "email") -> str:
    """An email address in lower case, validated; '' for an empty value.

    Plain ASCII addresses are settled by one regular expression that accepts only what Django's
    validator accepts (a test holds the two together); anything else goes through the validator.
    """
    if raw is None:
        return ""
    if type(raw) is str and raw.isascii():
        text = raw.strip().lower()
        if text.startswith("mailto:"):
            text = text[7:]
        if len(text) <= 320 and _FAST_EMAIL.match(text):
            return text
    return _validate_email(str(raw), field)


@functools.lru_cache(maxsize=4096)
def _validate_email(raw: str, field: str = "email") -> str:
    """The full check behind :func:`normalize_email`."""
    text = unicodedata.normalize("NFKC", raw).strip().lower()
    if not text:
        return ""
    if text.startswith("mailto:"):
        text = text[7:]
    try:
        validate_email(text)
    except DjangoValidationError:
        raise ValidationFailed(
            _("“%(value)s” is not an email address.") % {"value": text[:60]}, field=field, code="email_invalid"
        ) from None
    return text


# Free-mail providers: an address there says nothing about the company.
FREE_MAIL_DOMAINS = frozenset(
    {
        "qq.com", "vip.qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "vip.163.com", "vip.126.com",
        "sina.com", "sina.cn", "sohu.com", "139.com", "189.cn", "wo.cn", "aliyun.com", "tom.com", "21cn.com",
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
        "yahoo.com.cn", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de",
        "mail.com", "aol.com", "yandex.ru", "naver.com",
    }
)


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[1] if "@" in email else ""


def company_email_domain(email: str) -> str:
    """The email's domain when it can identify a company; '' for free-mail providers."""
    if not email:
        return ""
    domain = email_domain(email)
    return "" if domain in FREE_MAIL_DOMAINS else domain


def website_domain(website: str) -> str:
    """The host of a company website without ``www.`` (huawei.com from https://www.huawei.com/cn/)."""
    text = (website or "").strip().lower()
    if not text:
        return ""
    text = text.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return text[4:] if text.startswith("www.") else text


# --- spreadsheet cells ------------------------------------------------------------------------------


def neutralise_cell(value: object) -> str:
    """A cell safe to open in a spreadsheet: text that starts a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text
