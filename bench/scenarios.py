"""Time ensembles: scenario-years per second on 1 and 2 local Dask workers, the scaling, the
per-task overhead, and the split of one scenario-year.

    nice .venv/bin/python bench/scenarios.py [--spec FILE] [--runs 4] [--skip-cluster]

A scenario-year is one run of the spec over a full dataset year (the shipped
`phase1.toml` by default: the base dispatch, the joint question at 2,000 MW, the economics
on the drawn tariff, the joint question at 4,000 MW). The split is measured in this process
on run 0: the base dispatch's parts (preparing, solving, spare capacity; one solver thread,
as in a worker) and the study's stages, wall and CPU. Throughput is steady state: the
cluster is started and every worker has read the dataset before the clock starts. The
per-task overhead is the mean time of a task that does nothing, on one worker.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from surplus.scenarios import draw, read_spec, run_one, study_input
from surplus.scenarios.samples import PHASE1
from surplus.scenarios.spec import ScenarioSpec
from surplus.scenarios.worker import base_dataset, one_solver_thread


def _noop(i: int) -> int:
    return i


def _warm(spec: ScenarioSpec) -> int:
    base_dataset(spec.dataset)
    return os.getpid()


def split(spec: ScenarioSpec) -> None:
    """One scenario-year in this process: the dispatch's parts, then the whole run by stage."""
    from surplus.dispatch.solve import solve
    from surplus.dispatch.spare import spare_mw
    from surplus.dispatch.system import prepare as prepare_system
    from surplus.study import prepare

    base = base_dataset(spec.dataset)
    _, dataset, _ = prepare(study_input(spec, draw(spec, 0, base)), base)
    cpu = time.process_time()
    system = prepare_system(dataset)
    prep = time.process_time() - cpu
    cpu = time.process_time()
    solution = solve(system)
    solved = time.process_time() - cpu
    cpu = time.process_time()
    spare_mw(system, solution)
    spare = time.process_time() - cpu
    print(
        f"base dispatch of run 0, one thread (CPU): prepare {prep:.2f} s, solve {solved:.2f} s, "
        f"spare {spare:.2f} s; total {prep + solved + spare:.2f} s"
    )
    with one_solver_thread():
        wall, cpu = time.perf_counter(), time.process_time()
        record = run_one(0, spec)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in record.seconds.items() if k != "total")
    print(f"one scenario-year (run 0): {wall:.2f} s wall, {cpu:.2f} s CPU; wall by stage: {stages}")


def throughput(spec: ScenarioSpec, workers: int, runs: int) -> float:
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(workers)
        up = time.perf_counter() - started
        pids = set(client.run(_warm, spec).values())
        if workers == 1:
            tasks = 200
            clock = time.perf_counter()
            client.gather(client.map(_noop, range(tasks), pure=False))
            overhead = (time.perf_counter() - clock) / tasks
            print(f"per-task overhead, 1 worker: {overhead * 1000:.2f} ms ({tasks} empty tasks)")
        clock = time.perf_counter()
        records = client.gather(client.map(run_one, range(runs), spec=spec, pure=False))
        wall = time.perf_counter() - clock
    rate = runs / wall
    mean = sum(r.seconds["total"] for r in records) / len(records)
    print(
        f"{workers} worker(s) ({len(pids)} processes, started in {up:.1f} s): {runs} "
        f"scenario-years in {wall:.1f} s = {rate:.4f} scenario-years/s "
        f"({mean:.1f} s wall per run in the worker)"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=PHASE1)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--skip-cluster", action="store_true")
    args = parser.parse_args()
    spec = read_spec(args.spec)
    load = os.getloadavg()[0]
    machine = platform.processor() or platform.machine()
    print(
        f"{machine}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.1f}; spec {args.spec}"
    )
    split(spec)
    if args.skip_cluster:
        return
    one = throughput(spec, 1, args.runs)
    two = throughput(spec, 2, args.runs)
    print(f"scaling 1 → 2 workers: {two / one:.2f}× (linear: 2.00×)")
    print(f"1,000 scenario-years at the 2-worker rate: {1000 / two / 60:.0f} min (target < 30)")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
