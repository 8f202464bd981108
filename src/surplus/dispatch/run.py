"""The one entry point: dataset (and optional flexible loads) in, `DispatchResult` out."""

from __future__ import annotations

import functools
import queue
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from surplus.dispatch.diagnosis import diagnose, spill_by_zone_mw
from surplus.dispatch.flexible import FlexibleLoad
from surplus.dispatch.result import DispatchResult
from surplus.dispatch.solve import BaseCaps, MonthSolver, Solution
from surplus.dispatch.spare import spare_mw
from surplus.dispatch.system import QUICK, DispatchError, System, prepare
from surplus.grid.model import Dataset

CONGESTION_TOLERANCE_MW = 1e-6
"""A corridor within this of a limit counts as congested."""


SOLVER_THREADS = 2
"""Months are solved on this many threads (at most two: one from each end of the year),
each by its own warm HiGHS instance; HiGHS releases Python's interpreter lock while it
solves, and the calling thread measures spare capacity meanwhile."""


def dispatch(
    dataset: Dataset,
    flexible_loads: Sequence[FlexibleLoad] = (),
    progress: Callable[[int, int], None] | None = None,
    cost_cap_pkr_per_mwh: float | None = None,
    base: DispatchResult | None = None,
) -> DispatchResult:
    """Least-cost hourly dispatch of the dataset's operating plants over its hours.

    Minimises variable cost plus the value of lost load for unserved energy and penalties
    for spilled must-run output and reserve shortfall, less the value of flexible load
    served; see docs/dispatch.md for the formulation. Flexible loads never shed an existing
    consumer nor take reserve. `cost_cap_pkr_per_mwh` is the ceiling for spare capacity at a
    cost (default: the dataset's cost cap; inf for none). `base`, the same dataset's dispatch
    without flexible loads, spares solving each month without them first. `progress(done,
    total)` is called, on the calling thread, each time a month is solved and its spare
    capacity measured.
    """
    system = prepare(dataset, flexible_loads, cost_cap_pkr_per_mwh)
    caps = _base_caps(system, base) if base is not None and len(system.flexible) else None
    measure_now = not len(system.flexible)
    blocks = system.blocks()
    todo = _Months(len(blocks))
    solved: queue.Queue[tuple[int, Solution | BaseException]] = queue.Queue()
    months: dict[int, Solution] = {}
    spares: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    ends = ("first", "last")[: min(SOLVER_THREADS, len(blocks))]
    with ThreadPoolExecutor(max_workers=len(ends)) as threads:
        for end in ends:
            threads.submit(_solve_chain, system, blocks, todo, end, solved, caps)
        for done in range(1, len(blocks) + 1):
            position, month = solved.get()
            if isinstance(month, BaseException):
                raise month
            months[position] = month
            if measure_now:
                spares[position] = spare_mw(system, month)
            if progress is not None:
                progress(done, len(blocks))
    ordered = [months[i] for i in range(len(blocks))]
    if measure_now:
        measured = [spares[i] for i in range(len(blocks))]
        measure = functools.partial(_spare_frames, system, measured)
    else:
        measure = functools.partial(_measure_spare, system, ordered)
    return _result(dataset, system, Solution.join(ordered), measure)


def _measure_spare(system: System, months: list[Solution]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spare capacity month by month (the water and fuel left are a month's figures)."""
    return _spare_frames(system, [spare_mw(system, month) for month in months])


def _spare_frames(
    system: System, months: list[tuple[np.ndarray, np.ndarray]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Physical and at-cost spare MW of each month, as hours × zones frames."""
    physical, at_cost = (np.concatenate([month[kind] for month in months]) for kind in (0, 1))
    return (
        pd.DataFrame(physical, index=system.snapshots, columns=system.zones),
        pd.DataFrame(at_cost, index=system.snapshots, columns=system.zones),
    )


class _Months:
    """The months still to solve. One solver works forwards from January, the other
    backwards from December, each taking the month next to the one it just solved (so its
    warm start fits), until they meet: the harder half of the year gets no more than its
    share of the time."""

    def __init__(self, count: int) -> None:
        self.left = deque(range(count))
        self.lock = threading.Lock()

    def take(self, end: str) -> int | None:
        with self.lock:
            if not self.left:
                return None
            return self.left.popleft() if end == "first" else self.left.pop()


def _solve_chain(
    system: System,
    blocks: list[np.ndarray],
    todo: _Months,
    end: str,
    solved: queue.Queue[tuple[int, Solution | BaseException]],
    caps: BaseCaps | None = None,
) -> None:
    """Solve months from one end of the year on one warm solver; hand each result (or the
    error) back."""
    solver = MonthSolver(system, caps)
    try:
        while (position := todo.take(end)) is not None:
            solved.put((position, solver.solve(blocks[position])))
    except BaseException as error:  # handed to the calling thread, which raises it
        solved.put((-1, error))


def _base_caps(system: System, base: DispatchResult) -> BaseCaps:
    """The caps a dispatch without flexible loads sets, checked to be of the same system."""
    unserved = base.unserved_mw
    shortfall = base.region_reserve_shortfall_mw
    if not (
        unserved.index.equals(system.snapshots)
        and list(unserved.columns) == list(system.zones)
        and list(shortfall.columns) == list(system.regions)
        and base.flexible_served_mw.shape[1] == 0
    ):
        raise DispatchError("base must be the dispatch of the same dataset without flexible loads")
    return BaseCaps(unserved.to_numpy(float), shortfall.to_numpy(float))


def _result(
    dataset: Dataset,
    system: System,
    solution: Solution,
    measure_spare: Callable[[], tuple[pd.DataFrame, pd.DataFrame]],
) -> DispatchResult:
    index = system.snapshots

    def frame(values: np.ndarray, columns: pd.Index) -> pd.DataFrame:
        return pd.DataFrame(values, index=index, columns=columns)

    plants = dataset.operating_plants
    generation = solution.unit_mw[:, system.plant_unit] * system.plant_share
    flow = solution.flow_mw
    congested = (flow >= system.corridor_max_mw - CONGESTION_TOLERANCE_MW) | (
        flow <= system.corridor_min_mw + CONGESTION_TOLERANCE_MW
    )
    unused = system.unit_available_mw - solution.unit_mw
    quick = system.unit_reserve_class == QUICK
    held = unused[:, quick].sum(axis=1) + solution.spin_mw.sum(axis=1)
    return DispatchResult(
        price_pkr_per_mwh=frame(solution.price_pkr_per_mwh, system.zones),
        unserved_mw=frame(solution.unserved_mw, system.zones),
        generation_mw=frame(generation, system.plants),
        flow_mw=frame(flow, system.corridors),
        congested=frame(congested, system.corridors),
        reserve_mw=pd.Series(system.reserve_mw.sum(axis=1), index=index, name="reserve_mw"),
        flexible_served_mw=frame(solution.flexible_mw, system.flexible),
        objective_pkr=solution.objective_pkr,
        reserve_held_mw=pd.Series(held, index=index, name="reserve_held_mw"),
        reserve_shortfall_mw=pd.Series(
            solution.shortfall_mw.sum(axis=1), index=index, name="reserve_shortfall_mw"
        ),
        capacity_mw=plants["capacity_mw"].astype(float),
        variable_cost_pkr_per_mwh=plants["variable_cost_pkr_per_mwh"].astype(float),
        timezone=dataset.info.timezone,
        cost_cap_pkr_per_mwh=system.cost_cap_pkr_per_mwh,
        spill_mw=frame(spill_by_zone_mw(system, solution), system.zones),
        region_reserve_mw=frame(system.reserve_mw, system.regions),
        region_reserve_shortfall_mw=frame(solution.shortfall_mw, system.regions),
        reserve_transfer_mw=frame(
            solution.transfer_mw, system.corridors[system.transfer_corridors]
        ),
        events=diagnose(system, solution),
        measure_spare=measure_spare,
    )
