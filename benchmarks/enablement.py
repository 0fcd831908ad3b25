"""Enablement at company scale: the coverage heat map, the SR check and the certificate sweep.

    python -m benchmarks.enablement [--staff 20000] [--certificates 40000] [--due 5000] [--repeat 5]

Setup (not measured): a fresh SQLite database under /tmp/m2c-bench-enablement, migrations, the demo's
reference data (5 regions, 12 offices, 7 offering lines), then ``--staff`` AR/SR/FR users spread over the
offices and ``--certificates`` certificates bulk-inserted (random holder, line, track, level; a tenth
revoked or expired), of which ``--due`` fall inside the 90-day notice window.

Measured (median of ``--repeat`` runs after one warm-up):

- ``selectors.coverage`` for an executive (every region × role × line) and for an office AR (one region);
- ``services.sr_assignment_check`` (the hook ``team_assign`` calls) for a certified and an uncertified SR;
- ``services.certificates_sweep``: every due certificate moved VALID → EXPIRING through the state machine
  (row lock, event) and its holder notified, certificates per second (one run; it is not repeatable).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/m2c-bench-enablement")


def timed(fn, repeat: int) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--staff", type=int, default=20_000)
    parser.add_argument("--certificates", type=int, default=40_000)
    parser.add_argument("--due", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / "enablement.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    os.environ["M2C_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["M2C_VAR_DIR"] = str(WORK)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "m2c.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from rich.progress import Progress

    call_command("migrate", verbosity=0)
    from m2c.core.models import OfferingLine, OrgUnit, Role, User
    from m2c.demo import load_reference
    from m2c.enablement import selectors, services
    from m2c.enablement.models import Certificate

    load_reference()
    rng = random.Random(13)
    offices = list(OrgUnit.objects.filter(type=OrgUnit.Type.REP_OFFICE))
    lines = list(OfferingLine.objects.all())
    groups = {r: Group.objects.get(name=r) for r in (Role.AR, Role.SR, Role.FR)}
    today = timezone.localdate()
    with Progress(transient=True) as bar:
        task = bar.add_task("staff", total=args.staff)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [User(username=f"staff{i:06d}", display_name=f"员工{i}", org_unit=rng.choice(offices))
                 for i in range(args.staff)], batch_size=2000)
            through = User.groups.through
            through.objects.bulk_create([through(user_id=u.pk, group_id=groups[rng.choice(list(groups))].pk)
                                         for u in users], batch_size=5000)
            bar.update(task, completed=args.staff)
        task = bar.add_task("certificates", total=args.certificates)
        rows = []
        for i in range(args.certificates):
            holder = rng.choice(users)
            due = i < args.due
            start = today - dt.timedelta(days=700 if due else rng.randint(0, 600))
            status = "VALID" if due or rng.random() > 0.1 else rng.choice(["REVOKED", "EXPIRED"])
            rows.append(Certificate(number=f"CERT-B-{i:07d}", holder_user=holder, org_unit_id=holder.org_unit_id,
                                    offering_line=rng.choice(lines), track=rng.choice(["sales", "presales", "postsales"]),
                                    level=rng.choice(["associate", "professional", "expert"]), valid_from=start,
                                    valid_to=start + dt.timedelta(days=729), status=status,
                                    revoked_on=today - dt.timedelta(days=5) if status == "REVOKED" else None))
            if len(rows) == 5000:
                Certificate.objects.bulk_create(rows)
                bar.advance(task, len(rows))
                rows = []
        Certificate.objects.bulk_create(rows)
    executive = User.objects.create(username="bench.exec", display_name="高管")
    executive.groups.add(Group.objects.get(name=Role.EXECUTIVE))
    office_ar = users[0]
    certified = Certificate.objects.filter(status="VALID", valid_to__gt=today + dt.timedelta(days=100)).first()
    uncertified = next(u for u in users[1:] if not selectors.has_valid_certificate(u, lines[0]))

    results = []
    cov_all = timed(lambda: selectors.coverage(user=executive), args.repeat)
    cells = len(selectors.coverage(user=executive)["rows"])
    results.append((f"coverage, all regions ({cells} cells)", cov_all))
    results.append(("coverage, one region (office AR)", timed(lambda: selectors.coverage(user=office_ar), args.repeat)))
    results.append(("SR check, certified", timed(lambda: services.sr_assignment_check(
        user=certified.holder_user, offering_line=certified.offering_line), args.repeat)))
    results.append(("SR check, uncertified (warning)", timed(lambda: services.sr_assignment_check(
        user=uncertified, offering_line=lines[0]), args.repeat)))
    from django.urls import reverse

    reverse("enablement:certificates")  # the URLconf (and the API's schemas) loads once per worker process
    start = time.perf_counter()
    moved = services.certificates_sweep(today)
    sweep = time.perf_counter() - start
    print(f"staff {args.staff:,}, certificates {args.certificates:,}, due {args.due:,}")
    print("| measure | median |")
    print("|---|---:|")
    for name, seconds in results:
        print(f"| {name} | {seconds * 1000:,.1f} ms |")
    print(f"| sweep: {moved['expiring']:,} → EXPIRING (+{moved['expired']:,} EXPIRED) | {sweep:,.1f} s, "
          f"{(moved['expiring'] + moved['expired']) / sweep:,.0f}/s |")


if __name__ == "__main__":
    main()
