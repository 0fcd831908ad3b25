"""Reasons kept on records (an accrual's blockers, a claim line's eligibility): stored as the source message
and its values, shown in the reader's language whenever read."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def reason(code: str, msg: str, **params: Any) -> dict[str, Any]:
    """``msg`` is marked with ``gettext_noop`` by the caller; params are stored as text."""
    return {"code": code, "msg": msg, "params": {k: str(v) for k, v in params.items()}}


def reason_text(item: dict[str, Any]) -> str:
    msg = item.get("msg")
    if not msg:
        return str(item.get("text", ""))
    params = item.get("params") or {}
    translated = _(msg)
    return translated % params if params else translated


def reason_texts(items: list[dict[str, Any]] | None) -> list[str]:
    return [reason_text(i) for i in items or []]
