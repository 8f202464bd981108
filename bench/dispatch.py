"""Time the hourly dispatch of a full year against PyPSA solving the same problem.

    .venv/bin/python bench/dispatch.py [--path DATASET] [--repeat 3] [--no-pypsa]

Prints, for surplus: wall and CPU seconds per run (the machine may be shared, so CPU time
is the steadier figure), the split into preparing, solving and spare capacity, the
objective, and peak memory (the process's maximum resident set after the runs, and
tracemalloc's peak during one run). Then the same year through `surplus.grid.pypsa_export`
with `n.optimize(solver_name="highs")`: wall and CPU seconds, objective, their ratio to
surplus, and the process's peak memory afterwards.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
import tracemalloc

from surplus.dispatch import dispatch
from surplus.dispatch.solve import solve
from surplus.dispatch.spare import spare_mw
from surplus.dispatch.system import prepare
from surplus.grid import load_dataset, pypsa_export
from surplus.grid.model import Dataset


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(action: object) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()  # type: ignore[operator]
    return value, time.perf_counter() - wall, time.process_time() - cpu


def bench_surplus(data: Dataset, repeat: int) -> tuple[float, float, float]:
    """Objective, best wall and best CPU seconds over `repeat` runs."""
    objective, walls, cpus = 0.0, [], []
    for run in range(repeat):
        result, wall, cpu = _timed(lambda: dispatch(data))
        objective = result.objective_pkr  # type: ignore[attr-defined]
        walls.append(wall)
        cpus.append(cpu)
        print(f"surplus run {run + 1}: {wall:6.2f} s wall, {cpu:6.2f} s CPU")
    system, _, prep_cpu = _timed(lambda: prepare(data))
    solution, _, solve_cpu = _timed(lambda: solve(system))  # type: ignore[arg-type]
    _, _, spare_cpu = _timed(lambda: spare_mw(system, solution))  # type: ignore[arg-type]
    print(
        f"  split, one thread (CPU): prepare {prep_cpu:.2f} s, solve {solve_cpu:.2f} s, "
        f"spare {spare_cpu:.2f} s"
    )
    tracemalloc.start()
    dispatch(data)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  objective {objective:,.0f} PKR")
    print(
        f"  peak memory: {_peak_rss_mb():,.0f} MB resident (process so far), "
        f"{traced_peak / 2**20:,.0f} MB traced during one run"
    )
    return objective, min(walls), min(cpus)


def bench_pypsa(data: Dataset, io_api: str) -> tuple[float, float, float]:
    def run() -> float:
        return pypsa_export.optimize(pypsa_export.to_pypsa(data), io_api=io_api)

    objective, wall, cpu = _timed(run)
    print(f"pypsa ({io_api}): {wall:6.2f} s wall, {cpu:6.2f} s CPU (HiGHS, model build included)")
    print(f"  objective {objective:,.0f} PKR")
    print(f"  peak memory: {_peak_rss_mb():,.0f} MB resident (process, after PyPSA)")
    return float(objective), wall, cpu  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default=None, help="dataset folder (default: embedded)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pypsa", action="store_true")
    parser.add_argument(
        "--pypsa-io",
        default="direct",
        choices=["direct", "lp"],
        help="how PyPSA hands the model to HiGHS: in memory (fastest) or via an LP file",
    )
    args = parser.parse_args()
    data = load_dataset(args.path)
    print(
        f"{data.info.name}: {len(data.snapshots):,} hours, {len(data.zones)} zones, "
        f"{len(data.operating_plants)} operating plants, {len(data.corridors)} corridors"
    )
    print(
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}"
    )
    ours, wall, cpu = bench_surplus(data, args.repeat)
    if args.no_pypsa:
        return
    theirs, pypsa_wall, pypsa_cpu = bench_pypsa(data, args.pypsa_io)
    print(
        f"ratio (PyPSA ÷ surplus's best run): {pypsa_wall / wall:.1f}× wall, "
        f"{pypsa_cpu / cpu:.1f}× CPU"
    )
    print(f"objectives differ by {abs(ours - theirs) / abs(theirs):.2e} (relative)")


if __name__ == "__main__":
    main()
