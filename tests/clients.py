"""Test clients as a user works: signed in, reading the pages in Chinese."""

from __future__ import annotations

from typing import Any

from django.test import Client


def zh_client(user: Any) -> Client:
    """A browser-like client of ``user`` that asks for Simplified Chinese (header and language cookie)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(user)
    return client
