"""Speed of the allocator: 1,000 invented applications over every zone of the embedded
Pakistan year.

Prints the time of the dispatch without the new loads (the allocator's input, needed once
whatever the number of applications), of the spare at the tariffs' other cost caps (one
dispatch per cap the dataset's own does not cover), of the allocation itself (rounds of the
programme in HiGHS, each verified by dispatching the year with every granted load, then
shadow prices and explanations), the optimality gap, the rounds, and memory: the process's
peak resident size, and with --tracemalloc the peak of Python allocations during a second,
untimed run.

    .venv/bin/python bench/allocate.py [--applications 1000] [--seed 7] [--quota 2000]
                                      [--phase2 3000] [--gap 1e-4] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
import tracemalloc
from collections.abc import Sequence
from datetime import date

import numpy as np

from machine import cpu_name  # bench/machine.py: scripts run with bench/ on sys.path
from surplus.allocation import AllocationSettings, Application, Phase, allocate
from surplus.allocation.grid import at_cost_spares, caps_of, grid_capacity, known_sites
from surplus.dispatch import DispatchResult, FlexibleLoad, dispatch
from surplus.grid.load import load_dataset
from surplus.grid.model import Dataset

RULES = ("proposed_fixed_23", "industrial_b3_27", "dynamic")


def applications(count: int, sites: dict[str, str], seed: int) -> list[Application]:
    """Seeded random applications: 60 operators, every zone and named plant as a site."""
    rng = np.random.default_rng(seed)
    names = sorted(sites)
    out = []
    for n in range(count):
        miner = rng.random() < 0.7
        requested = float(rng.choice([5, 10, 20, 30, 50, 75, 100, 150, 200, 300]))
        share = (
            float(rng.choice([0.0, 0.0025, 0.005, 0.01, 0.02, 0.05]))
            if miner
            else float(rng.choice([0.0, 0.0, 0.001, 0.0025, 0.005]))
        )
        rule = str(rng.choice(RULES))
        out.append(
            Application(
                application_id=f"B{n:04d}",
                operator=f"Operator {int(rng.integers(60)):02d}",
                kind="miner" if miner else "ai_data_centre",
                requested_mw=requested,
                min_mw=float(rng.choice([0.0, 0.5, 1.0])) * requested,
                sites=tuple(rng.choice(names, size=int(rng.integers(1, 4)), replace=False)),
                max_curtailment_share=share,
                longest_event_hours=0 if share == 0 else int(rng.choice([3, 6, 12, 24])),
                notice_minutes=int(rng.choice([1, 10, 30])),
                accepts_price_curtailment=rule != "dynamic" or bool(rng.random() < 0.5),
                tariff_rule=rule,
                start_date=date(2027 + int(rng.integers(0, 2)), int(rng.integers(1, 13)), 1),
                ramp_mw_per_min=float(rng.choice([5, 20, 50])),
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quota", type=float, default=2000.0)
    parser.add_argument("--phase2", type=float, default=3000.0, help="MW opening 2028-01-01")
    parser.add_argument("--gap", type=float, default=1e-4)
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also run once more under tracemalloc for the peak of Python allocations",
    )
    args = parser.parse_args()

    dataset = load_dataset(None)
    start = time.perf_counter()
    base = dispatch(dataset)
    base_s = time.perf_counter() - start
    apps = applications(args.applications, known_sites(dataset), args.seed)
    start = time.perf_counter()
    spares = at_cost_spares(dataset, base, caps_of({a.tariff_rule for a in apps}))
    spares_s = time.perf_counter() - start
    grid = grid_capacity(dataset, base, spares)

    def run(data: Dataset, flexible_loads: Sequence[FlexibleLoad] = ()) -> DispatchResult:
        return dispatch(data, flexible_loads, base=base)

    phases = [Phase("phase 1", args.quota)]
    if args.phase2 > 0:
        phases.append(Phase("phase 2", args.phase2, date(2028, 1, 1)))
    settings = AllocationSettings(phases=tuple(phases), mip_rel_gap=args.gap)
    start = time.perf_counter()
    result = allocate(apps, grid, dataset, settings, run=run)
    total_s = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak = float("nan")
    if args.tracemalloc:  # tracing slows Python several times over: never in the timed run
        tracemalloc.start()
        allocate(apps, grid, dataset, settings, run=run)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    granted = [d for d in result.decisions if d.allocated_mw > 0]
    zones = {d.zone for d in granted}
    print(f"machine: {cpu_name()}, Python {platform.python_version()}")
    print(
        f"applications: {len(apps)} over {len(grid.sites)} sites in {len(grid.zones)} zones, "
        f"asking {sum(a.requested_mw for a in apps):,.0f} MW; "
        f"quota {sum(p.quota_mw for p in phases):,.0f} MW"
    )
    print(f"dispatch without the new loads: {base_s:.2f} s")
    print(f"spare at the tariffs' other cost caps: {spares_s:.2f} s ({len(spares)} dispatch(es))")
    print(
        f"allocation: {total_s:.2f} s (programme {result.seconds['solve']:.2f} s, verification "
        f"dispatches {result.seconds['verify']:.2f} s, rounds {result.rounds})"
    )
    print(
        f"result: {result.allocated_mw:,.1f} MW to {len(granted)} applications in {len(zones)} "
        f"zones; relative gap {result.gap:.5%}; verification "
        f"{'passed' if result.verification.passes else 'FAILED'}; withdrawn {len(result.withdrawn)}"
    )
    traced = f"; Python allocations peak {peak:,.0f} MB" if args.tracemalloc else ""
    print(
        f"memory: peak resident {rss_mb:,.0f} MB (whole process, dataset and dispatch "
        f"included){traced}"
    )


if __name__ == "__main__":
    main()
