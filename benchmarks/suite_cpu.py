"""Where the test suite's CPU goes, from the files of ``pytest -p tests.cpu_times`` (see that module).

    M2C_CPU_TAG=after .venv/bin/python -m pytest -n 2 -p tests.cpu_times ...
    .venv/bin/python -m benchmarks.suite_cpu var/test-cpu/after-*.tsv [--top 40]

Prints every process's collection and total CPU (its own and its children's), then the files and the
test phases that cost the most CPU. Where a file has "tree" lines (the CPU of the test's subprocesses,
Chromium's included, from setup to teardown), children's CPU is taken from them only.
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    by_file: collections.Counter[str] = collections.Counter()
    by_phase: collections.Counter[str] = collections.Counter()
    tests: collections.Counter[str] = collections.Counter()
    for path in args.files:
        lines = path.read_text().splitlines()
        trees = any("\ttree\t" in line for line in lines)
        for line in lines:
            node, phase, own, children, _wall = line.split("\t")
            cpu = float(own) + (float(children) if phase == "tree" or not trees or node == "<process>" else 0.0)
            if node == "<process>":
                print(f"{path.stem:>20} {phase:>8}: {float(own):7.1f} s own, {float(children):7.1f} s children")
                continue
            by_file[node.split("::")[0]] += cpu
            by_phase[f"{phase:>8} {node}"] += cpu
            if phase == "call":
                tests[node.split("::")[0]] += 1
    print(f"\ntest phases: {sum(by_file.values()):.1f} s of CPU in {sum(tests.values())} tests\n")
    for name, cpu in by_file.most_common(args.top):
        print(f"{cpu:7.1f} s {tests[name]:4d} tests  {name}")
    print()
    for name, cpu in by_phase.most_common(args.top):
        print(f"{cpu:7.2f} s {name}")


if __name__ == "__main__":
    main()
