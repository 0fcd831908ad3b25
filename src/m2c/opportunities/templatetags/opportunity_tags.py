"""Template filters for deals: money in full or compact (万/亿 in Chinese, M/B in English), levels, badges."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..states import DecisionLevel, Stage

register = template.Library()

STAGE_COLOURS = {
    Stage.O1_VALIDATE: "secondary", Stage.O2_SHAPE: "info", Stage.O3_BID: "primary", Stage.O4_NEGOTIATE: "warning",
    Stage.WON: "success", Stage.LOST: "danger", Stage.ABANDONED: "dark", Stage.ON_HOLD: "light",
}
DECISION_COLOURS = {"GO": "success", "GO_WITH_CONDITIONS": "info", "HOLD": "warning", "NO_GO": "danger"}


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def money(value: Any, currency: str = "") -> str:
    """12345.6 → "12,345.60 CNY"."""
    number = _decimal(value)
    if number is None:
        return "—"
    text = f"{number.quantize(Decimal('0.01')):,}"
    return f"{text} {currency}".strip()


@register.filter
def compact(value: Any, currency: str = "") -> str:
    """A short amount for cards and charts: 1000万 / 1.2亿 in Chinese, 10.0M / 1.2B in English."""
    number = _decimal(value)
    if number is None:
        return "—"
    chinese = (get_language() or "").startswith("zh")
    sign = "-" if number < 0 else ""
    number = abs(number)
    if chinese:
        if number >= Decimal(10) ** 8:
            text = f"{(number / Decimal(10) ** 8):.2f}".rstrip("0").rstrip(".") + "亿"
        elif number >= Decimal(10) ** 4:
            text = f"{(number / Decimal(10) ** 4):.1f}".rstrip("0").rstrip(".") + "万"
        else:
            text = f"{number:.0f}"
    else:
        if number >= Decimal(10) ** 9:
            text = f"{(number / Decimal(10) ** 9):.2f}".rstrip("0").rstrip(".") + "B"
        elif number >= Decimal(10) ** 6:
            text = f"{(number / Decimal(10) ** 6):.2f}".rstrip("0").rstrip(".") + "M"
        elif number >= Decimal(10) ** 3:
            text = f"{(number / Decimal(10) ** 3):.1f}".rstrip("0").rstrip(".") + "k"
        else:
            text = f"{number:.0f}"
    return f"{sign}{text} {currency}".strip()


@register.filter
def pct(value: Any) -> str:
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{number.quantize(Decimal('0.1')).normalize():f}%"


@register.filter
def stage_colour(stage: str) -> str:
    return STAGE_COLOURS.get(stage, "secondary")


@register.filter
def decision_colour(decision: str) -> str:
    return DECISION_COLOURS.get(decision, "secondary")


@register.filter
def level_label(level: str) -> str:
    if level in DecisionLevel.values:
        return str(DecisionLevel(level).label)
    return level or "—"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def gate_of(stage: str) -> str:
    return {Stage.O1_VALIDATE: "ATI", Stage.O3_BID: "ATB", Stage.O4_NEGOTIATE: "ATC"}.get(stage, "")


@register.filter
def yes_no(value: Any) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


@register.filter
def deviation_label(value: str) -> str:
    from ..models import PaymentTermDeviation

    return str(PaymentTermDeviation(value).label) if value in PaymentTermDeviation.values else value


@register.filter
def role_label(value: str) -> str:
    from m2c.core.models import Role

    return str(Role(value).label) if value in Role.values else value
