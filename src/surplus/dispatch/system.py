"""A dataset turned into the arrays the dispatch needs, checked once.

Plants that the optimiser cannot tell apart (same zone, fuel, cost, profile, must-run share,
reserve class, and no energy budget) are merged into one dispatch unit; their output is
shared back in proportion to capacity. That keeps the programme small without changing its
optimum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surplus.dispatch.flexible import FlexibleLoad, default_value_pkr_per_mwh
from surplus.errors import SurplusError
from surplus.grid.budgets import monthly_fuel_limits_mwh, monthly_hydro_budgets_mwh
from surplus.grid.model import Dataset

RESERVE_SHORTFALL_FACTOR = 2.0
"""A MW of reserve not held costs this many times the value of lost load, so the optimiser
sheds load before it runs short of reserve; the slack only keeps the problem solvable when
must-run output alone leaves too little room."""

NO_RESERVE, QUICK, SLOW = 0, 1, 2
"""Reserve classes of a unit: holds none; holds all its unused capacity (starts within the
response time); holds the spinning headroom of its running output only."""


class DispatchError(SurplusError):
    """The dispatch cannot be set up or solved for this input."""


@dataclass(frozen=True)
class System:
    """Arrays on the dataset's hours (H), zones (Z), dispatch units (U), corridors (C),
    flexible loads (F) and reserve regions (R). Every MW figure is per hour."""

    snapshots: pd.DatetimeIndex
    zones: pd.Index
    plants: pd.Index
    corridors: pd.Index
    flexible: pd.Index
    regions: pd.Index
    plant_unit: np.ndarray
    plant_share: np.ndarray
    unit_zone: np.ndarray
    unit_cost: np.ndarray
    unit_reserve_class: np.ndarray
    """NO_RESERVE, QUICK or SLOW per unit."""
    unit_spin_ratio: np.ndarray
    """For a SLOW unit, the most spinning reserve per MW of output: (1 − m) / m for a
    minimum stable share m; 0 otherwise."""
    unit_available_mw: np.ndarray
    unit_min_mw: np.ndarray
    """Must-run floor, H × U: below it output is spilled at `spill_penalty_pkr_per_mwh`."""
    unit_budget: np.ndarray
    """Row of `budget_mwh` for a unit with an energy budget, else -1."""
    budget_mwh: np.ndarray
    """Budget units × 12 local months, MWh, pro-rated to the hours present; inf: no budget.
    See `surplus.grid.budgets`."""
    unit_fuel_limit: np.ndarray
    """Row of `fuel_limit_mwh` for a unit whose fuel is limited, else -1."""
    fuel_limit_mwh: np.ndarray
    """Limited fuels × 12 local months, MWh of electricity, pro-rated; inf: no limit."""
    fuel_names: pd.Index
    hour_month: np.ndarray
    corridor_from: np.ndarray
    corridor_to: np.ndarray
    corridor_max_mw: np.ndarray
    corridor_min_mw: np.ndarray
    zone_region: np.ndarray
    transfer_corridors: np.ndarray
    """Corridors between two reserve regions: reserve may cross them, in their unused room."""
    demand_mw: np.ndarray
    reserve_mw: np.ndarray
    """Requirement, H × R."""
    flexible_zone: np.ndarray
    flexible_load_mw: np.ndarray
    flexible_value: np.ndarray
    voll_pkr_per_mwh: float
    spill_penalty_pkr_per_mwh: float
    cost_cap_pkr_per_mwh: float
    """Highest marginal cost counted in spare capacity at a cost; inf: no cap."""

    @property
    def reserve_penalty_pkr_per_mw(self) -> float:
        return RESERVE_SHORTFALL_FACTOR * self.voll_pkr_per_mwh

    @property
    def unit_reserve(self) -> np.ndarray:
        """Units that hold reserve of either class."""
        return self.unit_reserve_class != NO_RESERVE

    @property
    def unit_region(self) -> np.ndarray:
        return self.zone_region[self.unit_zone]

    @property
    def slow_units(self) -> np.ndarray:
        return np.flatnonzero(self.unit_reserve_class == SLOW)

    @property
    def must_units(self) -> np.ndarray:
        """Units with a must-run floor in some hour: their output has a spillable part."""
        return np.flatnonzero((self.unit_min_mw > 0).any(axis=0))

    def blocks(self) -> list[np.ndarray]:
        """Hour positions of each local calendar month: hours couple only through the monthly
        energy budgets and fuel limits, so each month is its own programme."""
        change = np.flatnonzero(np.diff(self.hour_month)) + 1
        return np.split(np.arange(len(self.snapshots)), change)


def prepare(
    dataset: Dataset,
    flexible_loads: Sequence[FlexibleLoad] = (),
    cost_cap_pkr_per_mwh: float | None = None,
) -> System:
    """Check the dataset and loads against each other and build the dispatch arrays.
    `cost_cap_pkr_per_mwh` overrides the dataset's cost cap (inf: none)."""
    plants = dataset.operating_plants
    zones = pd.Index(dataset.zones.index)
    snapshots = dataset.snapshots
    if len(snapshots) == 0:
        raise DispatchError("the dataset has no hours to dispatch")
    local = snapshots.tz_convert(dataset.info.timezone)
    _check_months_once(local)
    available = dataset.available_mw().to_numpy(float)
    minimum = available * plants["must_run"].to_numpy(float)
    budgets = monthly_hydro_budgets_mwh(dataset)
    fuel_limits = monthly_fuel_limits_mwh(dataset)
    reserve_class, spin = _reserve_classes(dataset)
    plant_unit, share, first, unit_budget = _units(
        plants, list(budgets.columns), reserve_class, spin
    )
    n_units = len(first)
    fuels = plants["fuel"].astype(str).to_numpy()[first]
    corridors = dataset.corridors
    flex_names, flex_zone, flex_load_mw, flex_value = _flexible(dataset, flexible_loads, zones)
    regions = dataset.reserve_regions()
    zone_region = np.full(len(zones), -1)
    for k, region in enumerate(regions):
        zone_region[zones.get_indexer(list(region.zones))] = k
    corridor_from = zones.get_indexer(corridors["from_zone"].to_numpy())
    corridor_to = zones.get_indexer(corridors["to_zone"].to_numpy())
    cap = dataset.cost_ceiling_per_mwh if cost_cap_pkr_per_mwh is None else cost_cap_pkr_per_mwh
    return System(
        snapshots=snapshots,
        zones=zones,
        plants=pd.Index(plants.index),
        corridors=pd.Index(corridors.index),
        regions=pd.Index([region.name for region in regions], dtype=object),
        plant_unit=plant_unit,
        plant_share=share,
        unit_zone=zones.get_indexer(plants["zone"].to_numpy()[first]),
        unit_cost=plants["variable_cost_pkr_per_mwh"].to_numpy(float)[first],
        unit_reserve_class=reserve_class[first],
        unit_spin_ratio=spin[first],
        unit_available_mw=_sum_columns(available, plant_unit, n_units),
        unit_min_mw=_sum_columns(minimum, plant_unit, n_units),
        unit_budget=unit_budget,
        budget_mwh=np.ascontiguousarray(budgets.to_numpy(float).T),
        unit_fuel_limit=pd.Index(fuel_limits.columns).get_indexer(fuels),
        fuel_limit_mwh=np.ascontiguousarray(fuel_limits.to_numpy(float).T),
        fuel_names=pd.Index(fuel_limits.columns, dtype=object),
        hour_month=local.month.to_numpy(),
        corridor_from=corridor_from,
        corridor_to=corridor_to,
        corridor_max_mw=corridors["capacity_mw"].to_numpy(float),
        corridor_min_mw=-corridors["reverse_capacity_mw"].to_numpy(float),
        zone_region=zone_region,
        transfer_corridors=np.flatnonzero(zone_region[corridor_from] != zone_region[corridor_to]),
        demand_mw=dataset.demand_mw.reindex(columns=zones, fill_value=0.0).to_numpy(float),
        reserve_mw=dataset.reserve_requirement_mw().to_numpy(float),
        voll_pkr_per_mwh=float(dataset.info.value_of_lost_load_per_mwh),
        spill_penalty_pkr_per_mwh=float(dataset.spill_penalty_per_mwh),
        cost_cap_pkr_per_mwh=float(cap),
        flexible=flex_names,
        flexible_zone=flex_zone,
        flexible_load_mw=flex_load_mw,
        flexible_value=flex_value,
    )


def _reserve_classes(dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Each operating plant's reserve class and spinning ratio (see `System`)."""
    reserve = dataset.plant_reserve()
    codes = {"none": NO_RESERVE, "quick": QUICK, "slow": SLOW}
    return reserve["kind"].map(codes).to_numpy(int), reserve["spin_ratio"].to_numpy(float)


def _check_months_once(local: pd.DatetimeIndex) -> None:
    """Budgets are per calendar month and each month is one block: a month that comes back
    (a dataset longer than a year, or hours out of order) would get its water twice."""
    months = local.month.to_numpy()
    block_months = months[np.r_[0, np.flatnonzero(np.diff(months)) + 1]]
    if len(np.unique(block_months)) < len(block_months):
        raise DispatchError(
            "the dispatch takes hours in order within one year: a local calendar month "
            f"appears twice (months from {local[0]:%Y-%m} to {local[-1]:%Y-%m})"
        )


def _units(
    plants: pd.DataFrame, budget_plants: list[str], reserve_class: np.ndarray, spin: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each plant's unit, its share of the unit's capacity, each unit's first plant, and
    each unit's budget row (-1: none)."""
    keys = _unit_keys(plants, budget_plants, reserve_class, spin)
    keys, plant_unit = np.unique(keys, return_inverse=True)
    capacity = plants["capacity_mw"].to_numpy(float)
    unit_capacity = np.bincount(plant_unit, capacity, len(keys))[plant_unit]
    share = np.divide(capacity, unit_capacity, np.ones_like(capacity), where=unit_capacity > 0)
    first = np.unique(plant_unit, return_index=True)[1]
    unit_budget = np.full(len(keys), -1)
    for row, plant in enumerate(budget_plants):
        unit_budget[plant_unit[plants.index.get_loc(plant)]] = row
    return plant_unit, share, first, unit_budget


def _sum_columns(values: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """Columns of `values` summed by group, in column order (a loop over a few hundred
    columns is much faster than `np.add.at`, and adds in the same order)."""
    out = np.zeros((count, values.shape[0]))
    for column, group in zip(values.T, groups, strict=True):
        out[group] += column
    return out.T.copy()


def _unit_keys(
    plants: pd.DataFrame, budget_plants: list[str], reserve_class: np.ndarray, spin: np.ndarray
) -> np.ndarray:
    """One key per plant; equal keys are merged into one dispatch unit."""
    parts = [
        plants["zone"].astype(str),
        plants["fuel"].astype(str),
        plants["variable_cost_pkr_per_mwh"].map(repr),
        plants["availability"].fillna("").astype(str),
        plants["must_run"].map(repr),
        pd.Series(reserve_class, index=plants.index).astype(str),
        pd.Series(spin, index=plants.index).map(repr),
    ]
    keys = parts[0].str.cat(parts[1:], sep="|")
    own = plants.index.isin(budget_plants)
    keys[own] = "budget|" + plants.index[own].astype(str)
    return keys.to_numpy(str)


def _flexible(
    dataset: Dataset, loads: Sequence[FlexibleLoad], zones: pd.Index
) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray]:
    """Names, zone positions, hours × loads MW and values of the flexible loads."""
    hours = len(dataset.snapshots)
    voll = float(dataset.info.value_of_lost_load_per_mwh)
    costs = dataset.operating_plants["variable_cost_pkr_per_mwh"]
    default = default_value_pkr_per_mwh(float(costs.max()) if len(costs) else 0.0, voll)
    names = [load.name for load in loads]
    if len(set(names)) != len(names):
        raise DispatchError(f"flexible load names must be unique, found {names}")
    load_mw = np.zeros((hours, len(loads)))
    values = np.zeros(len(loads))
    for j, load in enumerate(loads):
        if load.zone not in zones:
            raise DispatchError(f"flexible load '{load.name}': zone '{load.zone}' is not a zone")
        load_mw[:, j] = _load_profile(load, dataset.snapshots)
        value = default if load.value_pkr_per_mwh is None else float(load.value_pkr_per_mwh)
        if not 0 <= value < voll:
            raise DispatchError(
                f"flexible load '{load.name}': value_pkr_per_mwh must be at least 0 and below "
                f"the value of lost load ({voll:g}), found {value:g}"
            )
        values[j] = value
    zone_at = zones.get_indexer([load.zone for load in loads])
    return pd.Index(names, dtype=object), zone_at, load_mw, values


def _load_profile(load: FlexibleLoad, snapshots: pd.DatetimeIndex) -> np.ndarray:
    if isinstance(load.load_mw, pd.Series):
        series = load.load_mw.reindex(snapshots)
        if series.isna().any():
            raise DispatchError(f"flexible load '{load.name}': load_mw lacks some dataset hours")
        values = series.to_numpy(float)
    else:
        values = np.full(len(snapshots), float(load.load_mw))
    if (values < 0).any() or not np.isfinite(values).all():
        raise DispatchError(f"flexible load '{load.name}': load_mw must be finite and ≥ 0")
    return values
