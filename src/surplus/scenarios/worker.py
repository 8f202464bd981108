"""One run, as a Dask task: draw from the spec's seed and the run's id, run the study, ask
each further phase's quota, and return the record. Pure apart from a per-process cache of
the dataset as read (each worker reads it once)."""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from surplus.grid.model import Dataset
from surplus.scenarios.draws import draw, study_input
from surplus.scenarios.record import QuotaFigure, RunRecord
from surplus.scenarios.spec import ScenarioSpec
from surplus.study import Study, run_study

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult, FlexibleLoad
    from surplus.headroom.joint import JointAnswer


@functools.lru_cache(maxsize=2)
def base_dataset(path: Path | None) -> Dataset:
    from surplus.grid.load import load_dataset

    return load_dataset(path)


@contextlib.contextmanager
def one_solver_thread() -> Iterator[None]:
    """Solve months one after another while a run lasts: the ensemble's parallelism is
    across runs (one task per core), and a single chain of warm starts makes a run's numbers
    the same on any worker, however busy."""
    import surplus.dispatch.run as dispatch_run

    before, dispatch_run.SOLVER_THREADS = dispatch_run.SOLVER_THREADS, 1
    try:
        yield
    finally:
        dispatch_run.SOLVER_THREADS = before


class _Clock:
    """Wall seconds per stage, from the study's progress callback."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.stage = "prepare"
        self.since = time.perf_counter()

    def __call__(self, stage: str, _done: int = 0, _total: int = 0) -> None:
        if stage != self.stage:
            now = time.perf_counter()
            if self.stage:
                self.seconds[self.stage] = self.seconds.get(self.stage, 0.0) + now - self.since
            self.stage, self.since = stage, now


def run_one(run_id: int, spec: ScenarioSpec) -> RunRecord:
    """Run `run_id` of `spec`; an error propagates (Dask retries it, then it is recorded)."""
    with one_solver_thread():
        return _run(run_id, spec)


def _run(run_id: int, spec: ScenarioSpec) -> RunRecord:
    started = time.perf_counter()
    clock = _Clock()
    base = base_dataset(spec.dataset)
    drawn = draw(spec, run_id, base)
    study = run_study(study_input(spec, drawn), base=base, progress=clock)
    clock("phases")
    quotas = phases(study, spec)
    clock("end")
    seconds = {**clock.seconds, "total": time.perf_counter() - started}
    return RunRecord(
        run_id=run_id,
        status="ok",
        settings=tuple(s.text for s in drawn.settings),
        weather=drawn.weather,
        tariff=drawn.tariff,
        btc_seed=drawn.btc_seed,
        figures=study.figures(),
        quotas=quotas,
        seconds=seconds,
    )


def phases(study: Study, spec: ScenarioSpec) -> tuple[QuotaFigure, ...]:
    """Each phase's quota (the total after that phase) at the named sites together: the
    first from the study's joint answer, each later one from its own joint dispatch."""
    from surplus.dispatch import dispatch
    from surplus.headroom.joint import joint_curtailment
    from surplus.headroom.sites import split_load

    budget = spec.programme.budget
    first = study.siting.joint if study.siting is not None else None
    if first is None:
        return ()
    names = [s.site.name for s in first.sites]

    def run(
        data: Dataset,
        flexible_loads: Sequence[FlexibleLoad] = (),
        base: DispatchResult | None = None,
    ) -> DispatchResult:
        return dispatch(data, flexible_loads, base=study.result)

    answers: list[JointAnswer] = [first]
    for quota in spec.programme.quotas_mw[1:]:
        sites = split_load(study.dataset, names, quota)
        answers.append(joint_curtailment(study.dataset, study.result, sites, run=run))
    return tuple(
        QuotaFigure(
            quota_mw=answer.total_load_mw,
            curtailment_rate=answer.combined.rate,
            curtailed_hours_per_year=answer.combined.curtailed_hours_per_year,
            holds=answer.combined.rate <= budget + 1e-12,
        )
        for answer in answers
    )
