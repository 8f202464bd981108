"""A dataset as a PyPSA network that poses the same optimisation as `surplus.dispatch`.

Buses are zones; generators are operating plants (`p_max_pu` = availability); links are
corridors (`p_min_pu` carries the reverse limit); loads are zone demand; a `shed-<zone>`
generator at the value of lost load stands for unserved energy. Several parts of the problem
have no PyPSA component: monthly hydro budgets and fuel limits, must-run floors that may be
spilled at a penalty, and the regional reserve (quick-start plants' unused capacity, slow
plants' spinning headroom, reserve carried over corridors between regions in their unused
room). They travel in `n.meta` (so they survive netCDF) and `add_dispatch_constraints` adds
them to `n.model`; `optimize` does both. Snapshots are the dataset's hours in UTC, without a
time zone, because PyPSA's netCDF files keep naive stamps.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from surplus.grid.budgets import monthly_fuel_limits_mwh, monthly_hydro_budgets_mwh
from surplus.grid.model import Dataset

RESERVE_SHORTFALL_FACTOR = 2.0
"""Must equal `surplus.dispatch.system.RESERVE_SHORTFALL_FACTOR` (a test checks this); kept
here so that `grid` does not import `dispatch`."""
CARRY_COST_PKR_PER_MW = 1.0
"""Must equal `surplus.dispatch.model.CARRY_COST_PKR_PER_MW` (a test checks this)."""


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
    """Add budgets, fuel limits, spillable must-run floors and the regional reserve (with
    their priced slacks) to `network.model`."""
    model = network.model
    meta = network.meta
    output = model.variables["Generator-p"]
    for plant, first, last, energy_mwh in meta["hydro_budgets"]:
        hours = network.snapshots[first:last]
        model.add_constraints(
            output.sel(name=plant, snapshot=hours).sum() <= energy_mwh,
            name=f"hydro-budget-{plant}-{first}",
        )
    for fuel, plants, first, last, energy_mwh in meta.get("fuel_limits", []):
        hours = network.snapshots[first:last]
        model.add_constraints(
            output.sel(name=list(plants), snapshot=hours).sum() <= energy_mwh,
            name=f"fuel-limit-{fuel}-{first}",
        )
    available = _available_mw(network)
    _soft_floors(network, output, available)
    _reserve(network, output, available)


def _available_mw(network: Any) -> pd.DataFrame:
    """Snapshots × generators: available capacity, MW."""
    share = network.get_switchable_as_dense("Generator", "p_max_pu")
    return share * network.generators.p_nom


def _frame(values: pd.DataFrame, dim: str) -> Any:
    """A snapshots × names frame as a DataArray with the model's dimension names."""
    return values.rename_axis(index="snapshot", columns=dim).stack().to_xarray()


def _soft_floors(network: Any, output: Any, available: pd.DataFrame) -> None:
    """A must-run plant's output may fall below its floor, each MWh spilled at a penalty."""
    model = network.model
    shares = pd.Series(network.meta.get("must_run", {}), dtype=float)
    if shares.empty:
        return
    floor = available[list(shares.index)] * shares
    floor.columns.name = None
    spill = model.add_variables(lower=0, upper=_frame(floor, "name"), name="must-run-spill")
    model.add_constraints(
        output.sel(name=list(shares.index)) + spill >= _frame(floor, "name"), name="must-run"
    )
    penalty = float(network.meta["spill_penalty_pkr_per_mwh"])
    model.objective = model.objective.expression + penalty * spill.sum()


def _reserve(network: Any, output: Any, available: pd.DataFrame) -> None:
    """Each region: quick-start plants' unused capacity, slow plants' spinning reserve and
    reserve carried in over corridors, plus a priced shortfall, cover its requirement."""
    model = network.model
    meta = network.meta
    reserve = meta["reserve"]
    regions = list(reserve["regions"])
    index = network.snapshots
    slow = pd.DataFrame(reserve["slow"], columns=["plant", "region", "ratio"])
    spin = None
    if len(slow):
        names = list(slow["plant"])
        room = available[names]
        spin = model.add_variables(lower=0, upper=_frame(room, "name"), name="spinning-reserve")
        model.add_constraints(output.sel(name=names) + spin <= _frame(room, "name"), name="room")
        ratio = slow.set_index("plant")["ratio"].rename_axis("name").to_xarray()
        model.add_constraints(spin - ratio * output.sel(name=names) <= 0, name="spinning")
    transfers = pd.DataFrame(
        reserve["transfers"], columns=["corridor", "source", "sink", "max_mw", "min_mw"]
    )
    carried = None
    if len(transfers):
        names = list(transfers["corridor"])
        room = (transfers["max_mw"] - transfers["min_mw"]).to_numpy()
        bounds = _frame(
            pd.DataFrame(np.tile(room, (len(index), 1)), index=index, columns=names), "name"
        )
        forward = model.add_variables(lower=0, upper=bounds, name="reserve-carried-forward")
        backward = model.add_variables(lower=0, upper=bounds, name="reserve-carried-backward")
        carried = forward - backward
        flow = model.variables["Link-p"].sel(name=names)
        limits = transfers.set_index("corridor").rename_axis("name")
        model.add_constraints(flow + carried <= limits["max_mw"].to_xarray(), name="carry-max")
        model.add_constraints(flow + carried >= limits["min_mw"].to_xarray(), name="carry-min")
        cost = CARRY_COST_PKR_PER_MW * (forward.sum() + backward.sum())
        model.objective = model.objective.expression + cost
    shortfall = model.add_variables(
        lower=0, coords=[index, pd.Index(regions, name="region")], name="reserve-shortfall"
    )
    required = pd.DataFrame(reserve["requirement_mw"], index=index)
    for region in regions:
        quick = list(reserve["quick"].get(region, []))
        lhs = shortfall.sel(region=region)
        rhs = required[region] - available[quick].sum(axis=1)
        if quick:
            lhs = lhs - output.sel(name=quick).sum("name")
        own = list(slow.loc[slow["region"] == region, "plant"])
        if own and spin is not None:
            lhs = lhs + spin.sel(name=own).sum("name")
        for column, sign in (("sink", 1.0), ("source", -1.0)):
            crossing = list(transfers.loc[transfers[column] == region, "corridor"])
            if crossing and carried is not None:
                lhs = lhs + sign * carried.sel(name=crossing).sum("name")
        model.add_constraints(
            lhs >= rhs.rename_axis("snapshot").to_xarray(), name=f"reserve-{region}"
        )
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
    must = plants["must_run"].astype(float)
    return {
        "hydro_budgets": _budget_windows(dataset),
        "fuel_limits": _fuel_windows(dataset),
        "must_run": {str(p): float(v) for p, v in must[must > 0].items()},
        "spill_penalty_pkr_per_mwh": float(dataset.spill_penalty_per_mwh),
        "reserve": _reserve_meta(dataset),
        "reserve_mw": [float(v) for v in dataset.reserve_mw().to_numpy()],
        "reserve_shortfall_pkr_per_mw": RESERVE_SHORTFALL_FACTOR
        * float(dataset.info.value_of_lost_load_per_mwh),
        "timezone": dataset.info.timezone,
        "source": dataset.info.path or dataset.info.name,
    }


def _reserve_meta(dataset: Dataset) -> dict[str, Any]:
    """Regions and their requirements, which plants hold reserve how, and the corridors
    between regions, as plain lists (netCDF keeps them as JSON)."""
    regions = dataset.reserve_regions()
    region_of = {zone: region.name for region in regions for zone in region.zones}
    plants = dataset.operating_plants
    reserve = dataset.plant_reserve()
    where = plants["zone"].map(region_of)
    quick: dict[str, list[str]] = {region.name: [] for region in regions}
    for plant in reserve.index[reserve["kind"] == "quick"]:
        quick[str(where[plant])].append(str(plant))
    slow = [
        [str(plant), str(where[plant]), float(reserve.loc[plant, "spin_ratio"])]
        for plant in reserve.index[reserve["kind"] == "slow"]
    ]
    corridors = dataset.corridors
    transfers = [
        [
            str(name),
            region_of[row["from_zone"]],
            region_of[row["to_zone"]],
            float(row["capacity_mw"]),
            -float(row["reverse_capacity_mw"]),
        ]
        for name, row in corridors.iterrows()
        if region_of[row["from_zone"]] != region_of[row["to_zone"]]
    ]
    required = dataset.reserve_requirement_mw()
    return {
        "regions": [region.name for region in regions],
        "requirement_mw": {str(k): [float(v) for v in required[k]] for k in required.columns},
        "quick": quick,
        "slow": slow,
        "transfers": transfers,
    }


def _fuel_windows(dataset: Dataset) -> list[list[Any]]:
    """[fuel, [plants], first hour position, end position, MWh] per limit and local month,
    pro-rated to the hours present as the dispatch does."""
    table = monthly_fuel_limits_mwh(dataset)
    months = dataset.local_snapshots.month.to_numpy()
    plants = dataset.operating_plants
    windows: list[list[Any]] = []
    for fuel in table.columns:
        burning = [str(p) for p in plants.index[plants["fuel"].astype(str) == fuel]]
        for month, energy_mwh in table[fuel].items():
            where = np.flatnonzero(months == month)
            if len(where) and np.isfinite(energy_mwh):
                windows.append(
                    [str(fuel), burning, int(where[0]), int(where[-1]) + 1, float(energy_mwh)]
                )
    return windows


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
