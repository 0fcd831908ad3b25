"""Helpers shared by the lead pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def url_of(name: str, *args: Any) -> str:
    return reverse(name, args=args)
