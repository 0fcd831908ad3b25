"""Fixtures for the contracts tests: University A's deal of S7 won on a two-site quote (North 60%, South 40%).

The chain is built once per module when the module's tests allow it (see tests/shared_data.py)."""

from __future__ import annotations

from tests.shared_data import (  # noqa: F401 - fixtures and helpers the contracts tests use
    M,
    _s7_fresh,
    _s7_module,
    deal,
    lines,
    org,
    planned,
    pytest_runtest_teardown,
    rates,
    s7_days_ago,
    signed,
    to_o4_two_sites,
    two_site_quote,
    users,
    win,
    won,
)
