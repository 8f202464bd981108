"""The one entry point: dataset (and optional flexible loads) in, `DispatchResult` out."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from surplus.dispatch.flexible import FlexibleLoad
from surplus.dispatch.result import DispatchResult
from surplus.dispatch.solve import Solution, solve
from surplus.dispatch.spare import spare_mw
from surplus.dispatch.system import System, prepare
from surplus.grid.model import Dataset

CONGESTION_TOLERANCE_MW = 1e-6
"""A corridor within this of a limit counts as congested."""


def dispatch(
    dataset: Dataset,
    flexible_loads: Sequence[FlexibleLoad] = (),
    progress: Callable[[int, int], None] | None = None,
) -> DispatchResult:
    """Least-cost hourly dispatch of the dataset's operating plants over its hours.

    Minimises variable cost plus the value of lost load for unserved energy, less the value of
    flexible load served; see docs/dispatch.md for the formulation. `progress(done, total)` is
    called after each solved month and once more after the spare capacity.
    """
    system = prepare(dataset, flexible_loads)
    total = len(system.blocks()) + 1

    def step(done: int, _: int) -> None:
        if progress is not None:
            progress(done, total)

    solution = solve(system, step)
    spare = spare_mw(system, solution)
    step(total, total)
    return _result(dataset, system, solution, spare)


def _result(
    dataset: Dataset, system: System, solution: Solution, spare: np.ndarray
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
    held = (system.unit_available_mw - solution.unit_mw)[:, system.unit_reserve].sum(axis=1)
    return DispatchResult(
        price_pkr_per_mwh=frame(solution.price_pkr_per_mwh, system.zones),
        unserved_mw=frame(solution.unserved_mw, system.zones),
        spare_mw=frame(spare, system.zones),
        generation_mw=frame(generation, system.plants),
        flow_mw=frame(flow, system.corridors),
        congested=frame(congested, system.corridors),
        reserve_mw=pd.Series(system.reserve_mw, index=index, name="reserve_mw"),
        flexible_served_mw=frame(solution.flexible_mw, system.flexible),
        objective_pkr=solution.objective_pkr,
        reserve_held_mw=pd.Series(held, index=index, name="reserve_held_mw"),
        reserve_shortfall_mw=pd.Series(
            solution.shortfall_mw, index=index, name="reserve_shortfall_mw"
        ),
        capacity_mw=plants["capacity_mw"].astype(float),
        variable_cost_pkr_per_mwh=plants["variable_cost_pkr_per_mwh"].astype(float),
        timezone=dataset.info.timezone,
    )
