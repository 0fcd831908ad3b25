"""Demo territories: which region covers each province and which customer group each industry.

Data, loaded with the demo org layout (``m2c.demo.load_reference``); a real installation keeps its
own map in the admin.
"""

from __future__ import annotations

from m2c.core.models import OrgUnit
from m2c.demo import INDUSTRY_GROUP  # the demo customers use the same map

from .models import Territory

PROVINCE_REGION = {
    **dict.fromkeys(["上海", "江苏", "浙江", "安徽", "江西", "山东"], "east"),
    **dict.fromkeys(["北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "河南"], "north"),
    **dict.fromkeys(["广东", "广西", "海南", "福建", "湖南", "湖北", "香港", "澳门"], "south"),
    **dict.fromkeys(["四川", "重庆", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆"], "west"),
}


def load_territories() -> int:
    """File every demo province and industry under its demo unit (units that do not exist are skipped)."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={*PROVINCE_REGION.values(), *INDUSTRY_GROUP.values()})}
    created = 0
    for kind, mapping in ((Territory.Kind.PROVINCE, PROVINCE_REGION), (Territory.Kind.INDUSTRY, INDUSTRY_GROUP)):
        for key, code in mapping.items():
            if code in units:
                _territory, new = Territory.objects.get_or_create(kind=kind, key=key, defaults={"org_unit": units[code]})
                created += new
    return created
