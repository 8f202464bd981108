"""A dataset as a PyPSA network that poses the same optimisation as `surplus.dispatch`.

Buses are zones; generators are operating plants (`p_max_pu` = availability, `p_min_pu` =
must-run share of it); links are corridors (`p_min_pu` carries the reverse limit); loads are
zone demand; a `shed-<zone>` generator at the value of lost load stands for unserved energy.
Two parts of the problem have no PyPSA component: monthly hydro budgets and the system
reserve. They travel in `n.meta` (so they survive netCDF) and `add_dispatch_constraints`
adds them to `n.model`; `optimize` does both. Snapshots are the dataset's hours in UTC,
without a time zone, because PyPSA's netCDF files keep naive stamps.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from surplus.grid.budgets import monthly_hydro_budgets_mwh
from surplus.grid.model import Dataset

RESERVE_SHORTFALL_FACTOR = 2.0
"""Must equal `surplus.dispatch.system.RESERVE_SHORTFALL_FACTOR` (a test checks this); kept
here so that `grid` does not import `dispatch`."""


def to_pypsa(dataset: Dataset) -> Any:
    """The dataset as a `pypsa.Network`, with budgets and reserve in `n.meta`."""
    import pypsa

    network = pypsa.Network(name=dataset.info.name)
    snapshots = pd.DatetimeIndex(dataset.snapshots.tz_convert("UTC").tz_localize(None))
    network.set_snapshots(snapshots)
    zones = list(dataset.zones.index)
    carriers = {"AC", "DC", "load_shedding", *dataset.operating_plants["fuel"].astype(str)}
    network.add("Carrier", sorted(carriers))
    network.add("Bus", zones, carrier="AC")
    _add_plants(network, dataset, snapshots)
    _add_corridors(network, dataset)
    demand = dataset.demand_mw.reindex(columns=zones, fill_value=0.0)
    demand.index = snapshots
    network.add(
        "Load",
        [f"load-{z}" for z in zones],
        bus=zones,
        p_set=demand.set_axis([f"load-{z}" for z in zones], axis=1),
    )
    _add_shedding(network, dataset, demand)
    network.meta = _meta(dataset)
    return network


def export_pypsa(dataset: Dataset, out_path: str | Path) -> Path:
    """Write `to_pypsa(dataset)` as a PyPSA netCDF file and return its path."""
    path = Path(out_path)
    network = to_pypsa(dataset)
    _quietly(lambda: network.export_to_netcdf(str(path)))
    return path


def optimize(
    network: Any, solver_name: str = "highs", io_api: str = "direct", **solver_options: Any
) -> float:
    """Solve the network with the budgets and reserve of its `meta`; returns the objective.

    `io_api="direct"` hands the model to the solver in memory (PyPSA's fastest path for
    HiGHS); `"lp"` writes an LP file first, as PyPSA does by default."""
    status, condition = _quietly(
        lambda: network.optimize(
            solver_name=solver_name,
            extra_functionality=add_dispatch_constraints,
            include_objective_constant=False,
            log_to_console=False,
            io_api=io_api,
            progress=False,
            solver_options=solver_options,
        )
    )
    if status != "ok":
        raise RuntimeError(f"PyPSA optimisation failed: {status}, {condition}")
    return float(network.objective)


def add_dispatch_constraints(network: Any, snapshots: Any) -> None:
    """Add hydro budgets and the reserve (with its priced shortfall) to `network.model`."""
    model = network.model
    meta = network.meta
    output = model.variables["Generator-p"]
    for plant, first, last, energy_mwh in meta["hydro_budgets"]:
        hours = network.snapshots[first:last]
        model.add_constraints(
            output.sel(name=plant, snapshot=hours).sum() <= energy_mwh,
            name=f"hydro-budget-{plant}-{first}",
        )
    reserve = pd.Series(meta["reserve_mw"], index=network.snapshots)
    providers = list(meta["reserve_plants"])
    available = network.generators_t.p_max_pu.reindex(columns=providers, fill_value=1.0)
    held_mw = (available * network.generators.p_nom[providers]).sum(axis=1)
    shortfall = model.add_variables(lower=0, coords=[network.snapshots], name="reserve-shortfall")
    lhs = output.sel(name=providers).sum("name") - shortfall if providers else -shortfall
    rhs = (held_mw - reserve).rename_axis("snapshot")
    model.add_constraints(lhs <= rhs.to_xarray(), name="reserve")
    penalty = float(meta["reserve_shortfall_pkr_per_mw"])
    model.objective = model.objective.expression + penalty * shortfall.sum()


def _add_plants(network: Any, dataset: Dataset, snapshots: pd.DatetimeIndex) -> None:
    plants = dataset.operating_plants
    share = dataset.plant_availability().set_axis(snapshots, axis=0)
    network.add(
        "Generator",
        list(plants.index),
        bus=plants["zone"].to_numpy(),
        carrier=plants["fuel"].to_numpy(),
        p_nom=plants["capacity_mw"].to_numpy(float),
        marginal_cost=plants["variable_cost_pkr_per_mwh"].to_numpy(float),
        p_max_pu=share,
        p_min_pu=share * plants["must_run"].to_numpy(float),
    )


def _add_corridors(network: Any, dataset: Dataset) -> None:
    corridors = dataset.corridors
    if corridors.empty:
        return
    forward = corridors["capacity_mw"].to_numpy(float)
    backward = corridors["reverse_capacity_mw"].to_numpy(float)
    p_nom = np.maximum(np.maximum(forward, backward), 1e-9)
    network.add(
        "Link",
        list(corridors.index),
        bus0=corridors["from_zone"].to_numpy(),
        bus1=corridors["to_zone"].to_numpy(),
        p_nom=p_nom,
        p_max_pu=forward / p_nom,
        p_min_pu=-backward / p_nom,
        efficiency=1.0,
        carrier=corridors["kind"].fillna("ac").str.upper().to_numpy()
        if "kind" in corridors
        else "AC",
    )


def _add_shedding(network: Any, dataset: Dataset, demand: pd.DataFrame) -> None:
    """Unserved energy: a generator per zone at the value of lost load, up to its demand."""
    peak = demand.max(axis=0).clip(lower=1e-9)
    names = [f"shed-{z}" for z in demand.columns]
    network.add(
        "Generator",
        names,
        bus=list(demand.columns),
        carrier="load_shedding",
        p_nom=peak.to_numpy(),
        marginal_cost=float(dataset.info.value_of_lost_load_per_mwh),
        p_max_pu=(demand / peak).set_axis(names, axis=1),
    )


def _meta(dataset: Dataset) -> dict[str, Any]:
    plants = dataset.operating_plants
    return {
        "hydro_budgets": _budget_windows(dataset),
        "reserve_mw": [float(v) for v in dataset.reserve_mw().to_numpy()],
        "reserve_plants": [str(p) for p in plants.index[plants["provides_reserve"].astype(bool)]],
        "reserve_shortfall_pkr_per_mw": RESERVE_SHORTFALL_FACTOR
        * float(dataset.info.value_of_lost_load_per_mwh),
        "timezone": dataset.info.timezone,
        "source": dataset.info.path or dataset.info.name,
    }


def _budget_windows(dataset: Dataset) -> list[list[Any]]:
    """[plant, first hour position, end position, MWh] per budget and local month, pro-rated
    to the hours present as the dispatch does."""
    table = monthly_hydro_budgets_mwh(dataset)
    months = dataset.local_snapshots.month.to_numpy()
    windows: list[list[Any]] = []
    for plant in table.columns:
        for month, energy_mwh in table[plant].items():
            where = np.flatnonzero(months == month)
            if len(where) and np.isfinite(energy_mwh):
                windows.append([str(plant), int(where[0]), int(where[-1]) + 1, float(energy_mwh)])
    return windows


def _quietly(action: Any) -> Any:
    """Run a PyPSA call without its info logging flooding a CLI user's terminal."""
    logger = logging.getLogger("pypsa")
    linopy_logger = logging.getLogger("linopy")
    levels = logger.level, linopy_logger.level
    logger.setLevel(logging.WARNING)
    linopy_logger.setLevel(logging.WARNING)
    try:
        return action()
    finally:
        logger.setLevel(levels[0])
        linopy_logger.setLevel(levels[1])
