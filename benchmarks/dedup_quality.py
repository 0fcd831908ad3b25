"""Precision and recall of duplicate detection on generated leads with known truth.

    python -m benchmarks.dedup_quality [--rows 20000] [--seed 7] [--work /tmp/m2c-bench-dedup]

The rows come from ``benchmarks.lead_data`` (Chinese and English companies, about 10 % duplicates in
realistic variants: another legal form, the place in brackets or dropped, full-width characters,
English case and punctuation, a typo with the same phone, a colleague with the same email domain).
They are captured through the service's batch path (``lead_create_bulk``, 5,000 a call) into a fresh
SQLite database. A row merged into a lead of the same true company counts as a true positive;
merged into another company's lead, a false positive; a true duplicate left unmerged, a false
negative. Flagged "possible duplicates" (review band) are reported separately: they are not merged.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/m2c-bench-dedup")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=WORK, help="folder for the database (one per concurrent run)")
    args = parser.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    db = work / "dedup.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    os.environ["M2C_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["M2C_VAR_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "m2c.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benchmarks.lead_data import HEADER, generate
    from m2c.core.models import User
    from m2c.demo import load_reference, load_users
    from m2c.leads import services
    from m2c.leads.capture import load_settings

    load_reference()
    load_users()
    load_settings()
    actor = User.objects.get(username="mkt.ops")
    columns = {"公司名称": "customer_name", "联系人": "contact_name", "职位": "contact_title", "手机": "contact_phone",
               "邮箱": "contact_email", "省份": "province", "城市": "city", "行业": "industry", "意向产品": "offering_lines",
               "预算": "budget_amount", "预计采购时间": "expected_purchase_date", "备注": "description"}
    rows = list(generate(args.rows, seed=args.seed))
    entity_of_lead: dict[str, int] = {}
    outcome: dict[int, dict] = {}
    started = time.perf_counter()
    for start in range(0, len(rows), 5000):
        items = []
        for i, row in enumerate(rows[start:start + 5000], start=start):
            item = {columns[h]: v for h, v in zip(HEADER, row.cells, strict=True) if h in columns and v}
            item["external_id"] = f"r{i}"
            items.append(item)
        for i, result in enumerate(services.lead_create_bulk(actor=actor, items=items), start=start):
            outcome[i] = result
            if result.get("id"):
                entity_of_lead[str(result["id"])] = rows[i].entity
    elapsed = time.perf_counter() - started
    tp = fp = fn = 0
    flagged_true = flagged_false = 0
    missed = Counter()
    from m2c.leads.models import Lead

    review = dict(Lead.objects.filter(needs_review=True, review_reason="possible_duplicate").values_list("id", "match"))
    for i, row in enumerate(rows):
        result = outcome[i]
        if result["result"] == "rejected":
            continue
        truly_duplicate = row.duplicate_of_row is not None
        if result["result"] == "merged":
            survivor = str(result.get("duplicate_of") or "")
            if survivor and entity_of_lead.get(survivor) == row.entity:
                tp += 1
            else:
                fp += 1
        elif truly_duplicate:
            fn += 1
            missed[_kind(rows, i)] += 1
            match = review.get(result.get("id"))
            if match:
                flagged_true += 1
        elif result.get("id") in review:
            flagged_false += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"rows {len(rows):,}  true duplicates {sum(1 for r in rows if r.duplicate_of_row is not None):,}  "
          f"captured in {elapsed:.1f}s")
    print(f"{'precision':>10} {'recall':>8} {'TP':>7} {'FP':>5} {'FN':>5} {'FN flagged for review':>22} {'non-dups flagged':>17}")
    print(f"{precision:>10.4f} {recall:>8.4f} {tp:>7,} {fp:>5,} {fn:>5,} {flagged_true:>22,} {flagged_false:>17,}")
    if missed:
        print("missed by variant:", dict(missed))


def _kind(rows: list, i: int) -> str:
    """Which variant a missed duplicate was (for the report)."""
    from benchmarks.lead_data import variant  # noqa: F401 - documents where the variants come from

    row, original = rows[i], rows[rows[i].duplicate_of_row]
    a, b = row.cells[0], original.cells[0]
    if row.cells[4] == original.cells[4]:
        return "same phone" if a.strip() != b.strip() else "same name and phone"
    if "（" in a:
        return "bracketed place"
    if a.strip().upper() == a.strip() and a.isascii():
        return "upper case"
    return "name variant"


if __name__ == "__main__":
    main()
