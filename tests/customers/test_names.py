"""The fast paths of the one normaliser layer give exactly the full checks' answers; company-name cores."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from m2c.core.errors import ValidationFailed
from m2c.core.normalize import _parse_phone, _validate_email, normalize_email, normalize_phone
from m2c.customers import names as norm


def _core_by_regex(normalized: str) -> str:
    stripped = norm._LEADING_PLACE_RE.sub("", normalized, count=1)
    return norm._TRAILING_PLACE_RE.sub("", stripped, count=1) or normalized


def test_the_core_name_drops_the_place_at_the_start_and_at_the_end():
    assert norm.core_of("上海华信燃气") == "华信燃气"
    assert norm.core_of("华信燃气上海") == "华信燃气"
    assert norm.core_of("呼和浩特明德燃气") == "明德燃气"
    assert norm.core_of("中国上海泰安燃气") == "泰安燃气"  # 泰安 inside a name is its brand
    assert norm.core_of("中山大学") == "中山大学"  # an ambiguous city only with its suffix
    assert norm.core_of("中山市华信科技") == "华信科技"
    assert norm.core_of("上海") == "上海"


def test_the_core_name_agrees_with_its_regular_expressions():
    rng = random.Random(5)
    parts = [*norm.PLACES, *norm.AMBIGUOUS_CITIES, "市", "省", "自治区", "特别行政区", "华信", "燃", "气", "南", "京", "中", "国"]
    for _ in range(20_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randrange(6)))
        assert norm.core_of(text) == _core_by_regex(text), text


def _outcome(function, raw):
    try:
        return function(raw)
    except ValidationFailed as exc:
        return ("error", exc.detail)


EMAIL_SAMPLES = ["a@b.cn", "A.B@Example.COM", "mailto:x@y.org", "x@localhost", "x@[1.2.3.4]", "x@xn--p1ai.xn--p1ai",
                 "a..b@c.de", ".a@b.cd", "a@-b.cd", "a@b-.cd", "a@b.c", "a@b.c-d", "a@b.-cd", " a@b.cd ", "a@b.cd.",
                 "a@b..cd", "x" * 65 + "@b.cd", "a@" + "b" * 64 + ".cd", "a@b.c0m", "a@1.23", "ñ@b.cd", "a@bé.cd",
                 "a@b.cd\n", "someone@", "ｚｓ@ｈｕａｘｉｎ.com", '"quoted"@b.cd', "a@b@c.de", "x" * 310 + "@bb.cd"]


@pytest.mark.parametrize("raw", EMAIL_SAMPLES)
def test_the_fast_email_path_agrees_with_the_core_normaliser(raw):
    assert _outcome(normalize_email, raw) == _outcome(_validate_email, raw)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="abcXYZ09.-_+@ !#$%&'*/=?^`{|}~\"[]:;,()<>\\é中ｍ\t", max_size=16))
def test_random_addresses_get_the_core_normalisers_answer(raw):
    assert _outcome(normalize_email, raw) == _outcome(_validate_email, raw)


@settings(max_examples=1000, deadline=None)
@given(st.from_regex(r"\A(\+86|0086)?1[0-9]{10}\Z"))
def test_random_chinese_mobile_numbers_get_the_core_normalisers_answer(raw):
    assert _outcome(normalize_phone, raw) == _outcome(_parse_phone, raw)
