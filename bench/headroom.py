"""Speed of the headroom method on the 22-region, nine-year EIA-930 demand history.

Prints the time to read and validate the CSV, the time of the method itself (seasonal
thresholds, exact headroom at five budgets for every column, and every statistic), and
their sum, as the best of several runs.

    .venv/bin/python bench/headroom.py [--repeat 5] [--file PATH] [--joint]

With --joint it also times the joint question on the embedded Pakistan year: 2,000 MW
split over Sahiwal, Port Qasim and China Power Hub, served by re-running the dispatch.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from machine import cpu_name  # bench/machine.py: scripts run with bench/ on sys.path
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


def joint_timing() -> None:
    """Wall time of the joint question on the embedded Pakistan year (one run each)."""
    from surplus.dispatch import dispatch
    from surplus.grid.load import load_dataset
    from surplus.headroom.joint import joint_curtailment, joint_verdict
    from surplus.headroom.sites import NAMED_PLANTS, split_load

    start = time.perf_counter()
    dataset = load_dataset(None)
    loaded = time.perf_counter()
    base = dispatch(dataset)
    based = time.perf_counter()
    answer = joint_curtailment(dataset, base, split_load(dataset, NAMED_PLANTS, 2000.0))
    end = time.perf_counter()
    print(f"Pakistan year: {len(dataset.snapshots):,} hours, {len(dataset.zones)} zones")
    print(f"load dataset        : {loaded - start:6.2f} s")
    print(f"base dispatch       : {based - loaded:6.2f} s (spare capacity per zone-hour)")
    print(f"joint, three sites  : {end - based:6.2f} s (dispatch with the loads + statistics)")
    print(f"total               : {end - start:6.2f} s (target < 30 s)")
    print(joint_verdict(answer))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--file", type=Path, default=EIA_FILE)
    parser.add_argument("--joint", action="store_true", help="also time the joint question")
    args = parser.parse_args()
    read_s, method_s, hours, items = best_of(args.repeat, args.file)
    print(f"machine: {cpu_name()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(f"history: {hours:,} hours x 22 regions; {items} (region, budget) results")
    print(f"read + validate CSV : {read_s:6.3f} s (best of {args.repeat})")
    print(f"headroom method     : {method_s:6.3f} s (5 budgets, all statistics)")
    print(f"total               : {read_s + method_s:6.3f} s (target < 2 s including the read)")
    if args.joint:
        joint_timing()


if __name__ == "__main__":
    main()
