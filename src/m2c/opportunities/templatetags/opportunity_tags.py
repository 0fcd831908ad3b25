"""Template filters for deals: levels, badges, and the shared money filters (full, or 万/亿 and M/B compact)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from m2c.web.templatetags import m2c_format

from ..states import DecisionLevel, Stage

register = template.Library()

STAGE_COLOURS = {
    Stage.O1_VALIDATE: "secondary", Stage.O2_SHAPE: "info", Stage.O3_BID: "primary", Stage.O4_NEGOTIATE: "warning",
    Stage.WON: "success", Stage.LOST: "danger", Stage.ABANDONED: "dark", Stage.ON_HOLD: "light",
}
DECISION_COLOURS = {"GO": "success", "GO_WITH_CONDITIONS": "info", "HOLD": "warning", "NO_GO": "danger"}


# Money, compact amounts and percentages are the app's shared filters (m2c.web.templatetags.m2c_format),
# registered here too so templates that load only this library format them the same way.
register.filter("money", m2c_format.money)
register.filter("compact", m2c_format.compact)
register.filter("pct", m2c_format.percent)


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
