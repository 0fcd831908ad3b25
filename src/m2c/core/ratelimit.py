"""Fixed-window rate limits in the shared cache (Redis in a cluster), so every app server agrees."""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on ``key``; False once more than ``limit`` hits fall in the current window."""
    return hit(key, window=window) <= limit


def _bucket(key: str, window: int) -> str:
    return f"rl:{key}:{int(time.time() // window)}"


def count(key: str, *, window: int) -> int:
    """Hits on ``key`` in the current window, without counting one."""
    return int(cache.get(_bucket(key, window)) or 0)


def hit(key: str, *, window: int) -> int:
    """Count one hit on ``key``; returns the hits in the current window."""
    bucket = _bucket(key, window)
    if cache.add(bucket, 1, timeout=window + 1):
        return 1
    try:
        return int(cache.incr(bucket))
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window + 1)
        return 1


def reset(key: str, *, window: int) -> None:
    cache.delete(_bucket(key, window))
