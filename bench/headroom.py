"""Speed of the headroom method on the 22-region, nine-year EIA-930 demand history.

Prints the time to read and validate the CSV, the time of the method itself (seasonal
thresholds, exact headroom at five budgets for every column, and every statistic), and
their sum, as the best of several runs.

    .venv/bin/python bench/headroom.py [--repeat 5] [--file PATH]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from surplus.headroom.assess import DEFAULT_BUDGETS
from surplus.headroom.demand import demand_headroom
from surplus.headroom.demand_file import read_demand_csv

REPO = Path(__file__).resolve().parents[1]
EIA_FILE = REPO.parent / "shared" / "reference" / "eia930_22ba_hourly_demand_mw_2016_2024.csv"


def best_of(repeat: int, path: Path) -> tuple[float, float, int, int]:
    reads, methods = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        demand = read_demand_csv(path)
        middle = time.perf_counter()
        result = demand_headroom(demand, DEFAULT_BUDGETS)
        end = time.perf_counter()
        reads.append(middle - start)
        methods.append(end - middle)
    return min(reads), min(methods), demand.shape[0], len(result.table.items)


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--file", type=Path, default=EIA_FILE)
    args = parser.parse_args()
    read_s, method_s, hours, items = best_of(args.repeat, args.file)
    print(f"machine: {cpu_name()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(f"history: {hours:,} hours x 22 regions; {items} (region, budget) results")
    print(f"read + validate CSV : {read_s:6.3f} s (best of {args.repeat})")
    print(f"headroom method     : {method_s:6.3f} s (5 budgets, all statistics)")
    print(f"total               : {read_s + method_s:6.3f} s (target < 2 s including the read)")


if __name__ == "__main__":
    main()
