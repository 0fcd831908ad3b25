"""University A's S7 contract built once per test module, each test in a savepoint over it.

Every contracts and billing test starts from the same state: University A's deal driven through the O1–O5
gates, its two-site quote approved and the deal won (domain.md S5–S8), in billing also signed 200 days ago
with the 30/60/10 terms planned. Built through the services, that chain costs 0.3–0.45 s of CPU, which the
suite paid once per test. Here it is built once per module, as Django's ``TestCase.setUpTestData`` does:

- ``_s7_module`` (module scope) opens an outer transaction, builds the chain through the same services the
  per-test path uses, and rolls everything back when the module's last test has run;
- pytest-django's ``db`` opens each test's own atomic blocks inside it (savepoints), rolled back after the
  test, so every test starts from the state as built;
- each test gets a deep copy of the built objects (as ``setUpTestData``'s ``TestData`` does), made with one
  memo so that ``deal.ar is users.ar`` as on the per-test path, and the mails the build sent put back into
  the outbox that pytest-django empties before each test.

When the next module in the process's order shares the same state (the same level and signing day), the
outer transaction is left open for it: every test's savepoint has been rolled back, so the database is as
built. Any other next test, or the end of the run, rolls it back first.

A module shares only when every database test in it can: none transactional (a live server, a browser or a
second connection cannot see the open transaction, and a flush inside it would undo the chain), and every
test that asks for the organisation, its users or the deal asks for the chain at one level (``won``, or
``signed``/``planned``). Tests that only ask for ``db`` see the chain's rows and may run beside it. Any other
module builds the chain per test, as before, through the same functions.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

M = Decimal(1_000_000)
TERMS = [
    {"name": "Advance", "percent": "30", "trigger": "SIGNATURE", "scope": "CONTRACT", "payment_days": 30},
    {"name": "PAC", "percent": "60", "trigger": "PAC", "scope": "PER_SITE", "payment_days": 45},
    {"name": "FAC", "percent": "10", "trigger": "FAC", "scope": "CONTRACT", "payment_days": 45},
]

# The levels of the chain, each built on the one before it.
WON, SIGNED, PLANNED = "won", "signed", "planned"
_BASE = {"org", "users", "lines", "deal"}


# --- the chain, through the services ------------------------------------------------------------------


def two_site_quote(opp: Any, deal: Any) -> Any:
    """10.0M net: 6,000 access points for Campus North and 4,000 for Campus South (list 1,000, cost 700)."""
    from m2c.opportunities import services

    q = services.quote_create(opportunity=opp, actor=deal.sr, price_list=deal.price_list)
    services.quote_line_add(quote=q, actor=deal.sr, product=deal.products.ap, quantity="6000", site="北校区 Campus North")
    services.quote_line_add(quote=q, actor=deal.sr, product=deal.products.ap, quantity="4000", site="南校区 Campus South")
    q = services.quote_request_approval(quote=q, actor=deal.sr)
    q.refresh_from_db()
    return q


def to_o4_two_sites(deal: Any, **kwargs: Any) -> tuple[Any, Any]:
    from m2c.opportunities import services
    from m2c.opportunities.states import TeamRole
    from tests.opportunities import flows

    opp = flows.to_o3(deal, **kwargs)
    q = two_site_quote(opp, deal)
    services.team_assign(opportunity=opp, actor=deal.ar, role=TeamRole.FR, user=deal.fr)
    review = flows.submit(opp, "ATB", deal.ar)
    flows.decide(review, deal.sdt_shanghai, "GO", floor_price=Decimal("9400000"))
    services.bid_submit(bid=opp.bids.get(), actor=deal.ar, quote=q)
    return services.opportunity_advance(opportunity=opp, actor=deal.ar), q


def win(deal: Any, **kwargs: Any) -> tuple[Any, Any, Any]:
    from m2c.contracts.models import Contract
    from m2c.opportunities import services
    from tests.opportunities import flows

    opp, q = to_o4_two_sites(deal, **kwargs)
    review = flows.submit(opp, "ATC", deal.ar, answers={"credit_used": "1000000", "retention_pct": "10"})
    flows.decide(review, deal.sdt_east, "GO")
    opp = services.opportunity_win(opportunity=opp, actor=deal.ar)
    return opp, q, Contract.objects.get(opportunity=opp)


def _fixture_body(fixture: Any) -> Any:
    return fixture.__wrapped__  # the function under pytest's fixture wrapper


def build_base() -> SimpleNamespace:
    """The organisation, its users and lines, the exchange rates and University A's deal (the root and the
    opportunities conftests' fixtures, called as functions)."""
    from tests import conftest as root
    from tests.opportunities import conftest as opportunities

    org = _fixture_body(root.org)(None)
    users = _fixture_body(root.users)(org)
    lines = _fixture_body(root.lines)(None)
    _fixture_body(opportunities.rates)(None)
    deal = _fixture_body(opportunities.deal)(org, users, lines, None)
    return SimpleNamespace(org=org, users=users, lines=lines, deal=deal)


def build_won(deal: Any) -> SimpleNamespace:
    opp, quote, contract = win(deal)
    return SimpleNamespace(opp=opp, quote=quote, contract=contract, deal=deal, today=timezone.localdate())


def build_signed(deal: Any, users: Any, days_ago: int) -> SimpleNamespace:
    """The contract won, signed ``days_ago`` days ago (day 0), and a second finance user."""
    from m2c.contracts.models import Contract
    from tests.factories import UserFactory

    _opp, _quote, contract = win(deal)
    day0 = timezone.localdate() - dt.timedelta(days=days_ago)
    Contract.objects.filter(pk=contract.pk).update(signed_on=day0)
    contract.refresh_from_db()
    finance2 = UserFactory(username="fin.wang", roles=["finance"], org_unit=users.finance.org_unit)
    ns = SimpleNamespace(contract=contract, deal=deal, users=users, finance=users.finance, finance2=finance2,
                         day0=day0)
    ns.day = lambda n: day0 + dt.timedelta(days=n)
    return ns


def plan(signed: SimpleNamespace) -> SimpleNamespace:
    from m2c.billing import services

    services.milestone_plan(contract=signed.contract, actor=signed.finance, rows=TERMS)
    return signed


# --- once per module --------------------------------------------------------------------------------


def _transactional(item: Any) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))) or bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


def _level(names: set[str]) -> str | None:
    for level in (PLANNED, SIGNED, WON):
        if level in names:
            return level
    return None


def module_level(module_items: list[Any]) -> str | None:
    """The level to build once for these tests (one module's), or None when they cannot share it."""
    levels = set()
    for item in module_items:
        names = set(getattr(item, "fixturenames", ()))
        uses_db = bool({"db", "transactional_db", "live_server"} & names or item.get_closest_marker("django_db"))
        if not uses_db:
            continue
        if _transactional(item):
            return None
        level = _level(names)
        if level is None:
            if _BASE & names:
                return None  # it wants the organisation or the deal without the contract
            continue  # a plain database test: the chain's rows are there, and it asks nothing of them
        levels.add(level)
    if not levels:
        return None
    if levels == {WON}:
        return WON
    if WON in levels:
        return None  # the won contract as it is and as signed 200 days ago cannot be one state
    return PLANNED if levels == {PLANNED} else SIGNED


class Built:
    """What a module's build left: the objects (copied fresh for each test) and the mails it sent."""

    def __init__(self, level: str, data: SimpleNamespace, outbox: list[Any]) -> None:
        self.level, self._data, self._outbox = level, data, outbox

    def fresh(self) -> SimpleNamespace:
        from django.core import mail

        if hasattr(mail, "outbox"):
            mail.outbox.extend(copy.deepcopy(self._outbox))
        return copy.deepcopy(self._data)


def _rollback(atomics: dict[str, Any]) -> None:
    from django.db import transaction

    for alias, atomic in reversed(atomics.items()):
        transaction.set_rollback(True, using=alias)
        atomic.__exit__(None, None, None)


# The build a module left open for the next one (when the next test's module shares the same state), and the
# test pytest runs after the one being torn down (set by ``pytest_runtest_teardown`` below).
_KEPT: dict[str, Any] = {}
_NEXT: list[Any] = [None]


def _module_items(session: Any, module: Any) -> list[Any]:
    cache = session.__dict__.setdefault("_s7_module_items", {})
    if id(module) not in cache:
        cache[id(module)] = [item for item in session.items if getattr(item, "module", None) is module]
    return cache[id(module)]


def _module_key(session: Any, module: Any, days_ago: int | None = None) -> tuple[str, int] | None:
    level = module_level(_module_items(session, module))
    if level is None:
        return None
    if days_ago is None:  # the next module's: its own ``s7_days_ago`` if it overrides it, else the default
        override = getattr(module, "s7_days_ago", None)
        days_ago = _fixture_body(override)() if override is not None else _fixture_body(s7_days_ago)()
    return level, days_ago


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    kept_before = _KEPT.get("atomic")
    _NEXT[0] = nextitem
    try:
        return (yield)
    finally:
        _NEXT[0] = None
        if kept_before is not None and _KEPT.get("atomic") is kept_before:
            # Kept for this test, which did not take it (skipped before its fixtures were set up): close it.
            with _KEPT.pop("blocker").unblock():
                _rollback({"default": _KEPT.pop("atomic")})
            _KEPT.clear()


def _build(level: str, days_ago: int) -> Built:
    from importlib import import_module

    from django.apps import apps as django_apps
    from django.core import mail

    from tests.conftest import SEEDING_MIGRATIONS

    # A transactional test earlier in this process flushed every table, seeded rows included.
    for migration in SEEDING_MIGRATIONS:
        import_module(migration).seed(django_apps, None)
    sent = len(getattr(mail, "outbox", []))
    data = build_base()
    if level == WON:
        data.won = build_won(data.deal)
    else:
        data.signed = build_signed(data.deal, data.users, days_ago)
        if level == PLANNED:
            plan(data.signed)
    return Built(level, data, list(getattr(mail, "outbox", [])[sent:]))


def build_once(request: Any, django_db_blocker: Any, days_ago: int) -> Iterator[Built | None]:
    """The body of the module-scoped fixture: the chain built in an outer transaction, or None.

    When the next module (in this process's order) shares the same state, the transaction is left open for
    it: every test's savepoint has been rolled back, so the database is as built; any other next test (or
    none) closes it first.
    """
    key = _module_key(request.session, request.module, days_ago)
    kept = _KEPT.pop("built", None), _KEPT.pop("atomic", None), _KEPT.pop("key", None)
    _KEPT.clear()
    if kept[1] is not None and kept[2] != key:  # not expected: the module before decided it would be kept
        with django_db_blocker.unblock():
            _rollback({"default": kept[1]})
        kept = None, None, None
    if key is None:
        yield None
        return
    from django.db import transaction

    built, atomic = kept[0], kept[1]
    if atomic is None:
        with django_db_blocker.unblock():
            atomic = transaction.atomic(using="default")
            atomic._from_testcase = True  # as Django's TestCase marks its own: durable blocks may run inside
            atomic.__enter__()
            try:
                built = _build(*key)
            except BaseException:
                _rollback({"default": atomic})
                raise
    try:
        yield built
    finally:
        nxt = _NEXT[0]
        if (nxt is not None and nxt.module is not request.module and "_s7_module" in nxt.fixturenames
                and _module_key(request.session, nxt.module) == key):
            _KEPT.update(built=built, atomic=atomic, key=key, blocker=django_db_blocker)
        else:
            with django_db_blocker.unblock():
                _rollback({"default": atomic})


# --- the fixtures (imported by the contracts and billing conftests) --------------------------------------


@pytest.fixture(scope="module")
def s7_days_ago() -> int:
    """How long ago the billing tests' contract was signed (its day 0); a module may override it."""
    return 200


@pytest.fixture(scope="module")
def _s7_module(request: Any, django_db_setup: Any, django_db_blocker: Any, s7_days_ago: int) -> Iterator[Any]:
    yield from build_once(request, django_db_blocker, s7_days_ago)


@pytest.fixture
def _s7_fresh(_s7_module: Built | None, db: Any) -> SimpleNamespace | None:
    return _s7_module.fresh() if _s7_module is not None else None


@pytest.fixture
def org(_s7_fresh: Any, db: Any) -> Any:
    from tests import conftest as root

    return _s7_fresh.org if _s7_fresh is not None else _fixture_body(root.org)(db)


@pytest.fixture
def users(_s7_fresh: Any, org: Any) -> Any:
    from tests import conftest as root

    return _s7_fresh.users if _s7_fresh is not None else _fixture_body(root.users)(org)


@pytest.fixture
def lines(_s7_fresh: Any, db: Any) -> Any:
    from tests import conftest as root

    return _s7_fresh.lines if _s7_fresh is not None else _fixture_body(root.lines)(db)


@pytest.fixture
def rates(_s7_fresh: Any, db: Any) -> None:
    from tests.opportunities import conftest as opportunities

    if _s7_fresh is None:
        _fixture_body(opportunities.rates)(db)


@pytest.fixture
def deal(_s7_fresh: Any, org: Any, users: Any, lines: Any, rates: Any) -> SimpleNamespace:
    """University A in Shanghai (credit limit 12M), its AR Li, SR Zhao, FR Chen and the three SDTs."""
    from tests.opportunities import conftest as opportunities

    if _s7_fresh is not None:
        return _s7_fresh.deal
    return _fixture_body(opportunities.deal)(org, users, lines, rates)


@pytest.fixture
def won(_s7_fresh: Any, deal: Any) -> SimpleNamespace:
    """University A's deal of S7 won on the two-site quote (North 60 %, South 40 %)."""
    if _s7_fresh is not None:
        return _s7_fresh.won
    return build_won(deal)


@pytest.fixture
def signed(_s7_fresh: Any, deal: Any, users: Any, s7_days_ago: int) -> SimpleNamespace:
    """The S7–S9 contract (10.0M) signed on day 0, ``s7_days_ago`` days ago; ``day(n)`` is day n's date."""
    if _s7_fresh is not None:
        return _s7_fresh.signed
    return build_signed(deal, users, s7_days_ago)


@pytest.fixture
def planned(_s7_module: Built | None, signed: SimpleNamespace) -> SimpleNamespace:
    """``signed`` with the 30/60/10 payment terms of S7 planned."""
    if _s7_module is not None and _s7_module.level == PLANNED:
        return signed
    return plan(signed)


