"""A separate OS process for tests/billing/test_concurrency_processes.py: sets Django up on the database
named by ``M2C_DATABASE_URL``, says "ready", waits for "go" on stdin, runs one billing command and prints
its outcome as JSON (the class of what it returned, or the refusal's class and code)."""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "m2c.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from m2c.billing import services
    from m2c.billing.models import Invoice, Receipt
    from m2c.contracts.selectors import contract_by_id
    from m2c.core.errors import DomainError

    command, actor_id, *ids = sys.argv[1:]
    actor = get_user_model().objects.get(pk=actor_id)
    if command == "allocate":
        receipt, invoice = Receipt.objects.get(pk=ids[0]), Invoice.objects.get(pk=ids[1])

        def run():
            return services.receipt_allocate(receipt=receipt, invoice=invoice, actor=actor, amount_=ids[2])
    else:
        contract = contract_by_id(ids[0])

        def run():
            return services.invoice_request(contract=contract, actor=actor)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    try:
        done = run()
        outcome = {"ok": type(done).__name__, "pid": os.getpid()}
    except DomainError as exc:
        outcome = {"refused": type(exc).__name__, "code": getattr(exc, "code", ""), "pid": os.getpid()}
    print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main()
