"""Identity resolution of spelling variants of stored customers, and of names that must stay apart (issue 12).

    python -m benchmarks.name_variants [--customers 400] [--probes 300] [--seed 12] [--work /tmp/m2c-bench-names]

A fresh SQLite database gets the demo reference data and users, then ``--customers`` customers created
through ``customers.services.customer_create``: company names as the deal registration benchmark builds
them (a city, a two-to-four syllable core, a kind such as 科技有限公司 or 人民医院) and one in ten numbered
(上海市第十一人民医院, 杭州第二中学). Then ``customers.customer_resolve`` answers, one call per probe:

- ``--probes`` spellings of random stored customers, evenly over the variant kinds below; right when
  resolution answers that customer;
- half as many names of other customers that share the stored name's core: a branch (（上海分公司）,
  上海分公司), the same name in another city with （总部）, another number with （本部）; a false merge
  when resolution answers the stored customer.

Reported: resolved / total per kind, false merges, and the time per resolution. ``PYTHONPATH=<old src>``
measures older code with the same probes (the names and probes depend only on ``--seed``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CITIES = "北京 上海 广州 深圳 杭州 南京 苏州 成都 重庆 武汉 西安 天津 长沙 郑州 济南 青岛 合肥 福州 厦门 昆明 南宁 贵阳 " \
         "沈阳 大连 长春 哈尔滨 石家庄 太原 南昌 兰州 宁波 无锡 佛山 东莞 温州 烟台 珠海 海口".split()
SYLLABLES = "华信达通宏远恒泰瑞丰新创智联博明安康盛德荣光鼎中天和正嘉祥元亿鑫隆兴邦诚润卓越星海云峰金石伟业汇聚"
KINDS = ["科技有限公司", "信息技术有限公司", "人民医院", "职业技术学院", "集团有限公司", "制造有限公司", "能源有限公司",
         "物流有限公司", "电子有限公司", "建设工程有限公司"]
ORDINALS = "一二三四五六七八九十"


def _names(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    names = []
    while len(names) < n:
        city = rng.choice(CITIES)
        if len(names) % 10 == 9:
            number = rng.randint(1, 10)
            name = rng.choice([f"{city}市第{ORDINALS[number - 1]}人民医院", f"{city}第{ORDINALS[number - 1]}中学"])
        else:
            core = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 4))))
            name = f"{city}{core}{rng.choice(KINDS)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _legal(name: str, form: str) -> str:
    return name.replace("有限公司", form) if name.endswith("有限公司") else name + form


# The same company under another spelling, as a partner or a form types it.
SAME = {
    "legal form dropped": lambda n: n.replace("有限公司", ""),
    "spaced legal form": lambda n: n.replace("有限公司", " 有限公司"),
    "（总部）": lambda n: f"{n}（总部）",
    "(总部) half-width": lambda n: f"{n}(总部)",
    "总部 after the legal form": lambda n: f"{n}总部" if n.endswith("公司") else f"{n}（总部）",
    "（集团总部）": lambda n: f"{n}（集团总部）",
    "（本部）": lambda n: f"{n}（本部）",
    "有限责任公司": lambda n: _legal(n, "有限责任公司"),
    "有限责任公司（总部）": lambda n: _legal(n, "有限责任公司") + "（总部）",
    "股份有限公司": lambda n: _legal(n, "股份有限公司"),
}


def _other_number(name: str) -> str:
    for i, numeral in enumerate(ORDINALS):
        if f"第{numeral}" in name:
            return name.replace(f"第{numeral}", f"第{ORDINALS[(i + 1) % len(ORDINALS)]}") + "（本部）"
    return name


def _other_city(name: str) -> str:
    city = next(c for c in CITIES if name.startswith(c))
    other = CITIES[(CITIES.index(city) + 1) % len(CITIES)]
    return other + name[len(city):] + "（总部）"


# Another customer that shares the stored name's core.
OTHER = {
    "（上海分公司）": lambda n: f"{n}（上海分公司）",
    "分公司 without brackets": lambda n: f"{n}{'北京' if '北京' not in n else '天津'}分公司",
    "other city （总部）": _other_city,
    "other number （本部）": _other_number,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--work", type=Path, default=Path("/tmp/m2c-bench-names"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / "names.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    os.environ["M2C_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["M2C_VAR_DIR"] = str(args.work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "m2c.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import m2c
    from m2c.core.models import User
    from m2c.customers import services
    from m2c.customers.identity import customer_resolve
    from m2c.demo import load_reference, load_users

    load_reference()
    load_users()
    actor = User.objects.get(username="mkt.ops")
    rng = random.Random(args.seed)
    stored: dict[str, object] = {}
    for name in _names(rng, args.customers):
        stored[name] = services.customer_create(actor=actor, legal_name=name).pk
    names = list(stored)
    numbered = [n for n in names if "第" in n]

    probes: list[tuple[str, str, str, bool]] = []  # (kind, probe, stored name, same company)
    kinds = list(SAME)
    for i in range(args.probes):
        kind = kinds[i % len(kinds)]
        name = rng.choice(names)
        probes.append((kind, SAME[kind](name), name, True))
    others = list(OTHER)
    for i in range(args.probes // 2):
        kind = others[i % len(others)]
        name = rng.choice(numbered if kind.startswith("other number") else [n for n in names if "第" not in n])
        probes.append((kind, OTHER[kind](name), name, False))

    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    false_merges: list[tuple[str, str]] = []
    missed: list[tuple[str, str, int]] = []
    times = []
    cpu0 = time.process_time()
    for kind, probe, name, same in probes:
        t0 = time.perf_counter()
        found = customer_resolve(name=probe)
        times.append((time.perf_counter() - t0) * 1000)
        total[kind] += 1
        hit = found.customer is not None and found.customer.id == stored[name]
        if same and hit:
            right[kind] += 1
        elif same:
            missed.append((probe, name, found.score))
        elif hit:
            false_merges.append((probe, name))
        else:
            right[kind] += 1
    cpu = time.process_time() - cpu0
    print(f"code: {Path(m2c.__file__).parent}  customers {len(stored):,}  probes {len(probes):,}")
    print(f"{'kind':<28} {'right':>6} {'of':>4}")
    for kind in [*SAME, *OTHER]:
        label = ("same: " if kind in SAME else "other: ") + kind
        print(f"{label:<28} {right[kind]:>6} {total[kind]:>4}")
    same_total = sum(total[k] for k in SAME)
    same_right = sum(right[k] for k in SAME)
    print(f"same company resolved: {same_right} of {same_total}; false merges: {len(false_merges)} of "
          f"{len(probes) - same_total}")
    ordered = sorted(times)
    print(f"resolve ms: p50 {statistics.median(ordered):.2f}  p99 {ordered[int(0.99 * (len(ordered) - 1))]:.2f}  "
          f"max {ordered[-1]:.2f}; CPU {cpu:.2f} s for {len(probes)} resolutions")
    for probe, name, score in missed[:8]:
        print(f"  missed: {probe}  (stored {name}, best score {score})")
    for probe, name in false_merges[:8]:
        print(f"  false merge: {probe} -> {name}")


if __name__ == "__main__":
    main()
