"""An ensemble on Dask: every run not yet finished, one task each, on a local cluster (one
single-threaded worker process per core by default) or an existing scheduler. A failed run
is retried by Dask, then recorded as failed with its error; each record is written the
moment its run finishes."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from surplus.errors import InputError, Problem
from surplus.grid.model import Dataset
from surplus.scenarios import store
from surplus.scenarios.draws import draw, study_input, utc
from surplus.scenarios.record import RunRecord
from surplus.scenarios.spec import ScenarioSpec, read_spec
from surplus.scenarios.worker import base_dataset, run_one

RETRIES = 2
"""Times Dask tries a failed run again (on any worker) before it is recorded as failed."""


@dataclass(frozen=True)
class Outcome:
    out: Path
    runs: int
    skipped: int
    """Runs already finished in `out` before this call."""
    succeeded: tuple[int, ...]
    failed: tuple[int, ...]


def check(spec: ScenarioSpec, path: Path, base: Dataset) -> None:
    """Everything a run could trip on, checked before any is started: the names the spec
    uses, the horizon, and the first run's settings against the dataset."""
    from surplus.headroom.sites import split_load
    from surplus.study import prepare

    problems = []
    zones = {str(z) for z in base.zones.index}
    fuels = {str(f) for f in base.operating_plants["fuel"]}
    if spec.demand_growth is not None:
        problems += [
            Problem(
                str(path), None, f"demand_growth.zones.{zone}", f"a zone: {sorted(zones)}", zone
            )
            for zone in spec.demand_growth.zones
            if zone not in zones
        ]
    for table, laws in (("fuel_price", spec.fuel_price), ("fuel_supply", spec.fuel_supply)):
        problems += [
            Problem(str(path), None, f"{table}.{fuel}", f"a fuel: {sorted(fuels)}", fuel)
            for fuel in laws
            if fuel not in fuels
        ]
    for key in ("start", "end"):
        text = getattr(spec, key)
        try:
            utc(text)
        except ValueError:
            problems.append(Problem(str(path), None, key, "a date or ISO timestamp", repr(text)))
    if problems:
        raise InputError(problems)
    try:
        _, dataset, _ = prepare(study_input(spec, draw(spec, 0, base)), base)
        if spec.programme.sites:
            split_load(dataset, list(spec.programme.sites), spec.programme.quotas_mw[0])
    except InputError as error:
        raise InputError(
            [
                Problem(str(path), None, p.column or p.file, p.expected, p.found)
                for p in error.problems
            ]
        ) from None
    except Exception as error:
        raise InputError(
            Problem(str(path), None, "programme", "usable sites", str(error))
        ) from None


def run_ensemble(
    spec_path: Path,
    out: Path,
    scheduler: str | None = None,
    workers: int = 2,
    retries: int = RETRIES,
    progress: Callable[[int, int, RunRecord], None] | None = None,
    connect_timeout_s: float = 30.0,
) -> Outcome:
    """Run every run of the spec not yet in `out`; `progress(done, total, record)` after
    each. `scheduler`: an existing Dask scheduler's address; None starts a local cluster of
    `workers` single-threaded processes."""
    from distributed import Client, LocalCluster, as_completed

    spec = read_spec(spec_path)
    check(spec, spec_path, base_dataset(spec.dataset))
    store.claim(out, spec_path)
    done = store.finished(out, spec.runs)
    todo = [run_id for run_id in range(spec.runs) if run_id not in done]
    succeeded: list[int] = []
    failed: list[int] = []
    if todo:
        cluster = None
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
                # The scheduler serves HTTP (metrics, health) even without a dashboard, on
                # 8787 by default: a port another cluster may hold. Loopback, any free port.
                host="127.0.0.1",
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            )
        try:
            client = Client(
                cluster if cluster is not None else scheduler, timeout=f"{connect_timeout_s}s"
            )
        except (OSError, TimeoutError) as error:
            if cluster is not None:
                cluster.close()
            raise InputError(
                Problem("--scheduler", None, None, "a reachable Dask scheduler", f"{error}")
            ) from None
        try:
            futures = client.map(run_one, todo, spec=spec, retries=retries, pure=False)
            ids = {future.key: run_id for future, run_id in zip(futures, todo, strict=True)}
            for count, future in enumerate(as_completed(futures), start=1):
                run_id = ids[future.key]
                if future.status == "finished":
                    record = future.result()
                else:
                    record = _failure(run_id, future.exception(), future.traceback())
                store.write(out, record)
                (succeeded if record.status == "ok" else failed).append(run_id)
                if progress is not None:
                    progress(count, len(todo), record)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    return Outcome(out, spec.runs, len(done), tuple(sorted(succeeded)), tuple(sorted(failed)))


def _failure(run_id: int, error: BaseException | None, trace: object) -> RunRecord:
    lines = traceback.format_tb(trace) if trace is not None else []  # type: ignore[arg-type]
    where = lines[-1].strip().splitlines()[0] if lines else ""
    text = f"{type(error).__name__}: {error}" + (f" ({where})" if where else "")
    return RunRecord(run_id=run_id, status="failed", error=text)
