"""A one-zone merit-order dispatch written independently of `surplus.dispatch`, as the oracle
for end-to-end economics tests on systems small enough to work by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surplus.dispatch.flexible import FlexibleLoad
from surplus.grid.model import Dataset


@dataclass(frozen=True)
class MeritOrderResult:
    price_pkr_per_mwh: pd.DataFrame
    unserved_mw: pd.DataFrame
    generation_mw: pd.DataFrame
    flexible_served_mw: pd.DataFrame


def merit_order_dispatch(
    dataset: Dataset, flexible_loads: Sequence[FlexibleLoad] = ()
) -> MeritOrderResult:
    """Copper plate, no reserve, no must-run: fill demand from the cheapest plant up, then
    each flexible load in order of value while a plant cheaper than its value is left."""
    plants = dataset.operating_plants.sort_values("variable_cost_pkr_per_mwh")
    index = dataset.snapshots
    zone = dataset.zones.index[0]
    voll = dataset.info.value_of_lost_load_per_mwh
    loads = sorted(flexible_loads, key=lambda f: -(f.value_pkr_per_mwh or 0.0))
    generation = pd.DataFrame(0.0, index, plants.index)
    served = pd.DataFrame(0.0, index, [f.name for f in flexible_loads])
    price = pd.Series(0.0, index)
    unserved = pd.Series(0.0, index)
    for t, stamp in enumerate(index):
        stack = _Stack(plants)
        demand = float(dataset.demand_mw.iloc[t].sum())
        unserved.iloc[t] = demand - stack.take(demand, np.inf)
        if unserved.iloc[t] > 0:
            stack.marginal = voll
        for load in loads:
            want = float(
                load.load_mw.iloc[t] if isinstance(load.load_mw, pd.Series) else load.load_mw
            )
            value = float(load.value_pkr_per_mwh or 0.0)
            got = stack.take(want, value)
            served.loc[stamp, load.name] = got
            if got < want and stack.marginal < value and stack.room.sum() == 0:
                stack.marginal = value
        generation.iloc[t] = plants["capacity_mw"].to_numpy(float) - stack.room
        price.iloc[t] = stack.marginal
    return MeritOrderResult(
        price_pkr_per_mwh=pd.DataFrame({zone: price}),
        unserved_mw=pd.DataFrame({zone: unserved}),
        generation_mw=generation,
        flexible_served_mw=served,
    )


class _Stack:
    """One hour's supply curve: plants in merit order, what is left of each, and the cost of
    the last plant used."""

    def __init__(self, plants: pd.DataFrame) -> None:
        self.room = plants["capacity_mw"].to_numpy(float).copy()
        self.cost = plants["variable_cost_pkr_per_mwh"].to_numpy(float)
        self.marginal = 0.0

    def take(self, mw: float, limit: float) -> float:
        """Take up to `mw` from plants no dearer than `limit`, cheapest first."""
        got = 0.0
        for k in range(len(self.room)):
            if self.cost[k] > limit or got >= mw:
                continue
            step = min(self.room[k], mw - got)
            if step > 0:
                self.room[k] -= step
                got += step
                self.marginal = self.cost[k]
        return got
