import pytest
from hypothesis import given
from hypothesis import strategies as st

from m2c.core.errors import ValidationFailed
from m2c.core.normalize import (
    CREDIT_CODE_CHARSET,
    company_email_domain,
    credit_code_check_char,
    normalize_company_name,
    normalize_credit_code,
    normalize_email,
    normalize_phone,
)

# (variant as typed in the wild, expected key)
NAME_VARIANTS = [
    ("华为技术有限公司", "华为技术"),
    ("华为技术 有限公司", "华为技术"),
    ("华为技术（有限公司）", "华为技术"),
    ("华为技术股份有限公司", "华为技术"),
    ("华为技术有限责任公司", "华为技术"),
    ("上海东方钢铁集团有限公司", "上海东方钢铁"),
    ("上海东方钢铁集团", "上海东方钢铁"),
    ("腾讯科技（深圳）有限公司", "腾讯科技深圳"),
    ("腾讯科技(深圳)有限公司", "腾讯科技深圳"),
    ("ＡＢＣ智能科技有限公司", "abc智能科技"),
    ("abc 智能科技有限公司", "abc智能科技"),
    ("Acme Widgets Co., Ltd.", "acmewidgets"),
    ("ACME WIDGETS CO LTD", "acmewidgets"),
    ("Acme Widgets Company Limited", "acmewidgets"),
    ("Acme-Widgets, Inc.", "acmewidgets"),
    ("The Acme Widgets Corporation", "acmewidgets"),
    ("Acme Widgets LLC", "acmewidgets"),
    ("Acme Widgets L.L.C.", "acmewidgets"),
    ("Ａｃｍｅ　Ｗｉｄｇｅｔｓ　Ｉｎｃ．", "acmewidgets"),
    ("Rhein Precision Works GmbH", "rheinprecisionworks"),
    ("Rhein Precision Works GmbH & Co. KG", "rheinprecisionworks"),
    ("Lion City Logistics Pte. Ltd.", "lioncitylogistics"),
    ("Alibaba Group Holding Limited", "alibaba"),
    ("北京·中关村科技发展股份有限公司", "北京中关村科技发展"),
    ("《申江大学》", "申江大学"),
    ("有限公司", "有限公司"),
    ("Co., Ltd.", "coltd"),
]


@pytest.mark.parametrize(("raw", "expected"), NAME_VARIANTS)
def test_company_name_variants_share_one_key(raw, expected):
    assert normalize_company_name(raw) == expected


def test_branches_stay_distinct_from_the_head_office():
    assert normalize_company_name("华为技术有限公司上海分公司") != normalize_company_name("华为技术有限公司")


def test_empty_names_normalise_to_empty():
    assert normalize_company_name("") == ""
    assert normalize_company_name(None) == ""


@pytest.mark.parametrize("code", ["914403001922038216", "9144030071526726XG", "91350100M000100Y43", "91110000710935732K"])
def test_real_credit_codes_are_accepted(code):
    assert normalize_credit_code(code) == code


def test_credit_code_is_cleaned_before_checking():
    assert normalize_credit_code(" 9144 0300 1922 0382 16 ") == "914403001922038216"
    assert normalize_credit_code("9144030071526726xg") == "9144030071526726XG"
    assert normalize_credit_code("９１４４０３００１９２２０３８２１６") == "914403001922038216"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91440300192203821", "18 characters"),
        ("914403001922038217", "check character"),
        ("91440300192203821I", "cannot contain I"),
        ("91AB0300192203821X", "region code"),
    ],
)
def test_bad_credit_codes_say_why(code, reason):
    with pytest.raises(ValidationFailed) as exc:
        normalize_credit_code(code)
    assert exc.value.field == "credit_code"
    assert reason in exc.value.detail


body = st.text(alphabet=CREDIT_CODE_CHARSET, min_size=17, max_size=17).filter(lambda s: s[2:8].isdigit())


@given(body)
def test_the_computed_check_character_always_validates(first17):
    code = first17 + credit_code_check_char(first17)
    assert normalize_credit_code(code) == code


@given(body, st.integers(min_value=0, max_value=17), st.sampled_from(CREDIT_CODE_CHARSET))
def test_any_single_character_change_is_detected(first17, position, replacement):
    code = first17 + credit_code_check_char(first17)
    mutated = code[:position] + replacement + code[position + 1 :]
    if mutated == code or not mutated[2:8].isdigit():
        return
    with pytest.raises(ValidationFailed):
        normalize_credit_code(mutated)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("0086 13800138000", "+8613800138000"),
        ("021-6123 4567", "+862161234567"),
        ("+65 6123 4567", "+6561234567"),
        ("１３８００１３８０００", "+8613800138000"),
    ],
)
def test_phones_become_e164(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "not a phone", "+86 1380013800099"])
def test_bad_phones_name_the_field(raw):
    with pytest.raises(ValidationFailed) as exc:
        normalize_phone(raw)
    assert exc.value.field == "phone"


def test_emails_are_lower_cased_and_checked():
    assert normalize_email("  Li.Wei@Example.COM ") == "li.wei@example.com"
    with pytest.raises(ValidationFailed):
        normalize_email("li.wei@")


def test_free_mail_domains_never_identify_a_company():
    assert company_email_domain("zhangsan@qq.com") == ""
    assert company_email_domain("lisi@163.com") == ""
    assert company_email_domain("a@gmail.com") == ""
    assert company_email_domain("cio@shenjiang-univ.edu.cn") == "shenjiang-univ.edu.cn"


@given(st.text(alphabet=st.characters(max_codepoint=0xFFFF), max_size=40))
def test_the_punctuation_pattern_is_the_unicode_category_rule(text):
    """The one-pattern fast path of company names strips exactly what the per-character rule strips."""
    from m2c.core.normalize import _bmp_punctuation, _strip_punctuation

    assert _bmp_punctuation().sub(" ", text) == _strip_punctuation(text)

