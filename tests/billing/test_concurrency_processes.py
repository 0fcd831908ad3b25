"""Two OS processes (not threads) allocating the same receipt, or invoicing the same milestone, at once
(PostgreSQL). Each child is a fresh Python with its own Django and connection (tests/billing/race_child.py).

To make "at once" certain rather than likely, the test holds the contested row locked, lets both children
start their command, waits until PostgreSQL shows both backends blocked on that lock, and only then lets go:
both commands are inside their transactions at the same moment. One goes through, the other gets the clear
refusal, and the sums never exceed the receipt or the billable amount.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction

from m2c.billing import services
from m2c.billing.models import Allocation, BillingItem, Invoice, Receipt
from m2c.contracts.models import Contract

from .conftest import pac
from .test_scenarios import s8, s9

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite runs one write transaction at a time"),
]

CHILD = Path(__file__).with_name("race_child.py")


def _env(tmp_path: Path) -> dict[str, str]:
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "m2c.settings", "M2C_DATABASE_URL": url,
           "M2C_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(CHILD.parents[2] / "src")}
    env.pop("M2C_TASKS_IMMEDIATE", None)
    return env


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def _race(tmp_path: Path, hold, *commands: list[str]) -> list[dict]:
    """Start one child per command; once all are ready, hold ``hold()``'s row lock, say go, wait until every
    child is blocked on it, release, and return what each child printed."""
    env = _env(tmp_path)
    children = [subprocess.Popen([sys.executable, str(CHILD), *map(str, cmd)], env=env, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for cmd in commands]
    try:
        for child in children:
            line = child.stdout.readline().strip()
            assert line == "ready", child.stderr.read()
        with transaction.atomic():
            hold()
            for child in children:
                child.stdin.write("go\n")
                child.stdin.flush()
            deadline = time.monotonic() + 60
            while _waiting_on_locks() < len(children):
                assert time.monotonic() < deadline, "the children never reached the lock"
                time.sleep(0.02)
        outcomes = []
        for child in children:
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err
            outcomes.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    assert len({o["pid"] for o in outcomes}) == len(children)  # really separate processes
    return outcomes


def test_two_processes_allocating_the_same_receipt_never_over_allocate(planned, tmp_path):
    _inv1, inv2, inv3 = s9(planned)
    receipt = services.receipt_record(actor=planned.finance, amount_="2400000", received_on=planned.day(100),
                                      payer_name="申江大学")
    outcomes = _race(
        tmp_path, lambda: Receipt.objects.select_for_update().get(pk=receipt.pk),
        ["allocate", planned.finance.pk, receipt.pk, inv2.pk, "2400000"],
        ["allocate", planned.finance.pk, receipt.pk, inv3.pk, "2400000"],
    )
    assert sorted(o.get("ok") or o["refused"] for o in outcomes) == ["Allocation", "Conflict"]
    assert [o["code"] for o in outcomes if "refused" in o] == ["receipt_fully_applied"]
    receipt.refresh_from_db()
    assert (receipt.allocated, receipt.status, Allocation.objects.count()) == (Decimal("2400000.00"), "APPLIED", 1)
    assert sum(Invoice.objects.values_list("paid", flat=True)) == Decimal("2400000.00")


def test_two_processes_invoicing_the_same_milestone_never_over_invoice(planned, tmp_path):
    s8(planned)  # M1 invoiced; the North PAC now releases 3.6M of M2
    north = planned.contract.sites.first()
    pac(planned, north, 60)
    contract = planned.contract
    outcomes = _race(
        tmp_path, lambda: Contract.objects.select_for_update().get(pk=contract.pk),
        ["invoice", planned.deal.ar.pk, contract.pk],
        ["invoice", planned.deal.ar.pk, contract.pk],
    )
    assert sorted(o.get("ok") or o["refused"] for o in outcomes) == ["Invoice", "ValidationFailed"]
    assert Invoice.objects.filter(total=Decimal("3600000.00")).count() == 1
    m2_items = BillingItem.objects.filter(milestone__seq=2, milestone__contract=contract)
    assert [i.invoice.total for i in m2_items] == [Decimal("3600000.00")]
    assert sum(Invoice.objects.values_list("total", flat=True)) == Decimal("6600000.00")  # 3.0M + 3.6M, no more
