"""The fast normalisers of the batch path give exactly the core normalisers' answers."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.lead_data import generate
from m2c.core.normalize import normalize_company_name
from m2c.leads import normalize as norm

NAME_PARTS = ["上海", "华信", "燃气", "有限公司", "股份有限公司", "集团", "（上海）", "(", ")", " ", "　", "Co., Ltd.", "CO LTD",
              "Pte. Ltd.", "GmbH & Co. KG", "The", "the ", "Ａｂｃ", "S.A.", "l.l.c.", "·", "—", "’s", "𝔄", "\u00a0", "-", "中国"]


def test_the_fast_company_name_agrees_on_generated_names():
    names = [row.cells[0] for row in generate(5000, seed=11)]
    assert [norm.company_name(n) for n in names] == [normalize_company_name(n) for n in names]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(NAME_PARTS), max_size=8).map("".join) | st.text(max_size=30))
def test_the_fast_company_name_agrees_with_the_core_normaliser(raw):
    assert norm.company_name(raw) == normalize_company_name(raw)


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
